#!/usr/bin/env python3
"""Deterministic builder for corpus T4: _build/src/*.txt -> t4_NNNN.eml, labels.tsv, source_map.tsv, README.md.

Source format (one block per message):

    @@ <id> <lang> <kind> [key=value ...]
    From: Display Name <addr@example.nl>
    Subject: ...
    Note: one line why the label applies
    <blank line>
    body of the sender's own text ...
    ~~ <FirmPerson>[: firm subject]      (optional: earlier firm mail that is quoted below)
    text of the firm's earlier mail ...

label is derived from the kind prefix (complaint-* -> complaint, ordinary-*/tricky-* -> not).
keys: to=marco|hans  fmt=plain|qp|latin1|flowed|html-outlook|html-gmail|html-apple
      reply=gmail|outlook|apple  chan=phone-note|forwarded|meeting-note|letter-transcript
      date=YYYY-MM-DD  time=HH:MM  tz=london|berlin
Python 3 standard library only.  Run: python3 _build/build.py && python3 _build/check.py
"""
import datetime as dt
import hashlib
import html
import os
import quopri
import random
import re
import sys
import textwrap
from email.header import Header
from email.utils import formataddr, parseaddr

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SRC = os.path.join(HERE, "src")
PREFIX = "t4"

FIRM = {
    "marco": "Marco", "hans": "Hans", "anna": "Anna", "sanne": "Sanne",
    "pieter": "Pieter", "joyce": "Joyce",
}
FIRM_ROLE_NL = {"marco": "Directeur", "hans": "Directeur", "anna": "Salarisadministratie",
                "sanne": "Boekhouding", "pieter": "Belastingadvies", "joyce": "Front office"}
FIRM_ROLE_EN = {"marco": "Director", "hans": "Director", "anna": "Payroll",
                "sanne": "Bookkeeping", "pieter": "Tax", "joyce": "Front office"}

COMPLAINT_WORDS = [
    "klacht", "klagen", "beklag", "ontevreden", "teleurgesteld", "teleurstell", "onacceptabel",
    "onaanvaardbaar", "niet tevreden", "complain", "unhappy", "disappoint", "unacceptable",
    "not satisfied", "dissatisf", "not happy", "niet blij",
]

DAYS_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
DAYS_NL_S = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]
MONTHS_NL_S = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
DAYS_H = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS_H = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def rng_for(*parts):
    h = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return random.Random(int(h[:16], 16))


def last_sunday(year, month):
    d = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    while d.weekday() != 6:
        d -= dt.timedelta(days=1)
    return d


def offset_for(d, tz):
    summer = last_sunday(d.year, 3) <= d < last_sunday(d.year, 10)
    if tz == "london":
        return "+0100" if summer else "+0000"
    return "+0200" if summer else "+0100"


def rfc_date(d, hh, mm, ss, tz):
    return "%s, %d %s %d %02d:%02d:%02d %s" % (DAYS_H[d.weekday()], d.day, MONTHS_H[d.month - 1],
                                              d.year, hh, mm, ss, offset_for(d, tz))


def enc_header(s):
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return Header(s, "utf-8").encode(linesep="\r\n")


def enc_addr(name, addr):
    if not name:
        return addr
    try:
        name.encode("ascii")
        return formataddr((name, addr))
    except UnicodeEncodeError:
        return "%s <%s>" % (Header(name, "utf-8").encode(linesep="\r\n"), addr)


def parse_sources():
    msgs = []
    for fn in sorted(os.listdir(SRC)):
        if not fn.endswith(".txt"):
            continue
        with open(os.path.join(SRC, fn), encoding="utf-8") as f:
            text = f.read()
        blocks = re.split(r"^@@ ", text, flags=re.M)
        for b in blocks[1:]:
            lines = b.rstrip("\n").split("\n")
            head = lines[0].split()
            mid, lang, kind = head[0], head[1], head[2]
            opts = dict(x.split("=", 1) for x in head[3:])
            i = 1
            hdr = {}
            while i < len(lines) and lines[i].strip():
                k, v = lines[i].split(":", 1)
                hdr[k.strip().lower()] = v.strip()
                i += 1
            rest = lines[i + 1:]
            body, quote, qperson, qsubj = rest, None, None, None
            for j, ln in enumerate(rest):
                if ln.startswith("~~ "):
                    body = rest[:j]
                    quote = rest[j + 1:]
                    spec = ln[3:].strip()
                    if ":" in spec:
                        qperson, qsubj = [x.strip() for x in spec.split(":", 1)]
                    else:
                        qperson = spec
                    qperson = qperson.lower()
                    break
            while body and not body[-1].strip():
                body.pop()
            if quote:
                while quote and not quote[-1].strip():
                    quote.pop()
            if kind.startswith("complaint-"):
                label = "complaint"
            elif kind.startswith("ordinary-") or kind.startswith("tricky-"):
                label = "not"
            else:
                sys.exit("bad kind %s in %s" % (kind, mid))
            if lang not in ("nl", "en"):
                sys.exit("bad lang in %s" % mid)
            for k in ("from", "subject", "note"):
                if k not in hdr:
                    sys.exit("missing %s in %s" % (k, mid))
            msgs.append(dict(id=mid, lang=lang, kind=kind, label=label, opts=opts, hdr=hdr,
                             body=body, quote=quote, qperson=qperson, qsubj=qsubj, src=fn))
    return msgs


START = dt.date(2025, 1, 6)
END = dt.date(2026, 11, 27)


def pick_date(m):
    r = rng_for("date", m["id"])
    o = m["opts"]
    if "date" in o:
        d = dt.date.fromisoformat(o["date"])
    else:
        span = (END - START).days
        d = START + dt.timedelta(days=r.randrange(span))
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    if "time" in o:
        hh, mm = map(int, o["time"].split(":"))
    else:
        hh = r.choice([7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 19, 20, 21, 22])
        mm = r.randrange(60)
    ss = r.randrange(60)
    return d, hh, mm, ss


def quote_date(m, d):
    r = rng_for("qdate", m["id"])
    back = r.randint(1, 9)
    q = d - dt.timedelta(days=back)
    while q.weekday() >= 5:
        q -= dt.timedelta(days=1)
    return q, r.randint(8, 17), r.randrange(60)


def firm_signature(person, lang):
    role = (FIRM_ROLE_EN if lang == "en" else FIRM_ROLE_NL)[person]
    return [FIRM[person], role, "Mijn Cijfers Op Orde B.V.", "T 085 130 42 20 | www.mcoo.nl"]


def firm_display(person, r):
    n = FIRM[person]
    return r.choice([n, n + " | Mijn Cijfers Op Orde", n + " - MCOO", n + " (Mijn Cijfers Op Orde B.V.)"])


def quote_header_lines(style, lang, person, qd, qh, qm, sender, subj, r):
    name = firm_display(person, r)
    addr = "%s@mcoo.nl" % person
    if style == "outlook":
        if lang == "en":
            return ["", "From: %s <%s>" % (name, addr),
                    "Sent: %s, %d %s %d %d:%02d" % (DAYS_EN[qd.weekday()], qd.day, MONTHS_EN[qd.month - 1], qd.year, qh, qm),
                    "To: %s" % sender, "Subject: %s" % subj, ""]
        return ["", "Van: %s <%s>" % (name, addr),
                "Verzonden: %s %d %s %d %d:%02d" % (DAYS_NL[qd.weekday()], qd.day, MONTHS_NL[qd.month - 1], qd.year, qh, qm),
                "Aan: %s" % sender, "Onderwerp: %s" % subj, ""]
    if style == "apple":
        if lang == "en":
            return ["On %d %s %d, at %02d:%02d, %s <%s> wrote:" % (qd.day, MONTHS_H[qd.month - 1], qd.year, qh, qm, name, addr)]
        return ["Op %d %s %d om %02d:%02d heeft %s <%s> het volgende geschreven:" % (qd.day, MONTHS_NL_S[qd.month - 1], qd.year, qh, qm, name, addr)]
    # gmail
    if lang == "en":
        return ["On %s, %d %s %d at %02d:%02d, %s <%s> wrote:" % (DAYS_H[qd.weekday()], qd.day, MONTHS_H[qd.month - 1], qd.year, qh, qm, name, addr)]
    return ["Op %s %d %s %d om %02d:%02d schreef %s <%s>:" % (DAYS_NL_S[qd.weekday()], qd.day, MONTHS_NL_S[qd.month - 1], qd.year, qh, qm, name, addr)]


def flow(lines):
    out = []
    for ln in lines:
        if len(ln) <= 76 or ln.startswith(">"):
            out.append(ln.rstrip(" ") if ln.strip() else "")
            continue
        parts = textwrap.wrap(ln, 72, break_long_words=False, break_on_hyphens=False)
        out.extend([p + " " for p in parts[:-1]] + [parts[-1]])
    return out


def qp(text):
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def html_of(style, body, qhead, qlines):
    esc = html.escape
    if style == "outlook":
        def paras(lines):
            return "\n".join('<p class="MsoNormal">%s<o:p></o:p></p>' % esc(l) if l.strip()
                             else '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>' for l in lines)
        h = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">',
             '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
             '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">',
             '<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style></head>',
             '<body lang="NL" link="#0563C1" vlink="#954F72"><div class="WordSection1">', paras(body)]
        if qlines is not None:
            hd = [l for l in qhead if l.strip()]
            h.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
            h.append('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">')
            h.append('<p class="MsoNormal">' + "<br>\n".join(
                "<b>%s</b>%s" % (esc(l.split(":", 1)[0] + ":"), esc(l.split(":", 1)[1])) for l in hd) + "<o:p></o:p></p></div>")
            h.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>')
            h.append(paras(qlines))
        h.append("</div></body></html>")
        return "\n".join(h)
    if style == "gmail":
        h = ['<div dir="ltr">' + "".join("<div>%s</div>" % (esc(l) if l.strip() else "<br>") for l in body) + "</div>"]
        if qlines is not None:
            h.append('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">%s<br></div>' % esc(qhead[0]))
            h.append('<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">')
            h.append("<br>\n".join(esc(l) for l in qlines) + "</blockquote></div>")
        return "\n".join(h)
    # apple
    h = ['<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>',
         '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">',
         "".join("<div>%s</div>" % (esc(l) if l.strip() else "<br>") for l in body)]
    if qlines is not None:
        h.append('<div><br><blockquote type="cite"><div>%s</div><br>' % esc(qhead[0]))
        h.append("".join("<div>%s</div>" % (esc(l) if l.strip() else "<br>") for l in qlines) + "</blockquote></div>")
    h.append("</body></html>")
    return "\n".join(h)


def build_one(m, used_ids):
    o = m["opts"]
    r = rng_for("misc", m["id"])
    lang = m["lang"]
    name, addr = parseaddr(m["hdr"]["from"])
    dom = addr.split("@")[1]
    to = o.get("to") or r.choice(["marco", "hans"])
    to_disp = r.choice([FIRM[to], FIRM[to] + " | Mijn Cijfers Op Orde", FIRM[to] + " - MCOO",
                        FIRM[to] + " (Mijn Cijfers Op Orde)", FIRM[to] + " Mijn Cijfers Op Orde"])
    d, hh, mm, ss = pick_date(m)
    tz = o.get("tz", "amsterdam")
    date_h = rfc_date(d, hh, mm, ss, tz)
    h = hashlib.sha1(("t4msg" + m["id"]).encode()).hexdigest()
    msgid = "<%s.%s@%s>" % (d.strftime("%Y%m%d") + "%02d%02d%02d" % (hh, mm, ss), h[:14].upper(), dom)
    assert msgid not in used_ids
    used_ids.add(msgid)
    fmt = o.get("fmt", "plain")
    body = list(m["body"])
    qlines = None
    qhead = None
    irt = None
    refs = None
    style = None
    if m["quote"] is not None:
        style = o.get("reply") or (fmt.split("-")[1] if fmt.startswith("html-") else "gmail")
        qd, qh, qm = quote_date(m, d)
        fh = hashlib.sha1(("t4firm" + m["id"]).encode()).hexdigest()
        irt = "<%s%02d%02d.%s@mcoo.nl>" % (qd.strftime("%Y%m%d"), qh, qm, fh[:12].upper())
        refs = irt
        if r.random() < 0.3:
            refs = "<%s.%s@%s>" % ((qd - dt.timedelta(days=3)).strftime("%Y%m%d"), fh[12:24].upper(), dom) + " " + irt
        qsubj = m["qsubj"] or re.sub(r"^(re|antw|aw|sv):\s*", "", m["hdr"]["subject"], flags=re.I)
        sender_disp = "%s <%s>" % (name, addr) if name else addr
        qhead = quote_header_lines(style, lang, m["qperson"], qd, qh, qm, sender_disp, qsubj, r)
        qlines = list(m["quote"]) + [""] + firm_signature(m["qperson"], lang)
    # plain text rendering
    plain = list(body)
    if qlines is not None:
        if style == "outlook":
            plain += ["", "________________________________"] + qhead[1:] + qlines
        else:
            plain += ["", qhead[0], ""]
            plain += [("> " + l) if l.strip() else ">" for l in qlines]
    if fmt == "flowed":
        plain = flow(plain)
    text = "\r\n".join(plain) + "\r\n"
    headers = [
        ("From", enc_addr(name, addr)),
        ("To", enc_addr(to_disp, "%s@mcoo.nl" % to)),
        ("Date", date_h),
        ("Message-ID", msgid),
    ]
    if irt:
        headers.append(("In-Reply-To", irt))
        headers.append(("References", refs))
    headers.append(("Subject", enc_header(m["hdr"]["subject"])))
    if fmt == "html-outlook":
        headers.append(("X-Mailer", "Microsoft Outlook 16.0"))
    elif fmt == "html-apple":
        headers.append(("X-Mailer", "Apple Mail (2.3774.600.62)"))
    elif fmt == "flowed":
        headers.append(("User-Agent", "Mozilla Thunderbird"))
    headers.append(("MIME-Version", "1.0"))
    if fmt.startswith("html-"):
        st = fmt.split("-")[1]
        boundary = "----=_Part_%s" % h[14:30]
        htm = html_of(st, body, qhead, qlines) + "\n"
        htm = htm.replace("\n", "\r\n")
        if st == "gmail" and all(ord(c) < 128 for c in text):
            p_cte, p_body = "7bit", text
        else:
            p_cte, p_body = "quoted-printable", qp(text)
        headers.append(("Content-Type", 'multipart/alternative; boundary="%s"' % boundary))
        parts = ["--" + boundary,
                 "Content-Type: text/plain; charset=UTF-8",
                 "Content-Transfer-Encoding: " + p_cte, "", p_body.rstrip("\r\n"),
                 "--" + boundary,
                 "Content-Type: text/html; charset=UTF-8",
                 "Content-Transfer-Encoding: quoted-printable", "", qp(htm).rstrip("\r\n"),
                 "--" + boundary + "--", ""]
        payload = "\r\n".join(p.replace("\r\n", "\n").replace("\n", "\r\n") for p in parts).encode("ascii")
    elif fmt == "qp":
        headers.append(("Content-Type", "text/plain; charset=UTF-8"))
        headers.append(("Content-Transfer-Encoding", "quoted-printable"))
        payload = qp(text).replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")
    elif fmt == "latin1":
        headers.append(("Content-Type", "text/plain; charset=iso-8859-1"))
        headers.append(("Content-Transfer-Encoding", "8bit"))
        payload = text.encode("iso-8859-1")
    elif fmt == "flowed":
        headers.append(("Content-Type", "text/plain; charset=UTF-8; format=flowed"))
        headers.append(("Content-Transfer-Encoding", "8bit"))
        payload = text.encode("utf-8")
    else:
        headers.append(("Content-Type", "text/plain; charset=UTF-8"))
        headers.append(("Content-Transfer-Encoding", "8bit"))
        payload = text.encode("utf-8")
    raw = "".join("%s: %s\r\n" % kv for kv in headers).encode("ascii") + b"\r\n" + payload
    m["fmt"] = fmt
    m["style"] = style or ""
    m["to"] = to
    m["date"] = d.isoformat()
    return raw


def main():
    msgs = parse_sources()
    ids = [m["id"] for m in msgs]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit("duplicate ids: %s" % sorted(dup))
    froms = [parseaddr(m["hdr"]["from"])[1].lower() for m in msgs]
    for m, a in zip(msgs, froms):
        if not a.endswith("@mcoo.nl") and froms.count(a) > 1:
            sys.exit("duplicate sender address %s" % a)
    order = sorted(msgs, key=lambda m: m["id"])
    random.Random("t4-shuffle-2026").shuffle(order)
    for f in os.listdir(OUT):
        if re.match(PREFIX + r"_\d{4}\.eml$", f):
            os.remove(os.path.join(OUT, f))
    used = set()
    rows = ["file\tlabel\tlang\tchannel_hint\tkind\tnote"]
    smap = ["file\tsource_id\tvoice\tlabel\tkind\tformat\treply_style\tto\tdate"]
    for n, m in enumerate(order, 1):
        fn = "%s_%04d.eml" % (PREFIX, n)
        raw = build_one(m, used)
        with open(os.path.join(OUT, fn), "wb") as f:
            f.write(raw)
        m["file"] = fn
        rows.append("\t".join([fn, m["label"], m["lang"], m["opts"].get("chan", ""), m["kind"],
                               m["hdr"]["note"].replace("\t", " ")]))
        smap.append("\t".join([fn, m["id"], m["src"][:-4], m["label"], m["kind"], m["fmt"], m["style"],
                               m["to"], m["date"]]))
    with open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(HERE, "source_map.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(smap) + "\n")
    write_readme(order)
    print("built %d messages" % len(order))


def table(rows, head):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def write_readme(msgs):
    tmpl_path = os.path.join(HERE, "README.template.md")
    if not os.path.exists(tmpl_path):
        return
    with open(tmpl_path, encoding="utf-8") as f:
        tmpl = f.read()
    pref = ["complaint-word", "complaint-noword", "ordinary", "tricky"]
    def p(m):
        for x in pref:
            if m["kind"].startswith(x + "-"):
                return x
    rows = []
    for x in pref:
        s = [m for m in msgs if p(m) == x]
        rows.append([x, len(s), sum(m["label"] == "complaint" for m in s), sum(m["label"] == "not" for m in s),
                     sum(m["lang"] == "nl" for m in s), sum(m["lang"] == "en" for m in s)])
    rows.append(["**total**", len(msgs), sum(m["label"] == "complaint" for m in msgs),
                 sum(m["label"] == "not" for m in msgs), sum(m["lang"] == "nl" for m in msgs),
                 sum(m["lang"] == "en" for m in msgs)])
    counts = table(rows, ["kind prefix", "messages", "complaint", "not", "nl", "en"])
    voices = sorted({m["src"][:-4] for m in msgs})
    vrows = []
    for v in voices:
        s = [m for m in msgs if m["src"][:-4] == v]
        vrows.append([v, len(s), sum(m["label"] == "complaint" for m in s), sum(m["label"] == "not" for m in s),
                      sum(m["lang"] == "nl" for m in s), sum(m["lang"] == "en" for m in s)])
    vt = table(vrows, ["voice (source file)", "messages", "complaint", "not", "nl", "en"])
    fmts = {}
    for m in msgs:
        fmts[m["fmt"]] = fmts.get(m["fmt"], 0) + 1
    ft = table(sorted(fmts.items()), ["body format", "messages"])
    rs = {}
    for m in msgs:
        k = m["style"] or "(not a reply)"
        rs[k] = rs.get(k, 0) + 1
    rt = table(sorted(rs.items()), ["reply quote style", "messages"])
    ch = {}
    for m in msgs:
        c = m["opts"].get("chan", "")
        if c:
            ch[c] = ch.get(c, 0) + 1
    ct = table(sorted(ch.items()), ["channel_hint", "messages"])
    txt = (tmpl.replace("{{COUNTS}}", counts).replace("{{VOICES}}", vt).replace("{{FORMATS}}", ft)
           .replace("{{REPLIES}}", rt).replace("{{CHANNELS}}", ct).replace("{{TOTAL}}", str(len(msgs))))
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(txt)


if __name__ == "__main__":
    main()
