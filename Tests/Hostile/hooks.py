"""Schemathesis hooks for CreditSync: upload bodies are NDJSON text, sent as generated."""
import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")
