#!/usr/bin/env python3
"""Validate the T3 corpus: parsing, CRLF, unique Message-IDs, weekday dates, labels, no-word check."""
import os, re, sys, email, email.policy, email.utils, collections
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build import COMPLAINT_WORDS, parse
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs = []
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(OUT, 'labels.tsv'), encoding='utf-8')]
assert rows[0] == ['file', 'label', 'lang', 'channel_hint', 'kind', 'note'], rows[0]
rows = rows[1:]
files = sorted(f for f in os.listdir(OUT) if f.endswith('.eml'))
if files != sorted(r[0] for r in rows):
    errs.append('labels.tsv and .eml files differ')
ids, froms = collections.Counter(), collections.Counter()
for fn, lab, lang, ch, kind, note in rows:
    raw = open(os.path.join(OUT, fn), 'rb').read()
    if re.search(rb'(?<!\r)\n', raw) or re.search(rb'\r(?!\n)', raw):
        errs.append(fn + ': not pure CRLF')
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for h in ('From', 'To', 'Date', 'Message-ID', 'Subject', 'MIME-Version', 'Content-Type'):
        if msg[h] is None:
            errs.append('%s: missing %s' % (fn, h))
    if any(k.lower().startswith('list-') or k.lower() in ('precedence', 'auto-submitted') for k in msg.keys()):
        errs.append(fn + ': list/auto header')
    if msg.defects:
        errs.append('%s: defects %s' % (fn, msg.defects))
    ids[msg['Message-ID']] += 1
    froms[email.utils.parseaddr(str(msg['From']))[1]] += 1
    d = email.utils.parsedate_to_datetime(str(msg['Date']))
    if d.weekday() > 4 or not (2025 <= d.year <= 2026) or (d.year == 2026 and d.month == 12):
        errs.append(fn + ': bad date ' + str(msg['Date']))
    to = email.utils.parseaddr(str(msg['To']))[1]
    if to not in ('marco@mcoo.nl', 'hans@mcoo.nl'):
        errs.append(fn + ': bad To')
    if msg['In-Reply-To'] and '@mcoo.nl>' not in str(msg['In-Reply-To']):
        errs.append(fn + ': In-Reply-To not a firm id')
    for part in msg.walk():
        if part.get_content_maintype() == 'text':
            part.get_content()
    if lab not in ('complaint', 'not') or lang not in ('nl', 'en') or not note:
        errs.append(fn + ': bad label row')
dups = [i for i, n in ids.items() if n > 1]
if dups:
    errs.append('duplicate Message-IDs: %s' % dups)
multi = [a for a, n in froms.items() if n > 1 and 'klachtwijzer' not in a]
if multi:
    errs.append('reused sender addresses: %s' % multi)
# no-word complaints: sender's own text (body before quote) and subject free of complaint words
for r in parse():
    if r['kind'].startswith('complaint-noword-'):
        own = (r.get('subject', '') + '\n' + r['body']).lower()
        hit = [w for w in COMPLAINT_WORDS if w in own]
        if hit:
            errs.append('%s: complaint-noword but contains %s' % (r['id'], hit))
    if r['kind'].startswith('complaint-word-'):
        own = (r.get('subject', '') + '\n' + r['body']).lower()
        if not any(w in own for w in COMPLAINT_WORDS):
            errs.append('%s: complaint-word but no complaint word found' % r['id'])
print('%d files checked, %d errors' % (len(rows), len(errs)))
for e in errs:
    print('  ' + e)
sys.exit(1 if errs else 0)
