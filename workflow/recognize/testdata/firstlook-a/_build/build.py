#!/usr/bin/env python3
"""Builder for the firstlook test set: _build/src/*.txt -> fl_NNNN.eml, labels.tsv, README counts.
Standard library only, deterministic."""
import hashlib, html, os, random, re, sys, datetime, glob
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime
from email import message_from_bytes
from email.headerregistry import Address

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
DIRECTORS = {"marco": ("Marco", "marco@mcoo.nl", "Marco van Dijk"),
             "hans": ("Hans", "hans@mcoo.nl", "Hans Verhoef")}
STAFF = {"anna": "Anna de Graaf <anna@mcoo.nl>", "sanne": "Sanne Kuipers <sanne@mcoo.nl>",
         "pieter": "Pieter Mol <pieter@mcoo.nl>", "joyce": "Joyce Amrani <joyce@mcoo.nl>",
         "marco": "Marco van Dijk <marco@mcoo.nl>", "hans": "Hans Verhoef <hans@mcoo.nl>"}
WORDS = ["klacht", "klagen", "ontevreden", "teleurgesteld", "teleurstell", "onacceptabel",
         "niet tevreden", "complain", "unhappy", "disappointed", "disappointing", "unacceptable",
         "not satisfied", "dissatisf", "niet acceptabel", "boos"]
TZ = datetime.timezone(datetime.timedelta(hours=1))

def parse():
    blocks = []
    for fn in sorted(glob.glob(os.path.join(HERE, "src", "*.txt"))):
        txt = open(fn, encoding="utf-8").read()
        for part in re.split(r"^### ", txt, flags=re.M)[1:]:
            head, _, rest = part.partition("\n")
            sid = head.strip()
            hdr, _, body = rest.partition("\n--\n")
            meta = {}
            for line in hdr.split("\n"):
                if line.strip():
                    k, _, v = line.partition(":")
                    meta[k.strip()] = v.strip()
            body, _, quote = body.partition("\n--quote--\n")
            meta["id"] = sid
            meta["body"] = body.strip("\n")
            meta["quote"] = quote.strip("\n")
            meta["src"] = os.path.basename(fn)
            blocks.append(meta)
    return blocks

def rnd_date(rng, tod=None, month=None):
    start = datetime.date(2025, 1, 6)
    while True:
        d = start + datetime.timedelta(days=rng.randrange(0, 690))
        if month:
            y, mo = map(int, month.split("-"))
            d = datetime.date(y, mo, rng.randrange(1, 29))
        if d.weekday() < 5 and d <= datetime.date(2026, 11, 30):
            break
    lo, hi = {"morning": (7, 11), "evening": (18, 23), None: (7, 22)}[tod]
    h = rng.randrange(lo, hi)
    off = 2 if (datetime.date(d.year, 3, 30) <= d <= datetime.date(d.year, 10, 25)) else 1
    return datetime.datetime(d.year, d.month, d.day, h, rng.randrange(60), rng.randrange(60),
                             tzinfo=datetime.timezone(datetime.timedelta(hours=off)))

NL_DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
NL_MON = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
NL_MONL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"]
NL_DAYL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

def quote_block(m, qdate, qfrom, qto, subj, lang):
    q = m["quote"]
    style = m.get("reply", "gmail")
    name, addr = qfrom.split(" <")[0], qfrom.split("<")[1].rstrip(">")
    if style in ("gmail", "apple"):
        if lang == "nl" and style == "gmail":
            intro = f"Op {NL_DAYS[qdate.weekday()]} {qdate.day} {NL_MON[qdate.month-1]} {qdate.year} om {qdate:%H:%M} schreef {name} <{addr}>:"
        elif lang == "nl":
            intro = f"Op {qdate.day} {NL_MONL[qdate.month-1]} {qdate.year}, om {qdate:%H:%M} heeft {name} <{addr}> het volgende geschreven:"
        else:
            intro = f"On {qdate:%a}, {qdate:%d %b %Y} at {qdate:%H:%M}, {name} <{addr}> wrote:"
        quoted = "\n".join(("> " + l) if l else ">" for l in q.split("\n"))
        return intro + "\n\n" + quoted, ("gmail", intro, q)
    # outlook
    if lang == "nl":
        hdr = (f"Van: {name} <{addr}>\nVerzonden: {NL_DAYL[qdate.weekday()]} {qdate.day} {NL_MONL[qdate.month-1]} {qdate.year} {qdate:%H:%M}\n"
               f"Aan: {qto}\nOnderwerp: {subj}")
        rule = "-----Oorspronkelijk bericht-----" if m.get("rule") == "orig" else "________________________________"
    else:
        hdr = (f"From: {name} <{addr}>\nSent: {qdate:%A}, {qdate.day} {qdate:%B %Y} {qdate:%H:%M}\n"
               f"To: {qto}\nSubject: {subj}")
        rule = "-----Original Message-----" if m.get("rule") == "orig" else "________________________________"
    return rule + "\n" + hdr + "\n\n" + q, ("outlook", hdr, q)

def to_html(body, qinfo):
    def para(t):
        return "".join(f"<div>{html.escape(l) if l else '<br>'}</div>\n" for l in t.split("\n"))
    h = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>', para(body)]
    if qinfo:
        kind, intro, q = qinfo
        if kind == "gmail":
            h.append(f'<div class="gmail_quote"><div class="gmail_attr">{html.escape(intro)}<br></div>'
                     f'<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">{para(q)}</blockquote></div>')
        else:
            h.append('<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
                     f'<p class="MsoNormal">{html.escape(intro).replace(chr(10), "<br>")}</p></div>{para(q)}')
    h.append("</body></html>")
    return "\n".join(h)

def build():
    blocks = parse()
    ids = [b["id"] for b in blocks]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate ids {dup}"
    froms = {}
    for b in blocks:
        for k in ("label", "lang", "kind", "note", "from", "to", "subject"):
            assert b.get(k), f"{b['id']} missing {k}"
        assert b["label"] in ("complaint", "not"), b["id"]
        assert b["lang"] in ("nl", "en"), b["id"]
        pre = b["kind"].split("-")[0]
        assert b["kind"].startswith(("complaint-word-", "complaint-noword-", "ordinary-", "tricky-")), b["id"]
        assert (b["label"] == "complaint") == (pre == "complaint"), b["id"]
        addr = b["from"].split("<")[-1].rstrip(">").lower()
        assert addr.endswith("@mcoo.nl") or addr not in froms, f"address reused {addr} in {b['id']} and {froms[addr]}"
        froms[addr] = b["id"]
        if b["kind"].startswith("complaint-noword-"):
            own = (b["subject"] + " " + b["body"]).lower()
            for w in WORDS:
                assert w not in own, f"{b['id']} noword contains {w!r}"
        if b["kind"].startswith("complaint-word-"):
            own = (b["subject"] + " " + b["body"]).lower()
            assert any(w in own for w in WORDS), f"{b['id']} word-kind has no complaint word"
    order = sorted(blocks, key=lambda b: hashlib.sha256(("firstlook-2026|" + b["id"]).encode()).hexdigest())
    for f in glob.glob(os.path.join(OUT, "fl_*.eml")):
        os.remove(f)
    rows = []
    mids = set()
    for n, b in enumerate(order, 1):
        rng = random.Random("fl|" + b["id"])
        fn = f"fl_{n:04d}.eml"
        dname, daddr, dfull = DIRECTORS[b["to"]]
        date = rnd_date(rng, b.get("time"), b.get("month"))
        lang = b["lang"]
        body = b["body"]
        qinfo = None
        msg = EmailMessage(policy=default)
        msg["From"] = b["from"]
        msg["To"] = b.get("to_full") or f"{dfull} <{daddr}>"
        if b.get("cc"):
            msg["Cc"] = b["cc"]
        msg["Date"] = format_datetime(date)
        dom = b["from"].split("@")[-1].rstrip(">")
        mid = f"<{hashlib.md5(b['id'].encode()).hexdigest()[:16]}.{int(date.timestamp())}@{'mail.' + dom if not dom.endswith('mcoo.nl') else 'mcoo.nl'}>"
        assert mid not in mids
        mids.add(mid)
        msg["Message-ID"] = mid
        msg["Subject"] = b["subject"]
        if b["quote"]:
            qdate = date - datetime.timedelta(days=rng.randrange(0, 9), hours=rng.randrange(1, 20), minutes=rng.randrange(60))
            while qdate.weekday() >= 5:
                qdate -= datetime.timedelta(days=1)
            qfrom = STAFF.get(b.get("qfrom", b["to"]), STAFF[b["to"]])
            qto = b["from"]
            osubj = re.sub(r"^((re|aw|antw|fw|fwd|wg)\s*:\s*)+", "", b["subject"], flags=re.I)
            qtxt, qinfo = quote_block(b, qdate, qfrom, qto, osubj, lang)
            body = body + "\n\n" + qtxt
            qid = f"<{hashlib.md5(('q' + b['id']).encode()).hexdigest()[:20]}@mcoo.nl>"
            msg["In-Reply-To"] = qid
            refs = qid
            if rng.random() < 0.35:
                refs = f"<{hashlib.md5(('o' + b['id']).encode()).hexdigest()[:18]}@mail.{dom}> " + qid
            msg["References"] = refs
        msg["MIME-Version"] = "1.0"
        style = b.get("style", "plain")
        body_crlf = body + "\n"
        if style == "html":
            msg.set_content(body_crlf, charset="utf-8", cte="quoted-printable")
            msg.add_alternative(to_html(b["body"], qinfo), subtype="html", charset="utf-8", cte="quoted-printable")
            msg.set_boundary("----=_Part_" + hashlib.md5(("bd" + b["id"]).encode()).hexdigest()[:24])
        elif style == "qp":
            msg.set_content(body_crlf, charset="utf-8", cte="quoted-printable")
        elif style == "latin1":
            msg.set_content(body_crlf, charset="iso-8859-1", cte="8bit")
        else:
            msg.set_content(body_crlf, charset="utf-8", cte="8bit")
        if "X-Mailer" not in msg and b.get("mailer"):
            msg["X-Mailer"] = b["mailer"]
        data = msg.as_bytes(policy=SMTP.clone(max_line_length=998))
        open(os.path.join(OUT, fn), "wb").write(data)
        rows.append((fn, b["label"], lang, b["kind"], b["note"].replace("\t", " "), b["id"]))
    with open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("file\tlabel\tlang\tkind\tnote\n")
        for r in rows:
            f.write("\t".join(r[:5]) + "\n")
    with open(os.path.join(HERE, "source_map.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tsource_id\n")
        for r in rows:
            f.write(f"{r[0]}\t{r[5]}\n")
    return rows

def check(rows):
    seen = set()
    for r in rows:
        p = os.path.join(OUT, r[0])
        raw = open(p, "rb").read()
        assert b"\r\n" in raw and not re.search(rb"[^\r]\n", raw), f"{r[0]} not CRLF"
        m = message_from_bytes(raw, policy=default)
        for h in ("From", "To", "Date", "Message-ID", "Subject", "MIME-Version", "Content-Type"):
            assert m[h], f"{r[0]} missing {h}"
        assert m["Message-ID"] not in seen
        seen.add(m["Message-ID"])
        d = m["Date"].datetime
        assert d.weekday() < 5 and 2025 <= d.year <= 2026
        part = m.get_body(("plain",))
        assert part.get_content().strip()
    print(f"checked {len(rows)} files OK, {len(seen)} unique Message-IDs")

def counts(rows):
    from collections import Counter
    c = Counter()
    for r in rows:
        pre = r[3].split("-")[0] if not r[3].startswith("complaint") else "-".join(r[3].split("-")[:2])
        c[(pre, r[1], r[2])] += 1
    lines = ["| kind prefix | label | nl | en | total |", "|---|---|---|---|---|"]
    tot = Counter()
    for pre in ("complaint-word", "complaint-noword", "ordinary", "tricky"):
        lab = "complaint" if pre.startswith("complaint") else "not"
        nl, en = c[(pre, lab, "nl")], c[(pre, lab, "en")]
        tot["nl"] += nl; tot["en"] += en
        lines.append(f"| {pre}- | {lab} | {nl} | {en} | {nl+en} |")
    lines.append(f"| **total** | | {tot['nl']} | {tot['en']} | {tot['nl']+tot['en']} |")
    ncomp = sum(1 for r in rows if r[1] == "complaint")
    lines.append("")
    lines.append(f"complaint: {ncomp}, not: {len(rows)-ncomp}")
    return "\n".join(lines)

if __name__ == "__main__":
    rows = build()
    check(rows)
    t = counts(rows)
    print(t)
    tpl = os.path.join(HERE, "README.tpl.md")
    if os.path.exists(tpl):
        open(os.path.join(OUT, "README.md"), "w", encoding="utf-8").write(open(tpl, encoding="utf-8").read().replace("{{COUNTS}}", t))
