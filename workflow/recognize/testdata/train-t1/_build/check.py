#!/usr/bin/env python3
"""Validate corpus T1: every .eml parses, CRLF only, Message-IDs unique, labels consistent,
weekday dates in range, complaint-noword- mails free of obvious complaint words in the sender's
own text, complaint-word- mails containing one."""
import email
import email.policy
import email.utils
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import build  # noqa: E402

WORDS = re.compile(r"klacht|klagen|beklag|ontevreden|teleurgesteld|teleurstell|onacceptabel|niet (?:helemaal |echt |erg |zo )?tevreden|"
                   r"onvrede|complain|unhappy|disappoint|unacceptable|not satisfied|dissatisf", re.I)

errors = []
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(ROOT, "labels.tsv"), encoding="utf-8")]
assert rows[0] == ["file", "label", "lang", "channel_hint", "kind", "note"], rows[0]
rows = rows[1:]
files = sorted(f for f in os.listdir(ROOT) if f.endswith(".eml"))
if files != sorted(r[0] for r in rows):
    errors.append("file list and labels.tsv differ")
src = {b["id"]: b for b in build.parse_sources()}
smap = {l.split("\t")[0]: l.rstrip("\n").split("\t") for l in open(os.path.join(HERE, "source_map.tsv"), encoding="utf-8")}
mids = {}
for r in rows:
    fn, label, lang, chan, kind, note = r
    raw = open(os.path.join(ROOT, fn), "rb").read()
    if re.search(rb"(?<!\r)\n", raw) or re.search(rb"\r(?!\n)", raw):
        errors.append(fn + ": non-CRLF line end")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for hname in ("From", "To", "Date", "Message-ID", "Subject", "MIME-Version", "Content-Type"):
        if msg[hname] is None:
            errors.append("%s: missing %s" % (fn, hname))
    mid = msg["Message-ID"]
    if mid in mids:
        errors.append("%s: duplicate Message-ID with %s" % (fn, mids[mid]))
    mids[mid] = fn
    d = email.utils.parsedate_to_datetime(msg["Date"])
    if d.weekday() >= 5 or not ("2025-01-01" <= d.date().isoformat() <= "2026-11-30"):
        errors.append("%s: bad date %s" % (fn, msg["Date"]))
    body = msg.get_body(preferencelist=("plain",))
    if body is None or not body.get_content().strip():
        errors.append(fn + ": no text body")
    if msg.is_multipart() and msg.get_body(preferencelist=("html",)) is None:
        errors.append(fn + ": multipart without html")
    if msg["In-Reply-To"] and not str(msg["In-Reply-To"]).endswith("@mcoo.nl>"):
        errors.append(fn + ": reply not to firm id")
    b = src[smap[fn][1]]
    own = b["body"] + "\n" + b.get("subj", "")
    if kind.startswith("complaint-noword-") and WORDS.search(own):
        errors.append("%s (%s): complaint word in noword mail: %s" % (fn, b["id"], WORDS.search(own).group(0)))
    if kind.startswith("complaint-word-") and not WORDS.search(own):
        errors.append("%s (%s): no complaint word in word mail" % (fn, b["id"]))
    if label not in ("complaint", "not") or lang not in ("nl", "en") or not note:
        errors.append(fn + ": bad label row")
print("%d files, %d unique Message-IDs" % (len(rows), len(mids)))
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
