#!/usr/bin/env python3
"""Validate corpus T4: every .eml parses, CRLF only, required headers, unique Message-IDs,
labels.tsv consistent, complaint-noword messages free of complaint words in the sender's own text."""
import email
import os
import re
import sys
from email import policy
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import build  # noqa

errs = []
files = sorted(f for f in os.listdir(OUT) if re.match(r"t4_\d{4}\.eml$", f))
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(OUT, "labels.tsv"), encoding="utf-8")]
assert rows[0] == ["file", "label", "lang", "channel_hint", "kind", "note"], rows[0]
lab = {r[0]: r for r in rows[1:]}
if set(lab) != set(files):
    errs.append("labels.tsv and files differ")
ids = Counter()
froms = Counter()
for f in files:
    raw = open(os.path.join(OUT, f), "rb").read()
    if re.search(rb"(?<!\r)\n", raw) or re.search(rb"\r(?!\n)", raw):
        errs.append(f + ": non-CRLF line end")
    msg = email.message_from_bytes(raw, policy=policy.default)
    for h in ("From", "To", "Date", "Message-ID", "Subject", "MIME-Version", "Content-Type"):
        if msg[h] is None:
            errs.append("%s: missing %s" % (f, h))
    if msg.defects:
        errs.append("%s: defects %s" % (f, msg.defects))
    ids[msg["Message-ID"]] += 1
    addr = msg["From"].addresses[0].addr_spec.lower()
    if not addr.endswith("@mcoo.nl"):
        froms[addr] += 1
        if not re.search(r"@(.+\.)?example\.[a-z.]+$", addr):
            errs.append(f + ": sender not example.*: " + addr)
    to = msg["To"].addresses[0].addr_spec
    if to not in ("marco@mcoo.nl", "hans@mcoo.nl"):
        errs.append(f + ": bad To")
    d = msg["Date"].datetime
    if d.weekday() >= 5 or not (2025 <= d.year <= 2026) or (d.year == 2026 and d.month > 11):
        errs.append(f + ": bad date " + str(d))
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content()
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            part.get_content()
    if msg["In-Reply-To"] and not msg["In-Reply-To"].endswith("@mcoo.nl>"):
        errs.append(f + ": In-Reply-To not firm")
    r = lab[f]
    if r[1] != ("complaint" if r[4].startswith("complaint-") else "not"):
        errs.append(f + ": label/kind mismatch")
    if r[2] not in ("nl", "en"):
        errs.append(f + ": lang")
for i, c in ids.items():
    if c > 1:
        errs.append("duplicate Message-ID " + i)
for a, c in froms.items():
    if c > 1:
        errs.append("duplicate sender " + a)
# noword check on source text (sender's own text only)
for m in build.parse_sources():
    own = (m["hdr"]["subject"] + "\n" + "\n".join(m["body"])).lower()
    hits = [w for w in build.COMPLAINT_WORDS if w in own]
    if m["kind"].startswith("complaint-noword-") and hits:
        errs.append("%s: complaint word in noword message: %s" % (m["id"], hits))
    if m["kind"].startswith("complaint-word-") and not hits:
        errs.append("%s: no complaint word in word message" % m["id"])
for e in errs:
    print("ERROR", e)
print("%d files checked, %d errors" % (len(files), len(errs)))
sys.exit(1 if errs else 0)
