#!/usr/bin/env python3
"""Writes queries.tsv: what agents type, and what they meant.

Run on a demo database (`helpdesk seed` into a fresh SQLite file):

    python3 tests/relevance/generate.py /tmp/demo.db > tests/relevance/queries.tsv

The label of each query is the record it was made from, never what a search
returned. Forms an agent could not mean one record by (a name three users
share, a partial name two customers start with) are left out: no ranking
could get them right. Only the records of Northwind Partners, whose help desk
agent the test signs in as.
"""
import sqlite3
import sys
import unicodedata

db = sqlite3.connect(sys.argv[1])
partner = db.execute("select id from partners where name = 'Northwind Partners'").fetchone()[0]
rows = lambda sql: db.execute(sql, (partner,)).fetchall()


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in s.lower()).split())


out = []
add = lambda q, kind, key, form: out.append((q, kind, key, form))

for mac, serial, sip in rows("select mac, serial, sip_address from devices where partner_id = ? and third_party = 0 and mac is not null"):
    pairs = [mac[i:i + 2] for i in range(0, 12, 2)]
    add(":".join(pairs), "Device", mac, "mac with colons")
    add("-".join(pairs).lower(), "Device", mac, "mac with dashes, lower case")
    add(".".join(mac[i:i + 4] for i in range(0, 12, 4)).lower(), "Device", mac, "mac in dotted quads")
    add(mac.lower(), "Device", mac, "bare mac")
    if serial:
        add(serial, "Device", mac, "serial number")
    if sip:
        add("sip:" + sip.upper(), "Device", mac, "sip address")

for (number,) in rows("select number from phone_numbers where partner_id = ?"):
    if number.startswith("+1") and len(number) == 12:
        n = number[2:]
        add(f"+1-{n[:3]}-{n[3:6]}-{n[6:]}", "PhoneNumber", number, "phone with dashes")
        add(f"+1 ({n[:3]}) {n[3:6]} {n[6:]}", "PhoneNumber", number, "phone with brackets")
        add(f"+1.{n[:3]}.{n[3:6]}.{n[6:]}", "PhoneNumber", number, "phone with dots")
    else:
        add(number, "PhoneNumber", number, "phone")

users = rows("select email, first_name, last_name from users where partner_id = ?")
full = {}
for email, first, last in users:
    full.setdefault(fold(f"{first} {last}"), []).append(email)
words = set()
for email, first, last in users:
    words.update(fold(first).split() + fold(last).split())
for (name,) in rows("select name from customers where partner_id = ?"):
    words.update(fold(name).split())
for i, (email, first, last) in enumerate(users):
    local, domain = email.split("@")
    add(email.upper() if i % 2 else local.capitalize() + "@" + domain.title(), "User", email, "email, odd case")
    key = fold(f"{first} {last}")
    if len(full[key]) != 1:
        continue
    add(f"{first} {last}", "User", email, "first last")
    add(f"{last}, {first}".lower(), "User", email, "last, first")
    partial = fold(f"{first} {last[:3]}")
    if sum(k.startswith(partial) for k in full) == 1:
        add(f"{first} {last[:3]}", "User", email, "first + three letters of the last")
    *lead, lw = fold(last).split()  # O'Brien folds to "o brien": the typo goes in "brien"
    if len(lw) >= 5:
        typo = lw[0] + lw[1] + lw[3] + lw[2] + lw[4:]
        if typo not in words:
            add(" ".join([first] + lead + [typo]), "User", email, "one typo (swapped letters)")

customers = [name for (name,) in rows("select name from customers where partner_id = ?")]
keys = [fold(n) for n in customers]
for name in customers:
    k = fold(name)
    add(name, "Customer", name, "customer name")
    add(name.upper(), "Customer", name, "customer name, upper case")
    w = k.split()
    if len(w) > 2 and sum(x.startswith(" ".join(w[:2])) for x in keys) == 1:
        add(" ".join(w[:2]), "Customer", name, "first two words")
    if len(w) > 1 and len(w[1]) >= 5:
        typo = w[1][:2] + w[1][3] + w[1][2] + w[1][4:]
        if typo not in words:
            add(" ".join([w[0], typo] + w[2:]), "Customer", name, "one typo (swapped letters)")

for name, domain in rows("select c.name, d.domain from customer_domains d join customers c on c.id = d.customer_id where d.partner_id = ?"):
    add(domain.upper(), "Customer", name, "domain")
for name, host in rows("select c.name, s.host from meeting_sites s join customers c on c.id = s.customer_id where s.partner_id = ?"):
    add(f"https://{host}/meet", "Customer", name, "meeting site")
for (order,) in rows("select web_order_number from subscriptions where partner_id = ?"):
    add(order, "Order", order, "web order number")

print("# query\texpected type\texpected record\tform (made by generate.py; see its docstring)")
for row in out:
    print("\t".join(row))
