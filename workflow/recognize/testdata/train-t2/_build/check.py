#!/usr/bin/env python3
"""Validate corpus T2: every .eml parses, CRLF only, Message-IDs unique, labels.tsv matches files,
dates are weekdays in Jan 2025 - Nov 2026, plain-text body decodes."""
import os, glob, email, email.policy, email.utils, sys, datetime as dt
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = sorted(glob.glob(os.path.join(ROOT, 't2_*.eml')))
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(ROOT, 'labels.tsv'), encoding='utf-8')]
assert rows[0] == ['file', 'label', 'lang', 'channel_hint', 'kind', 'note'], rows[0]
assert [r[0] for r in rows[1:]] == [os.path.basename(f) for f in files], 'labels/files mismatch'
ids, froms, errs = set(), set(), []
for f in files:
    raw = open(f, 'rb').read()
    if b'\n' in raw.replace(b'\r\n', b''):
        errs.append(f + ': bare LF')
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if msg.defects:
        errs.append('%s: defects %s' % (f, msg.defects))
    mid = msg['Message-ID']
    if not mid or mid in ids:
        errs.append(f + ': missing/duplicate Message-ID')
    ids.add(mid)
    fr = email.utils.parseaddr(msg['From'])[1].lower()
    if fr in froms:
        errs.append(f + ': duplicate From')
    froms.add(fr)
    if email.utils.parseaddr(msg['To'])[1] not in ('marco@mcoo.nl', 'hans@mcoo.nl'):
        errs.append(f + ': bad To')
    d = email.utils.parsedate_to_datetime(msg['Date'])
    if d.weekday() > 4 or not (dt.date(2025, 1, 1) <= d.date() <= dt.date(2026, 11, 30)):
        errs.append(f + ': bad date ' + msg['Date'])
    body = msg.get_body(preferencelist=('plain',))
    if body is None or not body.get_content().strip():
        errs.append(f + ': no plain body')
    if msg['In-Reply-To'] and not msg['In-Reply-To'].endswith('@mcoo.nl>'):
        errs.append(f + ': reply not to firm id')
if errs:
    print('\n'.join(errs)); sys.exit(1)
print('OK: %d files, %d unique Message-IDs, %d unique senders' % (len(files), len(ids), len(froms)))
