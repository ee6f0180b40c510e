#!/usr/bin/env python3
"""Build the "own" labelled corpus of the recognize package from _build/src/*.txt.

Deterministic (fixed seeds): the same sources give byte-identical files.

    python3 _build/build.py      # writes ../own_NNNN.eml, ../labels.tsv, ../source_map.tsv

Source format, one block per message:

    @@ <srcid> <cat A-E> <complaint|not> <nl|en> <kind-slug>
    note: why this label
    from: Display Name <addr@domain>
    to: marco | hans | marco, hans | raw addresses
    cc: ...                                (optional)
    subj: Subject line                     (may be empty)
    date: YYYY-MM-DD [HH:MM]
    reply: firm[:who] | self | other        (optional: sets In-Reply-To/References;
                                            firm ids end in @mcoo.nl)
    quote: gmail | apple | gmail-en | outlook-nl | outlook-en | oorspronkelijk |
           original | underscore | fwd-nl | fwd-en | none   (how >>> text is quoted)
    qfrom: firm:<who> | self | Name <addr>  (author of the quoted text; default firm:<to>)
    qdate: YYYY-MM-DD HH:MM                 (date of the quoted text, default 3 days before)
    fmt: plain | html | htmlonly | qp | latin1   (default plain)
    --
    body written by the sender
    >>>
    quoted earlier message (optional)

Files are shuffled, so file numbers say nothing about the category. The
recognize tests keep every file whose number is divisible by 3 as a holdout.
"""
import datetime
import glob
import hashlib
import html
import os
import quopri
import random
import re
import sys
from email.header import Header
from email.utils import format_datetime
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SEED = "klachtbot-recognize-own-v1"
AMS = ZoneInfo("Europe/Amsterdam")

FIRM = {
    "marco": ("Marco van Dijk", "marco@mcoo.nl"),
    "hans": ("Hans Kleinjan", "hans@mcoo.nl"),
    "merel": ("Merel Schouwstra", "merel@mcoo.nl"),
    "bram": ("Bram Oosterhof", "bram@mcoo.nl"),
    "yvonne": ("Yvonne de Graaf", "yvonne@mcoo.nl"),
    "tim": ("Tim Hazeleger", "tim@mcoo.nl"),
    "noor": ("Noor El Idrissi", "noor@mcoo.nl"),
    "info": ("Mijn Cijfers Op Orde", "info@mcoo.nl"),
}
FIRM_SIG_NL = "\n\nMet vriendelijke groet,\n\n{name}\nMijn Cijfers Op Orde B.V.\nT 030 200 41 70 | www.mcoo.nl"
FIRM_SIG_EN = "\n\nKind regards,\n\n{name}\nMijn Cijfers Op Orde B.V.\nT +31 30 200 41 70 | www.mcoo.nl"

DAYS_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
DAYS_NL_S = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]
MONTHS_NL_S = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_EN_S = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_EN_S = [m[:3] for m in MONTHS_EN]


def rng(*parts):
    h = hashlib.sha256("|".join((SEED,) + tuple(str(p) for p in parts)).encode()).hexdigest()
    return random.Random(int(h[:16], 16))


def parse_sources():
    blocks = []
    for path in sorted(glob.glob(os.path.join(HERE, "src", "*.txt"))):
        text = open(path, encoding="utf-8").read()
        for raw in re.split(r"(?m)^@@ ", text)[1:]:
            head, _, rest = raw.partition("\n")
            parts = head.split()
            if len(parts) != 5:
                sys.exit(f"{path}: bad header {head!r}")
            b = {"id": parts[0], "cat": parts[1], "label": parts[2], "lang": parts[3], "kind": parts[4]}
            meta, sep, body = rest.partition("\n--\n")
            if not sep:
                sys.exit(f"{path}: {b['id']}: no -- line")
            for line in meta.splitlines():
                if not line.strip():
                    continue
                k, _, v = line.partition(":")
                b[k.strip()] = v.strip()
            own, _, quoted = body.partition("\n>>>\n")
            b["body"] = own.strip("\n")
            b["quoted"] = quoted.strip("\n")
            if b["cat"] not in "ABCDE" or b["label"] not in ("complaint", "not") or b["lang"] not in ("nl", "en"):
                sys.exit(f"{path}: {b['id']}: bad header values")
            blocks.append(b)
    ids = [b["id"] for b in blocks]
    if len(ids) != len(set(ids)):
        sys.exit("duplicate source ids")
    return blocks


def addr_list(v):
    out = []
    for part in [p.strip() for p in v.split(",") if p.strip()]:
        if part in FIRM:
            n, a = FIRM[part]
            out.append((n, a))
        else:
            m = re.match(r"(.*)<(.+)>", part)
            out.append((m.group(1).strip(), m.group(2).strip()) if m else ("", part))
    return out


def fmt_addr(n, a):
    if not n:
        return a
    if re.search(r'[,.;:()"|]', n):
        n = '"' + n.replace('"', "") + '"'
    return f"{n} <{a}>"


def when(b, key="date", r=None):
    v = b.get(key, "")
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)(?:\s+(\d\d):(\d\d))?$", v)
    if not m:
        sys.exit(f"{b['id']}: bad {key} {v!r}")
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(4):
        hh, mm = int(m.group(4)), int(m.group(5))
    else:
        hh, mm = r.randint(7, 21), r.randint(0, 59)
    return datetime.datetime(y, mo, d, hh, mm, r.randint(0, 59), tzinfo=AMS)


def msgid(r, domain, t):
    return "<%s.%s@%s>" % (t.strftime("%Y%m%d%H%M%S"), "".join(r.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(12)), domain)


def quote_header(style, qname, qaddr, qt, qto, qsubj):
    dn, mn = qt.weekday(), qt.month - 1
    if style in ("gmail", "apple"):
        if style == "gmail":
            return f"Op {DAYS_NL_S[dn]} {qt.day} {MONTHS_NL_S[mn]} {qt.year} om {qt:%H:%M} schreef {qname} <{qaddr}>:"
        return f"Op {qt.day} {MONTHS_NL_S[mn]} {qt.year}, om {qt:%H:%M}, heeft {qname} <{qaddr}> het volgende geschreven:"
    if style == "gmail-en":
        return f"On {DAYS_EN_S[dn]}, {qt.day} {MONTHS_EN_S[mn]} {qt.year} at {qt:%H:%M}, {qname} <{qaddr}> wrote:"
    if style in ("outlook-nl", "oorspronkelijk", "underscore"):
        date = f"{DAYS_NL[dn]} {qt.day} {MONTHS_NL[mn]} {qt.year} {qt:%H:%M}"
        hdr = f"Van: {qname} <{qaddr}>\nVerzonden: {date}\nAan: {qto}\nOnderwerp: {qsubj}"
        if style == "oorspronkelijk":
            return "-----Oorspronkelijk bericht-----\n" + hdr
        if style == "underscore":
            return "________________________________\n" + hdr
        return "________________________________\n" + hdr
    if style in ("outlook-en", "original"):
        date = f"{DAYS_EN[dn]}, {qt.day} {MONTHS_EN[mn]} {qt.year} {qt:%H:%M}"
        hdr = f"From: {qname} <{qaddr}>\nSent: {date}\nTo: {qto}\nSubject: {qsubj}"
        if style == "original":
            return "-----Original Message-----\n" + hdr
        return "________________________________\n" + hdr
    if style == "fwd-nl":
        date = f"{DAYS_NL[dn]} {qt.day} {MONTHS_NL[mn]} {qt.year} {qt:%H:%M}"
        return f"---------- Doorgestuurd bericht ---------\nVan: {qname} <{qaddr}>\nDatum: {date}\nOnderwerp: {qsubj}\nAan: {qto}"
    if style == "fwd-en":
        date = f"{DAYS_EN_S[dn]}, {qt.day} {MONTHS_EN_S[mn]} {qt.year} at {qt:%H:%M}"
        return f"---------- Forwarded message ---------\nFrom: {qname} <{qaddr}>\nDate: {date}\nSubject: {qsubj}\nTo: {qto}"
    sys.exit("unknown quote style " + style)


def build(b, r):
    frm = addr_list(b["from"])[0]
    to = addr_list(b.get("to", "marco"))
    cc = addr_list(b.get("cc", "")) if b.get("cc") else []
    t = when(b, r=r)
    sender_domain = frm[1].split("@")[1]
    headers = [("From", fmt_addr(*frm)), ("To", ", ".join(fmt_addr(*a) for a in to))]
    if cc:
        headers.append(("Cc", ", ".join(fmt_addr(*a) for a in cc)))
    subj = b.get("subj", "")
    reply = b.get("reply", "")
    style = b.get("quote", "none" if not b["quoted"] else ("gmail" if b["lang"] == "nl" else "gmail-en"))
    quoted = b["quoted"]
    firstto = to[0]
    qt = when(b, "qdate", r) if b.get("qdate") else t - datetime.timedelta(days=r.randint(1, 9), hours=r.randint(0, 5), minutes=r.randint(0, 59))
    # who wrote the quoted text
    qfrom = b.get("qfrom", "")
    if not qfrom:
        qfrom = "firm:" + (reply.split(":")[1] if reply.startswith("firm:") else next((k for k, v in FIRM.items() if v[1] == firstto[1]), "marco"))
    if qfrom.startswith("firm:"):
        qname, qaddr = FIRM[qfrom[5:]]
        qto = fmt_addr(*frm)
        if quoted and "[nosig]" not in quoted:
            quoted += (FIRM_SIG_EN if b["lang"] == "en" else FIRM_SIG_NL).format(name=qname)
    elif qfrom == "self":
        qname, qaddr = frm
        qto = fmt_addr(*firstto)
    else:
        qname, qaddr = addr_list(qfrom)[0]
        qto = fmt_addr(*frm)
    quoted = quoted.replace("[nosig]", "").rstrip("\n")
    qsubj = b.get("qsubj", re.sub(r"^(re|aw|antw|fw|fwd|doorst)\s*:\s*", "", subj, flags=re.I))
    if reply:
        kind = reply.split(":")[0]
        if kind == "firm":
            dom = "mcoo.nl"
        elif kind == "self":
            dom = sender_domain
        else:
            dom = qaddr.split("@")[1]
        parent = msgid(r, dom, qt)
        refs = [parent]
        if r.random() < 0.3:
            refs.insert(0, msgid(r, sender_domain, qt - datetime.timedelta(days=r.randint(2, 20))))
        if not re.match(r"(?i)^(re|aw|antw|fw|fwd)\s*:", subj) and b.get("keepsubj") != "yes":
            subj = r.choice(["Re: ", "RE: ", "Re: ", "Antw: "] if b["lang"] == "nl" else ["Re: ", "RE: "]) + subj
        headers += [("In-Reply-To", parent), ("References", " ".join(refs))]
    headers.insert(2 if not cc else 3, ("Subject", subj))
    headers.insert(3 if not cc else 4, ("Date", format_datetime(t)))
    headers.insert(4 if not cc else 5, ("Message-ID", msgid(r, sender_domain, t)))

    # text body
    text = b["body"]
    qblock = ""
    if quoted:
        if style in ("gmail", "apple", "gmail-en"):
            qlines = "\n".join(("> " + l) if l else ">" for l in quoted.split("\n"))
            qblock = quote_header(style, qname, qaddr, qt, qto, qsubj) + "\n" + qlines
        elif style == "inline":
            qblock = "\n".join(("> " + l) if l else ">" for l in quoted.split("\n"))
        else:
            qblock = quote_header(style, qname, qaddr, qt, qto, qsubj) + "\n\n" + quoted
    plain = text + ("\n\n" + qblock if qblock else "") + "\n"

    fmt = b.get("fmt") or pick_format(rng("fmt", b["id"]))
    mime = [("MIME-Version", "1.0")]
    if fmt in ("html", "htmlonly"):
        hbody = html_body(text, quoted, style, qname, qaddr, qt, qto, qsubj)
        if fmt == "htmlonly":
            mime += [("Content-Type", 'text/html; charset="utf-8"'), ("Content-Transfer-Encoding", "quoted-printable")]
            payload = qp(hbody)
        else:
            bnd = "----=_Part_%d" % r.randint(10**8, 10**9)
            mime += [("Content-Type", f'multipart/alternative; boundary="{bnd}"')]
            payload = (f"--{bnd}\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                       + qp(plain) + f"\n--{bnd}\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                       + qp(hbody) + f"\n--{bnd}--\n")
        raw = headers + mime
        out = "".join(hdr(k, v) for k, v in raw) + "\n" + payload
        return out.encode("utf-8")
    if fmt == "qp":
        mime += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "quoted-printable")]
        out = "".join(hdr(k, v) for k, v in headers + mime) + "\n" + qp(plain)
        return out.encode("utf-8")
    if fmt == "latin1":
        mime += [("Content-Type", "text/plain; charset=iso-8859-1"), ("Content-Transfer-Encoding", "8bit")]
        out = "".join(hdr(k, v) for k, v in headers + mime) + "\n"
        return enc_headers(out) + plain.replace("€", "EUR").encode("iso-8859-1", "replace")
    mime += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "8bit")]
    out = "".join(hdr(k, v) for k, v in headers + mime) + "\n" + plain
    return out.encode("utf-8")


def pick_format(r):
    """A mail client's body format for blocks without fmt: mostly plain text,
    some multipart (text + HTML), HTML only, quoted-printable and Latin-1."""
    x = r.random()
    if x < 0.68:
        return "plain"
    if x < 0.84:
        return "html"
    if x < 0.91:
        return "htmlonly"
    if x < 0.96:
        return "qp"
    return "latin1"


def enc_headers(s):
    return s.encode("utf-8")


def hdr(k, v):
    if k in ("Subject", "From", "To", "Cc") and any(ord(c) > 127 for c in v):
        if k == "Subject":
            v = Header(v, "utf-8").encode()
        else:
            parts = []
            for a in v.split(", "):
                m = re.match(r'(.*?)\s*<(.+)>$', a)
                if m and any(ord(c) > 127 for c in m.group(1)):
                    parts.append(Header(m.group(1).strip('"'), "utf-8").encode() + " <" + m.group(2) + ">")
                else:
                    parts.append(a)
            v = ", ".join(parts)
    return f"{k}: {v}\n"


def qp(s):
    return quopri.encodestring(s.encode("utf-8")).decode("ascii")


def para_html(text):
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [html.escape(l) for l in para.split("\n")]
        out.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(out)


def html_body(text, quoted, style, qname, qaddr, qt, qto, qsubj):
    h = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
         "<style>p{margin:0 0 8px 0}</style></head><body>", '<div dir="ltr">', para_html(text), "</div>"]
    if quoted:
        hdr = quote_header(style if style != "inline" else "gmail", qname, qaddr, qt, qto, qsubj)
        if style in ("gmail", "gmail-en", "apple", "inline"):
            h.append('<div class="gmail_quote"><div class="gmail_attr">' + html.escape(hdr) + "</div>")
            h.append('<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">')
            h.append(para_html(quoted) + "</blockquote></div>")
        else:
            lines = hdr.split("\n")
            if lines[0].startswith("___"):
                h.append("<hr>")
                lines = lines[1:]
            h.append('<div id="divRplyFwdMsg"><p>' + "<br>\n".join(html.escape(l) for l in lines) + "</p></div>")
            h.append(para_html(quoted))
    h.append("</body></html>")
    return "\n".join(h) + "\n"


def main():
    blocks = parse_sources()
    order = list(range(len(blocks)))
    rng("order").shuffle(order)
    for old in glob.glob(os.path.join(OUT, "own_*.eml")):
        os.remove(old)
    labels = ["file\tlabel\tlang\tcategory\tnote"]
    smap = ["file\tsource_id\tcategory\tkind\tformat\tquote\treply"]
    for n, i in enumerate(order, 1):
        b = blocks[i]
        name = "own_%04d.eml" % n
        data = build(b, rng(b["id"]))
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        open(os.path.join(OUT, name), "wb").write(data)
        labels.append("\t".join([name, b["label"], b["lang"], b["cat"], b.get("note", "")]))
        smap.append("\t".join([name, b["id"], b["cat"], b["kind"], b.get("fmt") or pick_format(rng("fmt", b["id"])), b.get("quote", "-" if not b["quoted"] else "default"), b.get("reply", "-")]))
    open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8").write("\n".join(labels) + "\n")
    open(os.path.join(OUT, "source_map.tsv"), "w", encoding="utf-8").write("\n".join(smap) + "\n")
    counts = {}
    for b in blocks:
        counts.setdefault(b["cat"], [0, 0, 0, 0])
        c = counts[b["cat"]]
        c[0] += 1
        c[1 if b["label"] == "complaint" else 2] += 0
        c[2 if b["lang"] == "nl" else 3] += 1
    for cat in sorted(counts):
        c = counts[cat]
        comp = sum(1 for b in blocks if b["cat"] == cat and b["label"] == "complaint")
        print(f"{cat}: {c[0]} messages, {comp} complaint, nl {c[2]}, en {c[3]}")
    print("total", len(blocks))


if __name__ == "__main__":
    main()
