#!/usr/bin/env bash
# Property-based run of Protocol/openapi.yaml against a live HQ (issue "Harden HQ", done-when):
# schemathesis generates valid and invalid requests for every operation and parameter, sent
# with several certificates (the province's own, another province's, one naming no province,
# one naming two, a revoked one); HQ must answer every one without a 5xx and stay up.
#
#   Tests/Hostile/schemathesis.sh [path/to/creditsync] [max-examples]
#
# Needs `pip install schemathesis` (PyPI). Everything runs in a temporary directory on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=$(realpath "${1:-.build/debug/creditsync}")
examples=${2:-200}
command -v st >/dev/null || { echo "install schemathesis: python3 -m pip install schemathesis" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $hq 2>/dev/null || true; wait $hq 2>/dev/null || true; rm -rf "$work"' EXIT

"$binary" pki init-ca --out "$work/ca" >/dev/null
"$binary" pki issue --ca "$work/ca" --hq 127.0.0.1 --out "$work/hq-tls" >/dev/null
"$binary" hq init --data "$work/hq" >/dev/null
for code in 440000 310000 120000; do
    "$binary" pki issue --ca "$work/ca" --province $code --out "$work/tls-$code" >/dev/null
    "$binary" province init --ledger "$work/ledger-$code" --province $code >/dev/null
    "$binary" gen records --province $code --count 600 | "$binary" province append --ledger "$work/ledger-$code" >/dev/null
done
for code in 440000 310000; do
    "$binary" hq enroll --data "$work/hq" --province $code --key "$("$binary" province key --ledger "$work/ledger-$code")" >/dev/null
done
"$binary" pki issue --ca "$work/ca" --province 440000 --out "$work/tls-revoked" >/dev/null

"$binary" hq serve --data "$work/hq" --listen 127.0.0.1:0 --operator-listen 127.0.0.1:0 --cert "$work/hq-tls/cert.pem" \
    --key "$work/hq-tls/key.pem" --ca "$work/ca/ca.pem" --upload-idle-timeout-seconds 5 2>"$work/hq.log" &
hq=$!
for _ in $(seq 1 200); do grep -q "HQ listening for provinces" "$work/hq.log" && break; sleep 0.05; done
port=$(grep "HQ listening for provinces" "$work/hq.log" | sed -E 's/.*:([0-9]+) .*/\1/' | head -1)
url="https://127.0.0.1:$port"
hq_key=$(cat "$work/hq/cosigner.pub")
"$binary" province sync --ledger "$work/ledger-440000" --hq-url "$url" --cert "$work/tls-440000/cert.pem" \
    --key "$work/tls-440000/key.pem" --ca "$work/ca/ca.pem" --hq-key "$hq_key" >/dev/null
"$binary" hq revoke --data "$work/hq" --serial "$("$binary" pki serial --cert "$work/tls-revoked/cert.pem")" --reason "schemathesis" >/dev/null

export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH="$PWD/Tests/Hostile${PYTHONPATH:+:$PYTHONPATH}"
status=0
for identity in 440000 310000 120000 revoked; do
    echo "== schemathesis with the certificate of $identity"
    st run Protocol/openapi.yaml --url "$url" --tls-verify "$work/ca/ca.pem" \
        --request-cert "$work/tls-$identity/cert.pem" --request-cert-key "$work/tls-$identity/key.pem" \
        --phases examples,fuzzing --checks not_a_server_error --max-examples "$examples" --seed 20261201 --workers 2 --request-timeout 30 \
        --suppress-health-check all || status=1
    kill -0 $hq || { echo "HQ died" >&2; exit 1; }
done
if grep -E "error|critical" "$work/hq.log" | grep -v "refused\|FORK" ; then
    echo "HQ logged errors (above)" >&2; status=1
fi
exit $status
