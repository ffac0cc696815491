#!/usr/bin/env python3
"""An independent implementation of the inspection sample (Protocol/inspection.md §1), written from
the specification alone with Python's hashlib, json and integers, to produce and check the vectors
in Protocol/inspection-vectors.json.

    sample.py generate FILE   fill in each case's expected commitment, seed, population, keys and sample
    sample.py check FILE      exit 0 if every case's expected values are what this code computes
"""
import hashlib
import json
import re
import sys

DOMAIN = b"creditsync/inspection/v2"
COMMITMENT_DOMAIN = b"creditsync/inspection/commitment/v2"
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def sha256(data):
    return hashlib.sha256(data).digest()


def compute(case):
    notice_bytes = case["notice"].encode()
    notice = json.loads(case["notice"])
    fields = notice["fields"]
    secret = bytes.fromhex(case["secret"])
    strata = [(s["stratum"], s["count"]) for s in fields["strata"]]
    counts = dict(strata)
    claims = set(fields["fixed_claims"]) if counts.get("fixed", 0) > 0 else set()
    scope_from = fields["scope_from"]

    # Each key's latest entry among the log's entries.
    latest = {}
    for index, line in enumerate(case["log"]):
        entry = json.loads(line)
        latest[(entry["category"], entry["id"])] = (index, entry)

    members = []
    for (category, record_id), (index, entry) in latest.items():
        if entry.get("op") != "upsert":
            continue
        decision = entry.get("fields", {}).get("decision_date")
        if not isinstance(decision, str):
            decision = entry.get("occurred_at")
        if isinstance(decision, str) and DATE.fullmatch(decision) and decision.encode() < scope_from.encode():
            continue
        claim = category + "/" + record_id
        if claim in claims:
            stratum = "fixed"
        elif category != "fixed" and counts.get(category, 0) > 0:
            stratum = category
        else:
            continue
        members.append((stratum, category, record_id, index))

    seed = sha256(DOMAIN + b"\n" + sha256(notice_bytes) + secret + case["note_text"].encode())

    def key(category, record_id):
        return int.from_bytes(sha256(seed + category.encode() + b"\n" + record_id.encode())[:8], "big")

    keys = {c + "/" + i: format(key(c, i), "016x") for (_, c, i, _) in members}
    population = {}
    sample = []
    for name, count in strata:
        candidates = [m for m in members if m[0] == name]
        population[name] = len(candidates)
        candidates.sort(key=lambda m: (key(m[1], m[2]), m[1].encode(), m[2].encode()))
        for rank, (_, category, record_id, index) in enumerate(candidates[:count], start=1):
            sample.append(f"{name} {rank} {category}/{record_id} {index}")
    return {
        "commitment": sha256(COMMITMENT_DOMAIN + b"\n" + secret).hex(),
        "seed": seed.hex(),
        "population": population,
        "keys": keys,
        "sample": sample,
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
