#!/usr/bin/env python3
"""Deterministic builder for the validation corpus.

Reads _build/src/*.txt (one block per mail) and writes ../val_NNNN.eml,
../labels.tsv and ../source_map.tsv. Standard library only.

Block format:

    ### <id> | <complaint|not> | <nl|en> | <A-E> | <note>
    From: Name <addr>
    Subject: text
    To: marco|hans            (optional; default by hash)
    Reply: firm|own           (optional: In-Reply-To an id @mcoo.nl / of the sender)
    Format: plain|qp|latin1|html|htmlonly   (optional; default plain)

    body ...
"""
import base64, hashlib, html, os, quopri, random, re, sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

def blocks():
    out = []
    for name in sorted(os.listdir(os.path.join(HERE, "src"))):
        if not name.endswith(".txt"):
            continue
        text = open(os.path.join(HERE, "src", name), encoding="utf-8").read()
        for chunk in re.split(r"(?m)^### ", text)[1:]:
            head, _, rest = chunk.partition("\n")
            parts = [p.strip() for p in head.split("|", 4)]
            sid, label, lang, cat, note = parts
            hdr, _, body = rest.partition("\n\n")
            h = {}
            for line in hdr.splitlines():
                k, _, v = line.partition(":")
                h[k.strip().lower()] = v.strip()
            body = body.rstrip("\n") + "\n"
            out.append(dict(id=sid, label=label, lang=lang, cat=cat, note=note, h=h, body=body))
    return out

def seed(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)

def msgid(s, domain):
    return "<%s@%s>" % (hashlib.sha1(s.encode()).hexdigest()[:20], domain)

def html_of(body):
    paras = body.strip("\n").split("\n\n")
    return "<html><body>" + "".join("<p>%s</p>" % html.escape(p).replace("\n", "<br>\n") for p in paras) + "</body></html>\n"

def qp(s, charset="utf-8"):
    return quopri.encodestring(s.encode(charset)).decode("ascii")

def build(b):
    r = random.Random(seed(b["id"]))
    h = b["h"]
    frm = h["from"]
    dom = re.search(r"@([^>]+)>?", frm).group(1)
    to = h.get("to") or r.choice(["marco", "hans"])
    to_hdr = {"marco": '"Marco van Dijk" <marco@mcoo.nl>', "hans": '"Hans Verbeek" <hans@mcoo.nl>'}[to]
    start = datetime(2025, 2, 3, tzinfo=timezone(timedelta(hours=1)))
    d = start + timedelta(days=r.randrange(0, 560), hours=r.randrange(7, 20), minutes=r.randrange(60), seconds=r.randrange(60))
    while d.weekday() >= 5:
        d += timedelta(days=1)
    lines = ["From: " + frm, "To: " + to_hdr, "Subject: " + h.get("subject", ""), "Date: " + format_datetime(d),
             "Message-ID: " + msgid(b["id"], dom)]
    reply = h.get("reply", "")
    if reply == "firm":
        ref = msgid(b["id"] + "/firm", "mcoo.nl")
        lines += ["In-Reply-To: " + ref, "References: " + ref]
    elif reply == "own":
        ref = msgid(b["id"] + "/own", dom)
        lines += ["In-Reply-To: " + ref, "References: " + ref]
    lines.append("MIME-Version: 1.0")
    fmt = h.get("format", "plain")
    body = b["body"]
    crlf = lambda s: s.replace("\r\n", "\n").replace("\n", "\r\n")
    if fmt == "plain":
        lines += ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: 8bit"]
        raw = crlf("\n".join(lines) + "\n\n" + body).encode("utf-8")
    elif fmt == "qp":
        lines += ['Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"]
        raw = crlf("\n".join(lines) + "\n\n" + qp(body)).encode("ascii")
    elif fmt == "latin1":
        lines += ['Content-Type: text/plain; charset="iso-8859-1"', "Content-Transfer-Encoding: 8bit"]
        raw = crlf("\n".join(lines) + "\n\n" + body).encode("iso-8859-1")
    elif fmt == "html":
        bd = "----=_Part_%d" % seed(b["id"] + "b")
        lines += ['Content-Type: multipart/alternative; boundary="%s"' % bd]
        parts = "\n".join(["--" + bd, 'Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable", "",
                           qp(body), "--" + bd, 'Content-Type: text/html; charset="UTF-8"',
                           "Content-Transfer-Encoding: quoted-printable", "", qp(html_of(body)), "--" + bd + "--", ""])
        raw = crlf("\n".join(lines) + "\n\n" + parts).encode("ascii")
    elif fmt == "htmlonly":
        lines += ['Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: quoted-printable"]
        raw = crlf("\n".join(lines) + "\n\n" + qp(html_of(body))).encode("ascii")
    else:
        sys.exit("unknown format " + fmt)
    return raw, fmt, reply or "-"

def main():
    bs = blocks()
    ids = [b["id"] for b in bs]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit("duplicate ids: %s" % sorted(dup))
    for n in os.listdir(OUT):
        if n.startswith("val_") and n.endswith(".eml"):
            os.remove(os.path.join(OUT, n))
    order = list(range(len(bs)))
    random.Random(20260101).shuffle(order)
    labels = ["file\tlabel\tlang\tcategory\tnote"]
    smap = ["file\tsource_id\tcategory\tformat\treply"]
    rows = []
    for n, i in enumerate(order, 1):
        b = bs[i]
        name = "val_%04d.eml" % n
        raw, fmt, reply = build(b)
        open(os.path.join(OUT, name), "wb").write(raw)
        rows.append((name, b, fmt, reply))
    for name, b, fmt, reply in rows:
        labels.append("\t".join([name, b["label"], b["lang"], b["cat"], b["note"]]))
        smap.append("\t".join([name, b["id"], b["cat"], fmt, reply]))
    open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8").write("\n".join(labels) + "\n")
    open(os.path.join(OUT, "source_map.tsv"), "w", encoding="utf-8").write("\n".join(smap) + "\n")
    from collections import Counter
    c = Counter((b["cat"], b["label"]) for b in bs)
    print(len(bs), "mails", dict(sorted(c.items())))
    print("langs", Counter(b["lang"] for b in bs))

if __name__ == "__main__":
    main()
