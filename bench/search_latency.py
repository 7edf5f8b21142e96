#!/usr/bin/env python3
"""Median latency of help desk searches over HTTP, against a running gateway.

    python3 bench/search_latency.py URL TOKEN [N]

Sends N (default 200) sequential POST /graphql searches for each kind of input
(an email, a MAC, a name) after 20 warm-up requests, and prints the median and
the 95th percentile in milliseconds. Standard library only.
"""
import json
import statistics
import sys
import time
import urllib.request

QUERY = """query($q: String!) { search(query: $q, first: 20) {
  interpretedAs { kind value }
  edges { matchedField score node { __typename
    ... on User { email displayName status customer { name } }
    ... on Device { macAddress model customer { name } }
    ... on Customer { name } } } } }"""

CASES = [
    ("email", "davis.walker@nanpizza.com"),
    ("mac", "2C:54:91:88:C9:E3"),
    ("name", "zoe durand"),
]


def once(url, token, text):
    body = json.dumps({"query": QUERY, "variables": {"q": text}}).encode()
    req = urllib.request.Request(url, body, {"content-type": "application/json", "authorization": f"Bearer {token}"})
    start = time.perf_counter()
    with urllib.request.urlopen(req) as res:
        data = json.load(res)
    elapsed = (time.perf_counter() - start) * 1000
    if data.get("errors"):
        raise SystemExit(f"{text}: {data['errors']}")
    if not data["data"]["search"]["edges"]:
        raise SystemExit(f"{text}: no result")
    return elapsed


def main():
    url, token = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    for label, text in CASES:
        for _ in range(20):
            once(url, token, text)
        samples = sorted(once(url, token, text) for _ in range(n))
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"{label:6} {text!r:32} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={n})")


if __name__ == "__main__":
    main()
