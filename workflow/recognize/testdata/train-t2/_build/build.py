#!/usr/bin/env python3
"""Deterministic builder for corpus T2: _build/src/*.txt -> t2_NNNN.eml, labels.tsv, README.md.
Standard library only. Run from anywhere: python3 _build/build.py"""
import hashlib, html, os, re, random, sys, glob, email, email.policy, quopri, datetime as dt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, '_build', 'src')

FIRM = {
    'marco': ('Marco | Mijn Cijfers Op Orde', 'marco@mcoo.nl', 'Marco van Dijk\nDirecteur'),
    'hans': ('Hans | Mijn Cijfers Op Orde', 'hans@mcoo.nl', 'Hans Bakker\nDirecteur'),
    'anna': ('Anna | Mijn Cijfers Op Orde', 'anna@mcoo.nl', 'Anna\nSalarisadministratie'),
    'sanne': ('Sanne | Mijn Cijfers Op Orde', 'sanne@mcoo.nl', 'Sanne\nBoekhouding'),
    'pieter': ('Pieter | Mijn Cijfers Op Orde', 'pieter@mcoo.nl', 'Pieter\nBelastingadvies'),
    'joyce': ('Joyce | Mijn Cijfers Op Orde', 'joyce@mcoo.nl', 'Joyce\nFront office'),
}
TO_DISPLAY = {
    'marco': ['Marco | Mijn Cijfers Op Orde', 'Marco', 'Marco van Dijk', 'Marco van Dijk (MCOO)'],
    'hans': ['Hans | Mijn Cijfers Op Orde', 'Hans', 'Hans Bakker', 'Hans Bakker (MCOO)'],
}
COMPLAINT_WORDS = ['klacht', 'klaag', 'klagen', 'ontevreden', 'teleurgesteld', 'teleurstell', 'onacceptabel',
    'niet tevreden', 'complain', 'unhappy', 'disappoint', 'unacceptable', 'not acceptable', 'not satisfied',
    'dissatisf', 'not happy', 'niet blij', 'niet acceptabel', 'onaanvaardbaar', 'ontgoocheld', 'beklag']

DUTCH_MON = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec']
DUTCH_MONTH = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september',
               'oktober', 'november', 'december']
DUTCH_WD = ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag']
DUTCH_WD_S = ['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo']

def rng_for(sid, salt=''):
    return random.Random(int(hashlib.sha256((sid + '|' + salt).encode()).hexdigest(), 16))

def last_sunday(y, m):
    d = dt.date(y, m + 1, 1) - dt.timedelta(days=1) if m < 12 else dt.date(y, 12, 31)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)

def nth_sunday(y, m, n):
    d = dt.date(y, m, 1)
    d += dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + dt.timedelta(days=7 * (n - 1))

def offset(zone, day):
    eu_dst = last_sunday(day.year, 3) <= day < last_sunday(day.year, 10)
    us_dst = nth_sunday(day.year, 3, 2) <= day < nth_sunday(day.year, 11, 1)
    z = {'NL': 60, 'BE': 60, 'DE': 60, 'PL': 60, 'ES': 60, 'FR': 60, 'IT': 60, 'UK': 0, 'IE': 0, 'PT': 0,
         'UA': 120, 'TR': 180, 'MA': 60, 'IN': 330, 'US-E': -300, 'US-C': -360, 'US-P': -480,
         'SG': 480, 'AU': 600, 'ZA': 120, 'AE': 240, 'BR': -180, 'CA-E': -300}[zone]
    if zone in ('NL', 'BE', 'DE', 'PL', 'ES', 'FR', 'IT', 'UK', 'IE', 'PT', 'UA') and eu_dst:
        z += 60
    if zone in ('US-E', 'US-C', 'US-P', 'CA-E') and us_dst:
        z += 60
    if zone == 'AU' and not (dt.date(day.year, 4, 6) <= day < dt.date(day.year, 10, 5)):
        z += 60
    return z

def fmt_off(mins):
    s = '+' if mins >= 0 else '-'
    mins = abs(mins)
    return '%s%02d%02d' % (s, mins // 60, mins % 60)

def pick_date(sid, zone, month=None):
    r = rng_for(sid, 'date')
    start = dt.date(2025, 1, 1); end = dt.date(2026, 11, 30)
    while True:
        if month:
            y, m = map(int, month.split('-'))
            d = dt.date(y, m, r.randint(1, 28))
        else:
            d = start + dt.timedelta(days=r.randint(0, (end - start).days))
        if d.weekday() < 5:
            break
    t = dt.time(r.choice([7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 19, 20, 21, 22]),
                r.randint(0, 59), r.randint(0, 59))
    return dt.datetime.combine(d, t), offset(zone, d)

def rfc_date(d, off):
    return d.strftime('%a, %d %b %Y %H:%M:%S ') + fmt_off(off)

def parse_blocks(path):
    text = open(path, encoding='utf-8').read()
    blocks = re.split(r'^#### ', text, flags=re.M)[1:]
    out = []
    for b in blocks:
        sid, rest = b.split('\n', 1)
        sid = sid.strip()
        m = re.split(r'^(body|quote):\s*$', rest, flags=re.M)
        head = m[0]
        sections = {}
        for i in range(1, len(m), 2):
            sections[m[i]] = m[i + 1].strip('\n')
        meta = {}
        for line in head.splitlines():
            if not line.strip() or line.startswith(';'):
                continue
            k, v = line.split(':', 1)
            meta[k.strip()] = v.strip()
        meta['id'] = sid
        meta['body'] = sections.get('body', '').rstrip() + '\n'
        meta['quote'] = sections.get('quote')
        meta['file'] = os.path.basename(path)
        out.append(meta)
    return out

def msgid(sid, domain, style):
    r = rng_for(sid, 'mid')
    A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    H = '0123456789ABCDEF'
    if style == 'gmail':
        return '<CA%s+%s=%s@%s>' % (''.join(r.choice(A) for _ in range(12)), ''.join(r.choice(A) for _ in range(18)),
                                     ''.join(r.choice(A) for _ in range(12)), domain)
    if style == 'outlook':
        return '<%s%02dMB%04d%s@%s>' % (r.choice(['AM9PR', 'DB8PR', 'PA4PR', 'VI1PR', 'AS8PR', 'LO2P', 'BY5PR']),
                                         r.randint(1, 9), r.randint(1000, 9999), ''.join(r.choice(H) for _ in range(28)), domain)
    if style == 'apple':
        h = ''.join(r.choice(H) for _ in range(32))
        return '<%s-%s-%s-%s-%s@%s>' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:], domain)
    return '<%s.%d@%s>' % (''.join(r.choice('0123456789abcdef') for _ in range(16)), r.randint(1000, 99999), domain)

def firm_msgid(sid):
    r = rng_for(sid, 'firm')
    H = '0123456789ABCDEF'
    return '<GV1PR%02dMB%04d%s@mcoo.nl>' % (r.randint(1, 9), r.randint(1000, 9999), ''.join(r.choice(H) for _ in range(28)))

def quote_block(meta, d, off, client_style):
    who = meta.get('qfrom') or meta['to']
    name, addr, sig = FIRM[who]
    r = rng_for(meta['id'], 'q')
    qd = d - dt.timedelta(days=r.randint(0, 4), hours=r.randint(1, 5), minutes=r.randint(0, 59))
    while qd.weekday() >= 5:
        qd -= dt.timedelta(days=1)
    qd_local_off = offset('NL', qd.date())
    qtext = meta['quote'].rstrip() + '\n\n' + sig + '\nMijn Cijfers Op Orde B.V.\nT 085 303 71 90 | www.mcoo.nl'
    style = meta.get('reply', 'gmail-en')
    qsubj = re.sub(r'^(re|aw|antw|fw|fwd|wg):\s*', '', meta['subject'], flags=re.I)
    sender = meta['from']
    if style in ('gmail-en', 'gmail-nl', 'apple-en', 'apple-nl'):
        quoted = '\n'.join(('> ' + l) if l else '>' for l in qtext.splitlines())
        if style == 'gmail-en':
            hdr = 'On %s, %d %s %d at %s, %s <%s> wrote:' % (qd.strftime('%a'), qd.day, qd.strftime('%b'), qd.year,
                                                             qd.strftime('%H:%M'), name, addr)
        elif style == 'gmail-nl':
            hdr = 'Op %s %d %s %d om %s schreef %s <%s>:' % (DUTCH_WD_S[qd.weekday()], qd.day, DUTCH_MON[qd.month - 1],
                                                            qd.year, qd.strftime('%H:%M'), name, addr)
        elif style == 'apple-en':
            hdr = 'On %d %s %d, at %s, %s <%s> wrote:' % (qd.day, qd.strftime('%b'), qd.year, qd.strftime('%H:%M'), name, addr)
        else:
            hdr = 'Op %d %s %d, om %s heeft %s <%s> het volgende geschreven:' % (qd.day, DUTCH_MONTH[qd.month - 1], qd.year,
                                                                               qd.strftime('%H:%M'), name, addr)
        return hdr + '\n\n' + quoted
    if style == 'outlook-en':
        h = qd.hour % 12 or 12
        return ('________________________________\nFrom: %s <%s>\nSent: %s, %s %d, %d %d:%s %s\nTo: %s\nSubject: %s\n\n%s'
                % (name, addr, qd.strftime('%A'), qd.strftime('%B'), qd.day, qd.year, h, qd.strftime('%M'),
                   'AM' if qd.hour < 12 else 'PM', sender, qsubj, qtext))
    if style == 'outlook-nl':
        return ('-----Oorspronkelijk bericht-----\nVan: %s <%s>\nVerzonden: %s %d %s %d %s\nAan: %s\nOnderwerp: %s\n\n%s'
                % (name, addr, DUTCH_WD[qd.weekday()], qd.day, DUTCH_MONTH[qd.month - 1], qd.year,
                   qd.strftime('%H:%M'), sender, qsubj, qtext))
    raise ValueError('reply style ' + style)

def text_to_html(text):
    out = []
    depth = 0
    for line in text.split('\n'):
        q = 0
        while line.startswith('>'):
            line = line[1:].lstrip(' ') if line.startswith('> ') or line == '>' else line[1:]
            q += 1
        while depth < q:
            out.append('<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">'); depth += 1
        while depth > q:
            out.append('</blockquote>'); depth -= 1
        out.append('<div>%s</div>' % (html.escape(line) if line.strip() else '<br>'))
    while depth:
        out.append('</blockquote>'); depth -= 1
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n<body>\n'
            + '\n'.join(out) + '\n</body></html>\n')

def qp(text):
    return quopri.encodestring(text.encode('utf-8')).decode('ascii')

def crlf(s):
    return s.replace('\r\n', '\n').replace('\n', '\r\n')

def build_one(meta):
    sid = meta['id']
    r = rng_for(sid, 'fmt')
    m = re.match(r'(.*)<([^>]+)>', meta['from'])
    addr = m.group(2).strip()
    domain = addr.split('@')[1]
    zone = meta.get('zone', 'NL')
    d, off = pick_date(sid, zone, meta.get('month'))
    to = meta['to']
    disp = rng_for(sid, 'to').choice(TO_DISPLAY[to])
    to_hdr = '%s <%s>' % (('"%s"' % disp) if ('|' in disp or '(' in disp) else disp, FIRM[to][1])
    client = meta.get('client') or r.choice(['gmail', 'gmail', 'outlook', 'outlook', 'apple', 'thunderbird'])
    fmt = meta.get('fmt', 'auto')
    if fmt == 'auto':
        x = r.random()
        fmt = 'html' if x < 0.15 else ('qp' if x < 0.21 else 'plain')
    body = meta['body']
    if meta.get('quote') is not None:
        body = body.rstrip('\n') + '\n\n' + quote_block(meta, d, off, client) + '\n'
    headers = []
    headers.append(('From', meta['from']))
    headers.append(('To', to_hdr))
    if meta.get('cc'):
        headers.append(('Cc', meta['cc']))
    headers.append(('Subject', meta.get('subject', '')))
    headers.append(('Date', rfc_date(d, off)))
    headers.append(('Message-ID', msgid(sid, domain, client)))
    if meta.get('quote') is not None:
        fid = firm_msgid(sid)
        headers.append(('In-Reply-To', fid))
        headers.append(('References', fid))
    if client == 'outlook':
        headers.append(('X-Mailer', 'Microsoft Outlook 16.0'))
    elif client == 'thunderbird':
        headers.append(('User-Agent', 'Mozilla Thunderbird'))
    elif client == 'apple':
        headers.append(('X-Mailer', 'Apple Mail (2.3826.400.131.1.6)'))
    headers.append(('MIME-Version', '1.0'))
    lines = []
    for k, v in headers:
        if k == 'Subject' and any(ord(c) > 127 for c in v):
            from email.header import Header
            v = Header(v, 'utf-8').encode()
        lines.append('%s: %s' % (k, v))
    if fmt == 'html':
        bnd = '000000000000' + hashlib.md5(sid.encode()).hexdigest()[:16]
        lines.append('Content-Type: multipart/alternative; boundary="%s"' % bnd)
        parts = ['', '--' + bnd, 'Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable',
                 '', qp(body).rstrip('\n'), '', '--' + bnd, 'Content-Type: text/html; charset="UTF-8"',
                 'Content-Transfer-Encoding: quoted-printable', '', qp(text_to_html(body)).rstrip('\n'), '',
                 '--' + bnd + '--', '']
        out = '\n'.join(lines) + '\n' + '\n'.join(parts)
    elif fmt == 'qp':
        lines.append('Content-Type: text/plain; charset="UTF-8"')
        lines.append('Content-Transfer-Encoding: quoted-printable')
        out = '\n'.join(lines) + '\n\n' + qp(body)
    else:
        lines.append('Content-Type: text/plain; charset="UTF-8"')
        lines.append('Content-Transfer-Encoding: 8bit')
        out = '\n'.join(lines) + '\n\n' + body
    return crlf(out).encode('utf-8'), fmt, client

def main():
    metas = []
    for p in sorted(glob.glob(os.path.join(SRC, '*.txt'))):
        metas.extend(parse_blocks(p))
    ids = [m['id'] for m in metas]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, dup
    froms = [re.search(r'<([^>]+)>', m['from']).group(1).lower() for m in metas]
    dupf = {f for f in froms if froms.count(f) > 1}
    assert not dupf, dupf
    errors = []
    for m in metas:
        for k in ('label', 'lang', 'kind', 'note', 'from', 'to', 'subject'):
            if k not in m:
                errors.append('%s missing %s' % (m['id'], k))
        if m.get('label') not in ('complaint', 'not'): errors.append(m['id'] + ' bad label')
        if m.get('lang') not in ('nl', 'en'): errors.append(m['id'] + ' bad lang')
        pre = m.get('kind', '').split('-')[0] + '-' + m.get('kind', '-').split('-')[1]
        ok = {'complaint-word': 'complaint', 'complaint-noword': 'complaint'}
        k = m.get('kind', '')
        if k.startswith('complaint-') and m['label'] != 'complaint': errors.append(m['id'] + ' kind/label')
        if (k.startswith('ordinary-') or k.startswith('tricky-')) and m['label'] != 'not': errors.append(m['id'] + ' kind/label')
        if not re.match(r'^(complaint-word-|complaint-noword-|ordinary-|tricky-)', k): errors.append(m['id'] + ' kind prefix')
        own = (m['subject'] + '\n' + m['body']).lower()
        hits = [w for w in COMPLAINT_WORDS if w in own]
        if k.startswith('complaint-noword-') and hits: errors.append('%s noword but has %s' % (m['id'], hits))
        if k.startswith('complaint-word-') and not hits: errors.append('%s word but none found' % m['id'])
        if m['to'] not in ('marco', 'hans'): errors.append(m['id'] + ' bad to')
    if errors:
        print('\n'.join(errors)); sys.exit(1)
    order = sorted(metas, key=lambda m: hashlib.sha256(('t2-shuffle|' + m['id']).encode()).hexdigest())
    for f in glob.glob(os.path.join(ROOT, 't2_*.eml')):
        os.remove(f)
    rows = ['file\tlabel\tlang\tchannel_hint\tkind\tnote']
    smap = ['file\tsource_id\tsource_file\tbody_format\tclient_style\treply_style']
    stats = []
    for i, m in enumerate(order, 1):
        fn = 't2_%04d.eml' % i
        data, fmt, client = build_one(m)
        open(os.path.join(ROOT, fn), 'wb').write(data)
        rows.append('\t'.join([fn, m['label'], m['lang'], m.get('hint', ''), m['kind'], m['note']]))
        rs = m.get('reply', 'gmail-en') if m.get('quote') is not None else ''
        smap.append('\t'.join([fn, m['id'], m['file'], fmt, client, rs]))
        stats.append((m, fmt, rs))
    open(os.path.join(ROOT, 'labels.tsv'), 'w', encoding='utf-8', newline='\n').write('\n'.join(rows) + '\n')
    open(os.path.join(ROOT, '_build', 'source_map.tsv'), 'w', encoding='utf-8', newline='\n').write('\n'.join(smap) + '\n')
    write_readme(stats)
    print('built', len(order), 'messages')

def write_readme(stats):
    from collections import Counter
    tmpl = open(os.path.join(ROOT, '_build', 'README.template.md'), encoding='utf-8').read()
    pref = lambda k: next(p for p in ('complaint-word', 'complaint-noword', 'ordinary', 'tricky') if k.startswith(p + '-'))
    c = Counter(); tot = Counter()
    for m, fmt, rs in stats:
        p = pref(m['kind'])
        c[(p, m['label'])] += 1; c[(p, m['lang'])] += 1; c[(p, 'n')] += 1
        tot[m['label']] += 1; tot[m['lang']] += 1; tot['n'] += 1
    t = ['| kind prefix | messages | complaint | not | en | nl |', '|---|---|---|---|---|---|']
    for p in ('complaint-word', 'complaint-noword', 'ordinary', 'tricky'):
        t.append('| `%s-` | %d | %d | %d | %d | %d |' % (p, c[(p, 'n')], c[(p, 'complaint')], c[(p, 'not')], c[(p, 'en')], c[(p, 'nl')]))
    t.append('| **total** | %d | %d | %d | %d | %d |' % (tot['n'], tot['complaint'], tot['not'], tot['en'], tot['nl']))
    fm = Counter(f for _, f, _ in stats)
    rc = Counter(r for _, _, r in stats if r)
    hc = Counter(m.get('hint', '') for m, _, _ in stats if m.get('hint'))
    f = ['| body format | messages |', '|---|---|']
    names = {'plain': 'text/plain UTF-8 8bit', 'qp': 'text/plain UTF-8 quoted-printable', 'html': 'multipart/alternative (text + simple HTML, QP)'}
    for k in ('plain', 'qp', 'html'):
        f.append('| %s | %d |' % (names[k], fm[k]))
    rr = ['| reply quoting | messages |', '|---|---|'] + ['| %s | %d |' % (k, v) for k, v in sorted(rc.items())]
    rr.append('| (not a reply) | %d |' % (tot['n'] - sum(rc.values())))
    hh = ['| channel_hint | messages |', '|---|---|'] + ['| %s | %d |' % (k, v) for k, v in sorted(hc.items())]
    hp = os.path.join(ROOT, '_build', 'hard_calls.md')
    hard = open(hp, encoding='utf-8').read().strip() if os.path.exists(hp) else '(none recorded)'
    tmpl = tmpl.replace('{{HARD}}', hard)
    out = tmpl.replace('{{COUNTS}}', '\n'.join(t)).replace('{{FORMATS}}', '\n'.join(f)).replace('{{REPLIES}}', '\n'.join(rr)).replace('{{HINTS}}', '\n'.join(hh) if hc else '(none)')
    open(os.path.join(ROOT, 'README.md'), 'w', encoding='utf-8', newline='\n').write(out)

if __name__ == '__main__':
    main()
