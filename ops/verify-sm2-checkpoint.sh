#!/bin/sh
# Verifies the latest SM2-signed checkpoint of an sm3-sm2 ledger with the OpenSSL CLI alone,
# following Protocol/formats.md §5. Usage: ops/verify-sm2-checkpoint.sh LEDGER_DIR [CHECKPOINT_FILE]
set -eu
dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -ge 2 ]; then cp "$2" "$work/cp.txt"; else creditsync province checkpoint --ledger "$dir" > "$work/cp.txt"; fi
# The note text: everything before the blank line, plus its final newline.
awk 'BEGIN{RS="\n\n"} NR==1{printf "%s\n", $0}' "$work/cp.txt" > "$work/body.txt"
# The first signature: base64 after the key name, minus the 4-byte key ID.
sed -n 's/^— [^ ]* //p' "$work/cp.txt" | head -1 | base64 -d | tail -c +5 > "$work/sig.der"
openssl pkeyutl -verify -pubin -inkey "$dir/signing.pub.pem" -rawin -digest sm3 \
    -pkeyopt distid:1234567812345678 -in "$work/body.txt" -sigfile "$work/sig.der"
