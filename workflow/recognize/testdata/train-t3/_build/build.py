#!/usr/bin/env python3
"""T3 builder: _build/src/*.txt -> t3_NNNN.eml, labels.tsv, README.md (stdlib only, deterministic)."""
import hashlib, html, os, random, re, sys, datetime, quopri, email, email.policy, email.utils
from email.header import Header

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SRC = os.path.join(HERE, 'src')

COMPLAINT_WORDS = ['klacht', 'klaag', 'klagen', 'ontevreden', 'teleurgesteld', 'teleurstell', 'onacceptabel',
                   'niet tevreden', 'complain', 'unhappy', 'disappoint', 'unacceptable', 'not satisfied',
                   'dissatisf', 'onaanvaardbaar', 'schandalig', 'not happy', 'niet blij']

def seed(s, salt=''):
    return int(hashlib.sha256((salt + s).encode()).hexdigest()[:16], 16)

# ---------------------------------------------------------------- parse
def parse():
    recs = []
    for fn in sorted(os.listdir(SRC)):
        if not fn.endswith('.txt'):
            continue
        text = open(os.path.join(SRC, fn), encoding='utf-8').read().replace('\r\n', '\n')
        for blk in re.split(r'^(?=#### )', text, flags=re.M):
            if not blk.startswith('#### '):
                continue
            head, _, rest = blk.partition('\n')
            parts = [p.strip() for p in head[5:].split('|', 4)]
            if len(parts) != 5:
                sys.exit('bad header: ' + head)
            r = dict(id=parts[0], label=parts[1], lang=parts[2], kind=parts[3], note=parts[4], srcfile=fn)
            meta, sep, body = rest.partition('\n====\n')
            if not sep:
                sys.exit('no body separator in ' + r['id'])
            for line in meta.split('\n'):
                if line.strip():
                    k, _, v = line.partition(':')
                    r[k.strip()] = v.strip()
            body, qsep, quote = body.partition('\n---- quote\n')
            r['body'] = body.strip('\n') + '\n'
            qlines = quote.strip('\n').split('\n')
            while qsep and qlines and re.match(r'^q(from|subject|date|sig):', qlines[0]):
                k, _, v = qlines.pop(0).partition(':')
                r[k.strip()] = v.strip()
            quote = '\n'.join(qlines)
            r['quote'] = quote.strip('\n') + '\n' if qsep else ''
            if r.get('html_body'):
                pass
            recs.append(r)
    return recs

# ---------------------------------------------------------------- dates
def last_sunday(y, m):
    d = datetime.date(y, m + 1, 1) - datetime.timedelta(days=1) if m < 12 else datetime.date(y, 12, 31)
    while d.weekday() != 6:
        d -= datetime.timedelta(days=1)
    return d

def tz_for(dt):
    d = dt.date()
    return '+0200' if last_sunday(d.year, 3) <= d < last_sunday(d.year, 10) else '+0100'

def pick_date(r, rng):
    if r.get('date'):
        dt = datetime.datetime.strptime(r['date'], '%Y-%m-%d %H:%M')
        dt = dt.replace(second=rng.randrange(60))
    else:
        if r.get('month'):
            y, m = map(int, r['month'].split('-'))
            start = datetime.date(y, m, 1)
            end = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1))
        else:
            start, end = datetime.date(2025, 1, 2), datetime.date(2026, 11, 30)
        while True:
            d = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
            if d.weekday() < 5:
                break
        h = rng.choice([7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 19, 20, 21, 22])
        dt = datetime.datetime(d.year, d.month, d.day, h, rng.randrange(60), rng.randrange(60))
    if dt.weekday() > 4:
        sys.exit('weekend date in ' + r['id'])
    return dt

def fmt_date(dt):
    return dt.strftime('%a, %d %b %Y %H:%M:%S ') + tz_for(dt)

NL_DAYS = ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag']
NL_MON = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december']
NL_MON3 = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec']

# ---------------------------------------------------------------- ids
HEX = '0123456789ABCDEF'
B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_='

def mid(style, domain, rng):
    if style == 'outlook':
        pre = rng.choice(['AM9PR', 'DB9PR', 'VI1PR', 'AS8PR', 'PA4PR', 'GV1PR', 'AM0PR'])
        return '<%s%02dMB%04d%s@%s>' % (pre, rng.randrange(1, 10), rng.randrange(1000, 9999),
                                        ''.join(rng.choice(HEX) for _ in range(32)), domain)
    if style == 'gmail':
        return '<CA%s@%s>' % (''.join(rng.choice(B64) for _ in range(44)), domain)
    if style == 'apple':
        g = [8, 4, 4, 4, 12]
        return '<%s@%s>' % ('-'.join(''.join(rng.choice(HEX) for _ in range(n)) for n in g), domain)
    if style == 'thunderbird':
        g = [8, 4, 4, 4, 12]
        return '<%s@%s>' % ('-'.join(''.join(rng.choice(HEX.lower()) for _ in range(n)) for n in g), domain)
    return '<%s.%d@%s>' % (''.join(rng.choice(HEX.lower()) for _ in range(24)), rng.randrange(10**6), domain)

# ---------------------------------------------------------------- firm
FIRM = {
    'marco': ('Marco', 'marco@mcoo.nl', 'Directie', 'Director'),
    'hans': ('Hans', 'hans@mcoo.nl', 'Directie', 'Director'),
    'anna': ('Anna', 'anna@mcoo.nl', 'Salarisadministratie', 'Payroll'),
    'sanne': ('Sanne', 'sanne@mcoo.nl', 'Boekhouding', 'Bookkeeping'),
    'pieter': ('Pieter', 'pieter@mcoo.nl', 'Belastingadvies', 'Tax'),
    'joyce': ('Joyce', 'joyce@mcoo.nl', 'Front office', 'Front office'),
}
TO_NAMES = ['{n} | Mijn Cijfers Op Orde', '{n}', '{n} (MCOO)', '{n} - Mijn Cijfers Op Orde', 'Mijn Cijfers Op Orde - {n}', '{n}']

def firm_sig(who, lang):
    n, a, rnl, ren = FIRM[who]
    greet = 'Met vriendelijke groet,' if lang == 'nl' else 'Kind regards,'
    return '%s\n\n%s\nMijn Cijfers Op Orde B.V.\n%s\nT 085 303 71 90 | www.mcoo.nl\n' % (greet, n, rnl if lang == 'nl' else ren)

# ---------------------------------------------------------------- html
def para_html(text):
    return [p for p in text.strip('\n').split('\n\n')]

def to_html_lines(text):
    out = []
    for p in para_html(text):
        out.append('<br>\n'.join(html.escape(l) for l in p.split('\n')))
    return out

def html_doc(style, body, quote_hdr_html, quote):
    paras = to_html_lines(body)
    if style == 'outlook':
        h = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
             '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">',
             '<style><!--p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Aptos",sans-serif;}--></style>',
             '</head><body lang="NL" link="#467886" vlink="#96607D" style="word-wrap:break-word"><div class="WordSection1">']
        for p in paras:
            h.append('<p class="MsoNormal">%s<o:p></o:p></p>' % p.replace('<br>\n', '<br>\n'))
            h.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
        if quote:
            h.append('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">')
            h.append('<p class="MsoNormal">%s<o:p></o:p></p></div>' % quote_hdr_html)
            for p in to_html_lines(quote):
                h.append('<p class="MsoNormal">%s<o:p></o:p></p>' % p)
        h.append('</div></body></html>')
    elif style == 'gmail':
        h = ['<div dir="ltr">']
        for p in paras:
            h.append('<div>%s</div><div><br></div>' % p)
        h.append('</div>')
        if quote:
            h.append('<br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">%s<br></div>' % quote_hdr_html)
            h.append('<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">')
            for p in to_html_lines(quote):
                h.append('<div>%s</div><div><br></div>' % p)
            h.append('</blockquote></div>')
    else:
        h = ['<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
             '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">']
        for p in paras:
            h.append('<div>%s</div><div><br></div>' % p)
        if quote:
            h.append('<div><br><blockquote type="cite"><div>%s</div><br>' % quote_hdr_html)
            for p in to_html_lines(quote):
                h.append('<div>%s</div><div><br></div>' % p)
            h.append('</blockquote></div>')
        h.append('</body></html>')
    return '\n'.join(h) + '\n'

def qp(text):
    return quopri.encodestring(text.encode('utf-8')).decode('ascii')

def enc_header(s):
    try:
        s.encode('ascii')
        return s
    except UnicodeEncodeError:
        return Header(s, 'utf-8').encode()

def fmt_addr(name, addr):
    return email.utils.formataddr((name, addr), charset='utf-8')

# ---------------------------------------------------------------- build one
def build(r, used_ids):
    rng = random.Random(seed(r['id']))
    lang = r['lang']
    name, addr = email.utils.parseaddr(r['from'])
    domain = addr.split('@')[1]
    style = r.get('client') or rng.choices(['outlook', 'gmail', 'apple', 'thunderbird'], [40, 35, 15, 10])[0]
    if r.get('newsletter'):
        style = 'newsletter'
    director = r.get('to', 'marco')
    dname, daddr = FIRM[director][0], FIRM[director][1]
    to_hdr = fmt_addr(rng.choice(TO_NAMES).format(n=dname), daddr)
    dt = pick_date(r, rng)
    msgid = mid(style, domain, rng)
    while msgid in used_ids:
        msgid = mid(style, domain, rng)
    used_ids.add(msgid)
    subject = r.get('subject', '')
    headers = []
    body = r['body']
    quote = r['quote']
    quote_plain = ''
    quote_hdr_html = ''
    if quote:
        qwho = r.get('qfrom', director)
        qn, qa = FIRM[qwho][0], FIRM[qwho][1]
        qdisp = '%s | Mijn Cijfers Op Orde' % qn
        qdt = dt - datetime.timedelta(days=rng.randrange(1, 12), hours=rng.randrange(0, 5), minutes=rng.randrange(60))
        while qdt.weekday() > 4:
            qdt -= datetime.timedelta(days=1)
        qdt = qdt.replace(hour=rng.randrange(8, 17))
        if r.get('qdate'):
            qdt = datetime.datetime.strptime(r['qdate'], '%Y-%m-%d %H:%M')
        qtext = quote
        if r.get('qsig', 'yes') != 'no':
            qtext = quote.rstrip('\n') + '\n\n' + firm_sig(qwho, lang)
        firm_id = mid('outlook', 'mcoo.nl', random.Random(seed(r['id'], 'firm')))
        refs = firm_id
        if r.get('oldref'):
            refs = mid(style if style != 'newsletter' else 'outlook', domain, random.Random(seed(r['id'], 'old'))) + ' ' + firm_id
        headers += [('In-Reply-To', firm_id), ('References', refs)]
        if style == 'outlook':
            prefix = 'RE: ' if lang == 'en' or rng.random() < 0.6 else 'Antw: '
            if lang == 'nl':
                hdr = 'Van: %s <%s>\nVerzonden: %s %d %s %d %02d:%02d\nAan: %s <%s>\nOnderwerp: %s' % (
                    qdisp, qa, NL_DAYS[qdt.weekday()], qdt.day, NL_MON[qdt.month - 1], qdt.year, qdt.hour, qdt.minute,
                    name, addr, r.get('qsubject', subject))
            else:
                hdr = 'From: %s <%s>\nSent: %s\nTo: %s <%s>\nSubject: %s' % (
                    qdisp, qa, qdt.strftime('%A, %d %B %Y %H:%M'), name, addr, r.get('qsubject', subject))
            quote_plain = '\n________________________________\n' + hdr + '\n\n' + qtext
            quote_hdr_html = '<br>\n'.join('<b>%s</b>%s' % (html.escape(l.split(':', 1)[0] + ':'), html.escape(l.split(':', 1)[1])) for l in hdr.split('\n'))
        else:
            prefix = 'Re: '
            if style == 'gmail':
                intro = ('Op %s %d %s %d om %02d:%02d schreef %s <%s>:' % (NL_DAYS[qdt.weekday()][:2], qdt.day, NL_MON3[qdt.month - 1], qdt.year, qdt.hour, qdt.minute, qdisp, qa)
                         if lang == 'nl' else 'On %s at %02d:%02d, %s <%s> wrote:' % (qdt.strftime('%a, %d %b %Y'), qdt.hour, qdt.minute, qdisp, qa))
            elif style == 'apple':
                intro = ('Op %d %s %d, om %02d:%02d heeft %s <%s> het volgende geschreven:' % (qdt.day, NL_MON3[qdt.month - 1], qdt.year, qdt.hour, qdt.minute, qdisp, qa)
                         if lang == 'nl' else 'On %d %s %d, at %02d:%02d, %s <%s> wrote:' % (qdt.day, qdt.strftime('%b'), qdt.year, qdt.hour, qdt.minute, qdisp, qa))
            else:
                intro = ('Op %s om %02d:%02d schreef %s:' % (qdt.strftime('%d-%m-%Y'), qdt.hour, qdt.minute, qdisp)
                         if lang == 'nl' else 'On %s %02d:%02d, %s wrote:' % (qdt.strftime('%d/%m/%Y'), qdt.hour, qdt.minute, qdisp))
            quote_plain = '\n' + intro + '\n\n' + '\n'.join(('> ' + l) if l else '>' for l in qtext.rstrip('\n').split('\n')) + '\n'
            quote_hdr_html = html.escape(intro)
        if not re.match(r'(?i)(re|antw|aw|fw|fwd|doorst)\s*:', subject):
            subject = prefix + subject
    plain = body + quote_plain
    if r.get('newsletter'):
        plain = fill(open(os.path.join(SRC, r['newsletter'] + '.txt'), encoding='utf-8').read(), r, body)
    want_html = r.get('html')
    if want_html in (None, ''):
        want_html = 'yes' if seed(r['id'], 'html') % 100 < 20 and style != 'thunderbird' else 'no'
    if style == 'newsletter':
        want_html = 'yes'
    # assemble headers
    H = [('From', fmt_addr(name, addr)), ('To', to_hdr), ('Subject', enc_header(subject)),
         ('Date', fmt_date(dt)), ('Message-ID', msgid)] + headers
    if style == 'outlook':
        H += [('Content-Language', 'nl-NL' if lang == 'nl' else 'en-GB'), ('X-Mailer', 'Microsoft Outlook 16.0')]
    elif style == 'apple':
        H += [('X-Mailer', 'Apple Mail (2.3826.400.131)')]
    elif style == 'thunderbird':
        H += [('User-Agent', 'Mozilla Thunderbird')]
    elif style == 'newsletter':
        H += [('X-Mailer', 'KlachtWijzer Mailer 3.2' if 'klachtwijzer' in domain else 'Mailer 2.0')]
    H.append(('MIME-Version', '1.0'))
    out = []
    if want_html == 'yes':
        bnd = {'outlook': '_000_%s_', 'gmail': '000000000000%s', 'apple': 'Apple-Mail=_%s'}.get(style, '----=_Part_%s')
        bnd = bnd % ''.join(rng.choice(HEX) for _ in range(28))
        if r.get('newsletter'):
            hdoc = fill(open(os.path.join(SRC, r['newsletter'] + '.html'), encoding='utf-8').read(), r, body, True)
        else:
            hdoc = html_doc(style, body, quote_hdr_html, quote and (quote.rstrip('\n') + '\n\n' + firm_sig(r.get('qfrom', director), lang)))
        H.append(('Content-Type', 'multipart/alternative;\n\tboundary="%s"' % bnd))
        out.append('\n'.join('%s: %s' % kv for kv in H))
        out.append('')
        out.append('--' + bnd)
        out.append('Content-Type: text/plain; charset=utf-8')
        if style in ('apple', 'outlook') or max(len(l) for l in plain.split('\n')) > 900:
            out.append('Content-Transfer-Encoding: quoted-printable\n')
            out.append(qp(plain).rstrip('\n'))
        else:
            out.append('Content-Transfer-Encoding: 8bit\n')
            out.append(plain.rstrip('\n'))
        out.append('')
        out.append('--' + bnd)
        out.append('Content-Type: text/html; charset=utf-8')
        out.append('Content-Transfer-Encoding: quoted-printable\n')
        out.append(qp(hdoc).rstrip('\n'))
        out.append('')
        out.append('--' + bnd + '--')
        out.append('')
    else:
        H.append(('Content-Type', 'text/plain; charset=UTF-8' + ('; format=flowed' if style == 'thunderbird' and False else '')))
        long = max(len(l.encode()) for l in plain.split('\n')) > 990
        H.append(('Content-Transfer-Encoding', 'quoted-printable' if long else '8bit'))
        out.append('\n'.join('%s: %s' % kv for kv in H))
        out.append('')
        out.append(qp(plain).rstrip('\n') if long else plain.rstrip('\n'))
        out.append('')
    raw = '\n'.join(out).replace('\r\n', '\n').replace('\n', '\r\n')
    return raw, dict(style=style, html=want_html, reply='yes' if quote else 'no', msgid=msgid, subject=subject)

def fill(tpl, r, body, as_html=False):
    vals = {k[3:].upper(): (html.escape(v) if as_html else v) for k, v in r.items() if k.startswith('nl_')}
    if as_html:
        vals['BODY'] = '\n'.join('<p style="margin:0 0 14px 0;font-size:15px;line-height:22px;">%s</p>' % p for p in to_html_lines(body))
    else:
        vals['BODY'] = body.rstrip('\n')
    def sub(m):
        if m.group(1) not in vals:
            sys.exit('template field %s missing in %s' % (m.group(1), r['id']))
        return vals[m.group(1)]
    return re.sub(r'\{\{(\w+)\}\}', sub, tpl)

# ---------------------------------------------------------------- main
def main():
    recs = parse()
    ids = [r['id'] for r in recs]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit('duplicate ids: %s' % dup)
    froms = {}
    for r in recs:
        a = email.utils.parseaddr(r['from'])[1].lower()
        if a in froms and not r.get('newsletter'):
            sys.exit('sender address reused: %s (%s, %s)' % (a, froms[a], r['id']))
        froms.setdefault(a, r['id'])
        if r['label'] not in ('complaint', 'not') or r['lang'] not in ('nl', 'en'):
            sys.exit('bad label/lang ' + r['id'])
        pref = r['kind'].split('-')[0] + '-' if not r['kind'].startswith('complaint-') else '-'.join(r['kind'].split('-')[:2]) + '-'
        if pref not in ('complaint-word-', 'complaint-noword-', 'ordinary-', 'tricky-'):
            sys.exit('bad kind prefix ' + r['id'])
        if pref.startswith('complaint') != (r['label'] == 'complaint'):
            sys.exit('kind prefix does not match label ' + r['id'])
    order = sorted(ids)
    random.Random(20260312).shuffle(order)
    byid = {r['id']: r for r in recs}
    for f in os.listdir(OUT):
        if re.match(r't3_\d{4}\.eml$', f):
            os.remove(os.path.join(OUT, f))
    used = set()
    rows, smap = [], []
    for n, i in enumerate(order, 1):
        r = byid[i]
        raw, info = build(r, used)
        fn = 't3_%04d.eml' % n
        with open(os.path.join(OUT, fn), 'w', encoding='utf-8', newline='') as fh:
            fh.write(raw)
        rows.append((fn, r['label'], r['lang'], r.get('channel', ''), r['kind'], r['note']))
        smap.append((fn, r['id'], r['srcfile'], info['style'], info['html'], info['reply']))
    with open(os.path.join(OUT, 'labels.tsv'), 'w', encoding='utf-8', newline='') as fh:
        fh.write('file\tlabel\tlang\tchannel_hint\tkind\tnote\n')
        for row in rows:
            fh.write('\t'.join(row) + '\n')
    with open(os.path.join(HERE, 'source_map.tsv'), 'w', encoding='utf-8', newline='') as fh:
        fh.write('file\tsource_id\tsource_file\tclient_style\thtml\treply\n')
        for row in smap:
            fh.write('\t'.join(row) + '\n')
    write_readme(recs, rows, smap)
    print('built %d messages' % len(rows))

def write_readme(recs, rows, smap):
    import collections
    def pref(k):
        return '-'.join(k.split('-')[:2]) + '-' if k.startswith('complaint-') else k.split('-')[0] + '-'
    c = collections.Counter()
    for fn, lab, lang, ch, kind, note in rows:
        c[(pref(kind), lab, lang)] += 1
    prefs = ['complaint-word-', 'complaint-noword-', 'ordinary-', 'tricky-']
    lines = ['| kind prefix | messages | complaint | not | nl | en |', '|---|---|---|---|---|---|']
    tot = [0] * 5
    for p in prefs:
        v = [sum(c[(p, l, g)] for l in ('complaint', 'not') for g in ('nl', 'en')),
             sum(c[(p, 'complaint', g)] for g in ('nl', 'en')), sum(c[(p, 'not', g)] for g in ('nl', 'en')),
             sum(c[(p, l, 'nl')] for l in ('complaint', 'not')), sum(c[(p, l, 'en')] for l in ('complaint', 'not'))]
        tot = [a + b for a, b in zip(tot, v)]
        lines.append('| `%s` | %s |' % (p, ' | '.join(map(str, v))))
    lines.append('| **total** | %s |' % ' | '.join('**%d**' % x for x in tot))
    lines += ['', '| label | nl | en | total |', '|---|---|---|---|']
    for l in ('complaint', 'not'):
        nl = sum(c[(p, l, 'nl')] for p in prefs); en = sum(c[(p, l, 'en')] for p in prefs)
        lines.append('| `%s` | %d | %d | %d |' % (l, nl, en, nl + en))
    table = '\n'.join(lines)
    nstyle = collections.Counter(s[3] for s in smap)
    nhtml = sum(1 for s in smap if s[4] == 'yes')
    nreply = sum(1 for s in smap if s[5] == 'yes')
    chan = collections.Counter(r[3] for r in rows if r[3])
    tpl = open(os.path.join(HERE, 'README.template.md'), encoding='utf-8').read()
    txt = (tpl.replace('{{COUNTS}}', table)
           .replace('{{N}}', str(len(rows)))
           .replace('{{STYLES}}', ', '.join('%s %d' % kv for kv in sorted(nstyle.items())))
           .replace('{{NHTML}}', str(nhtml)).replace('{{NREPLY}}', str(nreply))
           .replace('{{CHANNELS}}', ', '.join('%s %d' % kv for kv in sorted(chan.items())) or 'none'))
    open(os.path.join(OUT, 'README.md'), 'w', encoding='utf-8').write(txt)

if __name__ == '__main__':
    main()
