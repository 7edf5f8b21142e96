#!/usr/bin/env python3
"""Median latency of help desk requests over HTTP, against a running gateway.

    python3 bench/latency.py URL TOKEN [N] [search|detail]

search (default): N sequential searches for an email, a MAC and a name.
detail: N sequential customer-detail queries (the customer summary the cache
serves: name, domains, sites, admins, read-only access) for one customer.
Each after 20 warm-up requests; prints the median and the 95th percentile in
milliseconds. Standard library only.
"""
import json
import statistics
import sys
import time
import urllib.request

SEARCH = """query($q: String!) { search(query: $q, first: 20) {
  interpretedAs { kind value }
  edges { matchedField score node { __typename
    ... on User { email displayName status customer { name } }
    ... on Device { macAddress model customer { name } }
    ... on Customer { id name } } } } }"""

DETAIL = """query($id: ID!) { customer(id: $id) {
  name status createdAt domains { name verified } meetingSites
  admins { role } readOnlyAccess { authorized until } } }"""

SEARCHES = [
    ("email", "davis.walker@nanpizza.com"),
    ("mac", "2C:54:91:88:C9:E3"),
    ("name", "zoe durand"),
]


def post(url, token, query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    req = urllib.request.Request(url, body, {"content-type": "application/json", "authorization": f"Bearer {token}"})
    start = time.perf_counter()
    with urllib.request.urlopen(req) as res:
        data = json.load(res)
    elapsed = (time.perf_counter() - start) * 1000
    if data.get("errors"):
        raise SystemExit(f"{variables}: {data['errors']}")
    return elapsed, data["data"]


def measure(label, n, once):
    for _ in range(20):
        once()
    samples = sorted(once() for _ in range(n))
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:40} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={n})")


def main():
    url, token = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    mode = sys.argv[4] if len(sys.argv) > 4 else "search"
    if mode == "detail":
        _, data = post(url, token, SEARCH, {"q": "Nan Pizza Group"})
        customer = data["search"]["edges"][0]["node"]["id"]
        measure("customer detail (Nan Pizza Group)", n, lambda: post(url, token, DETAIL, {"id": customer})[0])
        return
    for label, text in SEARCHES:
        def once(text=text):
            elapsed, data = post(url, token, SEARCH, {"q": text})
            if not data["search"]["edges"]:
                raise SystemExit(f"{text}: no result")
            return elapsed
        measure(f"{label} {text!r}", n, once)


if __name__ == "__main__":
    main()
