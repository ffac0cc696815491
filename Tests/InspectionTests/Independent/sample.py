#!/usr/bin/env python3
"""An independent implementation of the inspection sample (Protocol/inspection.md), written from
the specification alone with Python's hashlib and integers, to produce and check the vectors in
Protocol/inspection-vectors.json.

    sample.py generate FILE   fill in each case's expected seed, keys and sample
    sample.py check FILE      exit 0 if every case's expected values are what this code computes
"""
import hashlib
import json
import sys
from functools import cmp_to_key

DOMAIN = b"creditsync/inspection/v1"


def seed(note_text, inspection_id):
    return hashlib.sha256(DOMAIN + b"\n" + note_text.encode() + inspection_id.encode() + b"\n").digest()


def key(seed_bytes, uscc):
    return int.from_bytes(hashlib.sha256(seed_bytes + uscc.encode()).digest()[:8], "big")


def compute(case):
    s = seed(case["note_text"], case["inspection_id"])
    weights = case["weights"]
    members = [(m["uscc"], key(s, m["uscc"]), weights[m["risk_class"]]) for m in case["population"]]

    def compare(a, b):
        left, right = a[1] * b[2], b[1] * a[2]  # k_a * w_b against k_b * w_a, exact
        if left != right:
            return -1 if left < right else 1
        ua, ub = a[0].encode(), b[0].encode()
        return (ua > ub) - (ua < ub)

    ranked = sorted(members, key=cmp_to_key(compare))
    return {
        "seed": s.hex(),
        "keys": {m[0]: format(m[1], "016x") for m in members},
        "sample": [m[0] for m in ranked[: case["size"]]],
    }


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    failures = 0
    for case in document["cases"]:
        got = compute(case)
        if mode == "generate":
            case["expected"] = got
        elif case.get("expected") != got:
            failures += 1
            print(f"case {case['name']}: expected {case.get('expected')}, computed {got}", file=sys.stderr)
    if mode == "generate":
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False, indent=1)
            f.write("\n")
    else:
        print(f"{len(document['cases']) - failures} of {len(document['cases'])} cases agree")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
