#!/usr/bin/env python3
"""Deterministic builder for corpus T1: _build/src/*.txt -> t1_NNNN.eml, labels.tsv, README.md.

Python 3.9+, standard library only. Same sources give byte-identical output.

Source block format (see src/*.txt):

    @@ <id> <complaint|not> <nl|en> <kind>
    note: one line why the label applies
    from: Display Name <address>
    to: marco|hans
    subj: Subject line (may be empty)
    date: YYYY-MM-DD[ HH:MM]          (weekend dates are moved to the next Monday)
    channel: phone-note|forwarded|...  (optional)
    fmt: plain|multi|qp|latin1         (optional; otherwise chosen from the id hash)
    reply: gmail|outlook|apple <marco|hans|anna|sanne|pieter|joyce> <days-before>   (optional)
    --
    body (the sender's own text)
    >>>
    the firm's earlier message that is quoted (only with reply:)
"""
import datetime as dt
import hashlib
import html
import os
import quopri
import random
import re
import sys
from email.header import Header
from email.utils import formataddr, parseaddr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRC = os.path.join(HERE, "src")
PREFIX = "t1_"
SHUFFLE_SEED = "T1-shuffle-2026"

STAFF = {
    "marco": ("Marco", "marco@mcoo.nl", "Marco\nMijn Cijfers Op Orde B.V.\nT 030 207 41 50 | www.mcoo.nl"),
    "hans": ("Hans", "hans@mcoo.nl", "Hans\nMijn Cijfers Op Orde B.V.\nT 030 207 41 50 | www.mcoo.nl"),
    "anna": ("Anna", "anna@mcoo.nl", "Anna\nSalarisadministratie | Mijn Cijfers Op Orde B.V.\nT 030 207 41 53"),
    "sanne": ("Sanne", "sanne@mcoo.nl", "Sanne\nBoekhouding | Mijn Cijfers Op Orde B.V.\nT 030 207 41 52"),
    "pieter": ("Pieter", "pieter@mcoo.nl", "Pieter\nBelastingadvies | Mijn Cijfers Op Orde B.V.\nT 030 207 41 54"),
    "joyce": ("Joyce", "joyce@mcoo.nl", "Joyce\nFront office | Mijn Cijfers Op Orde B.V.\nT 030 207 41 50"),
}
TO_STYLES = {
    "marco": ['"Marco | Mijn Cijfers Op Orde" <marco@mcoo.nl>', "Marco <marco@mcoo.nl>",
              '"Marco (MCOO)" <marco@mcoo.nl>', '"Mijn Cijfers Op Orde - Marco" <marco@mcoo.nl>'],
    "hans": ['"Hans | Mijn Cijfers Op Orde" <hans@mcoo.nl>', "Hans <hans@mcoo.nl>",
             '"Hans (MCOO)" <hans@mcoo.nl>', '"Mijn Cijfers Op Orde - Hans" <hans@mcoo.nl>'],
}
NL_DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
NL_DAYS_LONG = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
NL_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
NL_MONTHS_LONG = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                  "september", "oktober", "november", "december"]
EN_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def h(*parts):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def rng(*parts):
    return random.Random(int(h(*parts)[:16], 16))


def last_sunday(year, month):
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    while d.weekday() != 6:
        d -= dt.timedelta(days=1)
    return d


def ams_offset(local):
    """Europe/Amsterdam offset in hours for a local naive datetime (EU rules)."""
    start = dt.datetime.combine(last_sunday(local.year, 3), dt.time(2, 0))
    end = dt.datetime.combine(last_sunday(local.year, 10), dt.time(3, 0))
    return 2 if start <= local < end else 1


def fmt_date(local):
    off = ams_offset(local)
    return "%s, %02d %s %d %02d:%02d:%02d +0%d00" % (
        EN_DAYS[local.weekday()], local.day, EN_MONTHS[local.month - 1], local.year,
        local.hour, local.minute, local.second, off)


def parse_sources():
    blocks = []
    for fn in sorted(os.listdir(SRC)):
        if not fn.endswith(".txt"):
            continue
        text = open(os.path.join(SRC, fn), encoding="utf-8").read()
        for raw in re.split(r"^@@ ", text, flags=re.M)[1:]:
            head, _, rest = raw.partition("\n--\n")
            lines = head.split("\n")
            sid, label, lang, kind = lines[0].split()
            meta = {"id": sid, "label": label, "lang": lang, "kind": kind, "src": fn}
            for ln in lines[1:]:
                if not ln.strip() or ln.startswith("#"):
                    continue
                k, _, v = ln.partition(":")
                meta[k.strip()] = v.strip()
            body, _, quoted = rest.partition("\n>>>\n")
            meta["body"] = body.strip("\n")
            meta["quoted"] = quoted.strip("\n")
            blocks.append(meta)
    return blocks


def local_datetime(m):
    parts = m["date"].split()
    d = dt.date.fromisoformat(parts[0])
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    r = rng(m["id"], "time")
    if len(parts) > 1:
        hh, mm = map(int, parts[1].split(":"))
    else:
        hh, mm = r.choice([8, 9, 9, 10, 10, 11, 11, 13, 14, 14, 15, 16, 17, 20, 21]), r.randrange(60)
    return dt.datetime(d.year, d.month, d.day, hh, mm, r.randrange(60))


def client_style(m):
    """Pick a mail client look per message (deterministic)."""
    if m.get("reply"):
        style = m["reply"].split()[0]
        return {"gmail": "gmail", "outlook": "outlook", "apple": "apple"}[style]
    if m["from"].lower().find("@mcoo.nl") >= 0:
        return "outlook"
    return rng(m["id"], "client").choice(["gmail", "gmail", "outlook", "outlook", "apple", "thunderbird", "plain"])


def message_id(m, style, domain):
    r = rng(m["id"], "msgid")
    if style == "gmail":
        alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+"
        return "<CA%s@mail.gmail.com>" % "".join(r.choice(alpha) for _ in range(44))
    if style == "outlook":
        return "<%s%s@%s>" % ("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(20)),
                              r.choice(["", ".PROD", ".EUR"]), domain)
    if style == "apple":
        x = h(m["id"], "apple").upper()
        return "<%s-%s-%s-%s-%s@%s>" % (x[:8], x[8:12], x[12:16], x[16:20], x[20:32], domain)
    return "<%s.%s@%s>" % (h(m["id"], "tb")[:12], h(m["id"], "tb2")[:8], domain)


def firm_msgid(m):
    return "<%s.%s@mcoo.nl>" % (h(m["id"], "firm")[:16].upper(), h(m["id"], "firm2")[:6])


def quote_block(m, local):
    style, who, days = m["reply"].split()
    name, addr, sig = STAFF[who]
    prev = local - dt.timedelta(days=int(days), hours=rng(m["id"], "q").randrange(1, 6))
    while prev.weekday() >= 5:
        prev -= dt.timedelta(days=1)
    firm_text = m["quoted"] + "\n\nMet vriendelijke groet,\n" + sig if m["lang"] == "nl" else \
        m["quoted"] + "\n\nKind regards,\n" + sig.replace("Salarisadministratie", "Payroll").replace("Boekhouding", "Bookkeeping").replace("Belastingadvies", "Tax")
    subj0 = re.sub(r"^((re|aw|antw|fwd?|fw)\s*:\s*)+", "", m.get("subj", ""), flags=re.I)
    if style in ("gmail", "apple"):
        if m["lang"] == "en":
            intro = "On %s, %d %s %d at %02d:%02d, %s <%s> wrote:" % (
                EN_DAYS[prev.weekday()], prev.day, EN_MONTHS[prev.month - 1], prev.year, prev.hour, prev.minute, name, addr)
        elif style == "gmail":
            intro = "Op %s %d %s %d om %02d:%02d schreef %s <%s>:" % (
                NL_DAYS[prev.weekday()], prev.day, NL_MONTHS[prev.month - 1], prev.year, prev.hour, prev.minute, name, addr)
        else:
            intro = "Op %d %s %d, om %02d:%02d heeft %s <%s> het volgende geschreven:" % (
                prev.day, NL_MONTHS_LONG[prev.month - 1], prev.year, prev.hour, prev.minute, name, addr)
        q = "\n".join(("> " + l) if l else ">" for l in firm_text.split("\n"))
        return intro + "\n\n" + q, ("quote", intro, firm_text)
    if m["lang"] == "en":
        hdr = "From: %s <%s>\nSent: %s, %d %s %d %02d:%02d\nTo: %s\nSubject: %s" % (
            name, addr, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][prev.weekday()],
            prev.day, ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December"][prev.month - 1], prev.year, prev.hour, prev.minute,
            parseaddr(m["from"])[0], subj0)
    else:
        hdr = "Van: %s <%s>\nVerzonden: %s %d %s %d %02d:%02d\nAan: %s\nOnderwerp: %s" % (
            name, addr, NL_DAYS_LONG[prev.weekday()], prev.day, NL_MONTHS_LONG[prev.month - 1], prev.year,
            prev.hour, prev.minute, parseaddr(m["from"])[0], subj0)
    rule = rng(m["id"], "rule").choice(["________________________________", "-----Oorspronkelijk bericht-----"
                                        if m["lang"] == "nl" else "-----Original Message-----"])
    return rule + "\n" + hdr + "\n\n" + firm_text, ("outlook", rule + "\n" + hdr, firm_text)


def enc_header(value):
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value, "utf-8").encode()


def enc_from(s):
    name, addr = parseaddr(s)
    if not name:
        return addr
    try:
        name.encode("ascii")
        return formataddr((name, addr))
    except UnicodeEncodeError:
        return "%s <%s>" % (Header(name, "utf-8").encode(), addr)


def qp(text, charset="utf-8"):
    data = text.replace("\n", "\r\n").encode(charset)
    out = quopri.encodestring(data, quotetabs=False).decode("ascii")
    return out.replace("\r\n", "\n")


def to_html(own, qinfo, style):
    def paras(t):
        out = []
        for p in t.split("\n\n"):
            out.append("<div>" + "<br>\n".join(html.escape(l) for l in p.split("\n")) + "</div>")
        return "\n<div><br></div>\n".join(out)
    body = paras(own)
    if qinfo:
        kind, intro, firm = qinfo
        if style == "outlook" or kind == "outlook":
            body += ('\n<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
                     '<p class="MsoNormal">' + "<br>\n".join(html.escape(l) for l in intro.split("\n")[1:]) +
                     "</p></div>\n" + paras(firm))
        else:
            body += ('\n<div class="gmail_quote"><div class="gmail_attr">' + html.escape(intro) +
                     '</div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
                     'padding-left:1ex">' + paras(firm) + "</blockquote></div>")
    if style == "outlook":
        return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                '<style>p.MsoNormal, div {margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}</style>'
                '</head><body lang="NL" link="#0563C1"><div class="WordSection1">\n' + body + "\n</div></body></html>")
    return '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>\n' + body + "\n</body></html>"


def choose_fmt(m, text):
    if m.get("fmt"):
        return m["fmt"]
    x = int(h(m["id"], "fmt")[:8], 16) % 100
    f = "multi" if x < 15 else "qp" if x < 19 else "latin1" if x < 23 else "plain"
    if f == "latin1":
        try:
            text.encode("iso-8859-1")
        except UnicodeEncodeError:
            f = "plain"
    if f == "plain" and max(len(l) for l in text.split("\n")) > 900:
        f = "qp"
    return f


def build_one(m, fname):
    local = local_datetime(m)
    style = client_style(m)
    fromaddr = parseaddr(m["from"])[1]
    domain = fromaddr.split("@")[1]
    mid = message_id(m, style, domain)
    own = m["body"]
    qinfo = None
    text = own
    if m.get("reply"):
        qtext, qinfo = quote_block(m, local)
        text = own + "\n\n" + qtext
    to_key = m["to"].split()[0]
    to = rng(m["id"], "to").choice(TO_STYLES[to_key])
    fmt = choose_fmt(m, text)
    hdr = [("From", enc_from(m["from"])), ("To", to)]
    if m.get("cc"):
        hdr.append(("Cc", TO_STYLES[m["cc"]][1]))
    hdr += [("Subject", enc_header(m.get("subj", ""))), ("Date", fmt_date(local)), ("Message-ID", mid)]
    if m.get("reply"):
        fid = firm_msgid(m)
        hdr += [("In-Reply-To", fid), ("References", fid)]
    if style == "outlook":
        hdr.append(("X-Mailer", "Microsoft Outlook 16.0"))
    elif style == "apple":
        hdr.append(("X-Mailer", rng(m["id"], "xm").choice(["iPhone Mail (22D82)", "Apple Mail (2.3826.400.131.1.6)"])))
    elif style == "thunderbird":
        hdr.append(("User-Agent", "Mozilla Thunderbird"))
    hdr.append(("MIME-Version", "1.0"))
    if fmt == "multi":
        b = "----=_Part_%s" % h(m["id"], "bnd")[:24]
        hdr.append(("Content-Type", 'multipart/alternative;\n\tboundary="%s"' % b))
        parts = ["--" + b, "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable",
                 "", qp(text).rstrip("\n"), "--" + b, "Content-Type: text/html; charset=UTF-8",
                 "Content-Transfer-Encoding: quoted-printable", "", qp(to_html(own, qinfo, style)).rstrip("\n"),
                 "--" + b + "--", ""]
        body = "\n".join(parts)
    elif fmt == "qp":
        hdr += [("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "quoted-printable")]
        body = qp(text).rstrip("\n") + "\n"
    elif fmt == "latin1":
        hdr += [("Content-Type", "text/plain; charset=iso-8859-1"), ("Content-Transfer-Encoding", "8bit")]
        body = text + "\n"
    else:
        hdr += [("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit")]
        body = text + "\n"
    head = "\n".join("%s: %s" % kv for kv in hdr)
    raw = (head + "\n\n" + body).replace("\r\n", "\n").replace("\n", "\r\n")
    data = raw.encode("iso-8859-1" if fmt == "latin1" else "utf-8")
    with open(os.path.join(ROOT, fname), "wb") as f:
        f.write(data)
    return {"fmt": fmt, "style": style, "reply": (m.get("reply") or "").split(" ")[0], "msgid": mid}


def main():
    blocks = parse_sources()
    ids = [b["id"] for b in blocks]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, dup
    for b in blocks:
        assert b["label"] in ("complaint", "not"), b["id"]
        assert b["lang"] in ("nl", "en"), b["id"]
        pre = b["kind"].split("-")[0]
        assert b["kind"].startswith(("complaint-word-", "complaint-noword-", "ordinary-", "tricky-")), b["id"]
        assert (pre == "complaint") == (b["label"] == "complaint"), b["id"]
        for k in ("note", "from", "to", "date"):
            assert b.get(k), (b["id"], k)
        if b.get("reply"):
            assert b["quoted"], b["id"]
    addrs = [parseaddr(b["from"])[1].lower() for b in blocks]
    dupa = {a for a in addrs if addrs.count(a) > 1 and not a.endswith("@mcoo.nl")}
    assert not dupa, dupa
    order = sorted(blocks, key=lambda b: b["id"])
    random.Random(SHUFFLE_SEED).shuffle(order)
    for old in os.listdir(ROOT):
        if old.startswith(PREFIX) and old.endswith(".eml"):
            os.remove(os.path.join(ROOT, old))
    rows, smap = [], []
    for n, b in enumerate(order, 1):
        fname = "%s%04d.eml" % (PREFIX, n)
        info = build_one(b, fname)
        rows.append([fname, b["label"], b["lang"], b.get("channel", ""), b["kind"], b["note"]])
        smap.append([fname, b["id"], b["src"], info["style"], info["fmt"], info["reply"]])
    with open(os.path.join(ROOT, "labels.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("file\tlabel\tlang\tchannel_hint\tkind\tnote\n")
        for r in rows:
            f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
    with open(os.path.join(HERE, "source_map.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("file\tsource_id\tsource_file\tclient_style\tbody_format\treply_style\n")
        for r in smap:
            f.write("\t".join(r) + "\n")
    write_readme(order, rows, smap)
    print("built %d messages" % len(rows))


def write_readme(order, rows, smap):
    from collections import Counter
    pre = lambda k: next(p for p in ("complaint-word", "complaint-noword", "ordinary", "tricky") if k.startswith(p + "-"))
    c = Counter((pre(r[4]), r[1], r[2]) for r in rows)
    lines = ["| kind prefix | messages | complaint | not | nl | en |", "|---|---|---|---|---|---|"]
    tot = Counter()
    for p in ("complaint-word", "complaint-noword", "ordinary", "tricky"):
        n = sum(v for k, v in c.items() if k[0] == p)
        comp = sum(v for k, v in c.items() if k[0] == p and k[1] == "complaint")
        nl = sum(v for k, v in c.items() if k[0] == p and k[2] == "nl")
        vals = [n, comp, n - comp, nl, n - nl]
        tot.update(dict(zip("abcde", vals)))
        lines.append("| `%s-` | %s |" % (p, " | ".join(map(str, vals))))
    lines.append("| **total** | %s |" % " | ".join(str(tot[k]) for k in "abcde"))
    fmts = Counter(s[4] for s in smap)
    reps = Counter(s[5] for s in smap if s[5])
    chans = Counter(r[3] for r in rows if r[3])
    tmpl = open(os.path.join(HERE, "README.template.md"), encoding="utf-8").read()
    out = tmpl.replace("{{COUNTS}}", "\n".join(lines))
    out = out.replace("{{FORMATS}}", "\n".join(["| body format | messages |", "|---|---|"] +
                                                 ["| %s | %d |" % (k, v) for k, v in sorted(fmts.items())]))
    out = out.replace("{{REPLIES}}", "\n".join(["| reply quote style | messages |", "|---|---|"] +
                                                 ["| %s | %d |" % (k, v) for k, v in sorted(reps.items())]))
    out = out.replace("{{CHANNELS}}", "\n".join(["| channel_hint | messages |", "|---|---|"] +
                                                  ["| %s | %d |" % (k, v) for k, v in sorted(chans.items())]))
    out = out.replace("{{TOTAL}}", str(len(rows)))
    with open(os.path.join(ROOT, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(out)


if __name__ == "__main__":
    main()
