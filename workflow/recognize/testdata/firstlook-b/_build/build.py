#!/usr/bin/env python3
"""Deterministic builder for the firstlook-b test set.

Reads _build/src/*.txt (blocks starting with '##### <id>'), writes fb_NNNN.eml,
labels.tsv, _build/source_map.tsv and README.md in the parent folder.
Standard library only.  Usage: python3 _build/build.py
"""
import datetime as dt
import email
import email.policy
import glob
import hashlib
import html
import os
import random
import re
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
AMS = ZoneInfo("Europe/Amsterdam")
TZS = {"ams": AMS, "lon": ZoneInfo("Europe/London"), "ber": ZoneInfo("Europe/Berlin"),
       "bru": ZoneInfo("Europe/Brussels"), "ny": ZoneInfo("America/New_York")}

DIRECTORS = {
    "marco": ("Marco | Mijn Cijfers Op Orde", "marco@mcoo.nl"),
    "hans": ("Hans | Mijn Cijfers Op Orde", "hans@mcoo.nl"),
}
STAFF = {
    "marco": ("Marco", "marco@mcoo.nl", "directeur"),
    "hans": ("Hans", "hans@mcoo.nl", "directeur"),
    "anna": ("Anna", "anna@mcoo.nl", "salarisadministratie"),
    "sanne": ("Sanne", "sanne@mcoo.nl", "boekhouding"),
    "pieter": ("Pieter", "pieter@mcoo.nl", "belastingadvies"),
    "joyce": ("Joyce", "joyce@mcoo.nl", "front office"),
}

# words that make a complaint "explicit" (checked in the sender's own text + subject)
WORD_RE = re.compile(
    r"klacht|klaag|klagen|beklag|ontevreden|niet tevreden|teleurgesteld|teleurstell|"
    r"onacceptabel|onaanvaardbaar|complain|unhappy|disappoint|unacceptable|"
    r"not satisfied|dissatisf|not happy", re.I)

KEYS = {"label", "lang", "kind", "note", "from", "to", "date", "subject", "fmt",
        "reply", "qfrom", "qdate", "qsubject", "tz", "cc"}


def parse_sources():
    blocks = []
    for path in sorted(glob.glob(os.path.join(HERE, "src", "*.txt"))):
        text = open(path, encoding="utf-8").read().replace("\r\n", "\n")
        parts = re.split(r"^##### ", text, flags=re.M)
        for part in parts[1:]:
            head, _, rest = part.partition("\n")
            bid = head.strip()
            meta_txt, sep, body = rest.partition("\n---\n")
            if not sep:
                sys.exit(f"{bid}: missing --- separator")
            meta = {}
            for line in meta_txt.split("\n"):
                if not line.strip():
                    continue
                k, _, v = line.partition(":")
                k = k.strip()
                if k not in KEYS:
                    sys.exit(f"{bid}: unknown key {k!r}")
                meta[k] = v.strip()
            body, qsep, quote = body.partition("\n=== quote\n")
            meta["id"] = bid
            meta["body"] = body.strip("\n")
            meta["quote"] = quote.strip("\n") if qsep else ""
            meta["src"] = os.path.basename(path)
            blocks.append(meta)
    return blocks


def weekday_fix(d):
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def parse_date(s, tzkey="ams"):
    d = dt.datetime.strptime(s, "%Y-%m-%d %H:%M")
    d = weekday_fix(d)
    return d.replace(tzinfo=TZS[tzkey])


DAYS_NL = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december"]
MONTHS_NL_ABBR = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def signature(who, qtext, en):
    name, addr, role = STAFF[who]
    block = f"Mijn Cijfers Op Orde B.V.\nT 030 - 200 41 77 | www.mcoo.nl"
    last = qtext.strip().split("\n")[-1].strip()
    if last in (name, name + " " + "|"):
        return qtext + "\n" + block
    closing = "Kind regards," if en else "Met vriendelijke groet,"
    return qtext + f"\n\n{closing}\n\n{name}\n{role}\n" + block


def quote_block(m, sender_name, sender_addr):
    style = m.get("reply", "none")
    if style == "none" or not m["quote"]:
        return "", None
    who = m.get("qfrom") or m["to"]
    qname, qaddr, _ = STAFF[who]
    qd = parse_date(m["qdate"]) if m.get("qdate") else None
    if qd is None:
        base = parse_date(m["date"], m.get("tz", "ams")).astimezone(AMS)
        qd = base - dt.timedelta(days=1, hours=2, minutes=17)
        while qd.weekday() >= 5:
            qd -= dt.timedelta(days=1)
    qtext = m["quote"]
    if "mcoo.nl" not in qtext:
        qtext = signature(who, qtext, style.endswith("-en"))
    subj = m.get("qsubject") or re.sub(r"^(re|aw|antw|fw|fwd|wg)\s*:\s*", "", m["subject"], flags=re.I)
    hm = qd.strftime("%H:%M")
    if style in ("gmail-nl", "apple-nl", "gmail-en", "apple-en"):
        if style == "gmail-nl":
            intro = f"Op {DAYS_NL[qd.weekday()][:2]} {qd.day} {MONTHS_NL_ABBR[qd.month-1]} {qd.year} om {hm} schreef {qname} <{qaddr}>:"
        elif style == "apple-nl":
            intro = f"Op {qd.day} {MONTHS_NL[qd.month-1]} {qd.year}, om {hm} heeft {qname} <{qaddr}> het volgende geschreven:"
        elif style == "gmail-en":
            intro = f"On {DAYS_EN[qd.weekday()][:3]}, {qd.day} {MONTHS_EN[qd.month-1][:3]} {qd.year} at {hm}, {qname} <{qaddr}> wrote:"
        else:
            intro = f"On {qd.day} {MONTHS_EN[qd.month-1]} {qd.year}, at {hm}, {qname} <{qaddr}> wrote:"
        quoted = "\n".join(("> " + l) if l else ">" for l in qtext.split("\n"))
        return f"\n\n{intro}\n\n{quoted}\n", qd
    if style == "outlook-nl":
        hdr = (f"Van: {qname} <{qaddr}>\nVerzonden: {DAYS_NL[qd.weekday()]} {qd.day} {MONTHS_NL[qd.month-1]} {qd.year} {hm}\n"
               f"Aan: {sender_name} <{sender_addr}>\nOnderwerp: {subj}")
        return f"\n\n________________________________\n{hdr}\n\n{qtext}\n", qd
    if style == "outlook-en":
        hdr = (f"From: {qname} <{qaddr}>\nSent: {DAYS_EN[qd.weekday()]}, {qd.day} {MONTHS_EN[qd.month-1]} {qd.year} {hm}\n"
               f"To: {sender_name} <{sender_addr}>\nSubject: {subj}")
        return f"\n\n-----Original Message-----\n{hdr}\n\n{qtext}\n", qd
    sys.exit(f"{m['id']}: unknown reply style {style}")


def to_html(own, quote_txt, style):
    def paras(t):
        out = []
        for p in re.split(r"\n\s*\n", t.strip()):
            out.append("<p class=\"MsoNormal\">" + "<br>\n".join(html.escape(l) for l in p.split("\n")) + "</p>")
        return "\n".join(out)
    q = ""
    if quote_txt:
        lines = quote_txt.strip("\n").split("\n")
        if style.startswith("gmail") or style.startswith("apple"):
            intro = lines[0]
            inner = "\n".join(l[2:] if l.startswith("> ") else l.lstrip(">") for l in lines[1:])
            cls = 'class="gmail_quote"' if style.startswith("gmail") else 'type="cite"'
            q = (f"<div>{html.escape(intro)}</div>\n<blockquote {cls} style=\"margin:0 0 0 .8ex;"
                 f"border-left:1px #ccc solid;padding-left:1ex\">\n{paras(inner)}\n</blockquote>")
        else:
            q = ("<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">\n"
                 + paras("\n".join(lines)) + "\n</div>")
    return ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:Calibri,sans-serif}</style>"
            "</head><body lang=\"NL\">\n<div class=\"WordSection1\">\n" + paras(own) + "\n" + q +
            "\n</div>\n</body></html>\n")


def build_one(m, used_ids):
    sender_name, sender_addr = email.utils.parseaddr(m["from"])
    if not sender_addr:
        sys.exit(f"{m['id']}: bad from")
    tname, taddr = DIRECTORS[m["to"]]
    d = parse_date(m["date"], m.get("tz", "ams"))
    own = m["body"]
    qtxt, qd = quote_block(m, sender_name, sender_addr)
    text = own + qtxt
    h = hashlib.sha1(m["id"].encode()).hexdigest()
    dom = sender_addr.split("@")[1]
    mid = f"<{d.strftime('%Y%m%d%H%M%S')}.{h[:12]}@{('mail.' + dom) if not dom.startswith('mail.') else dom}>"
    if mid in used_ids:
        sys.exit("dup message-id")
    used_ids.add(mid)
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = m["from"]
    msg["To"] = f"{tname} <{taddr}>"
    if m.get("cc"):
        msg["Cc"] = m["cc"]
    msg["Date"] = format_datetime(d)
    msg["Message-ID"] = mid
    msg["Subject"] = m["subject"]
    if qd is not None:
        rid = f"<{qd.strftime('%Y%m%d%H%M%S')}.{h[12:24]}@mcoo.nl>"
        msg["In-Reply-To"] = rid
        refs = rid
        if int(h[24:26], 16) % 3 == 0:
            refs = f"<{h[26:36]}@{dom}> " + rid
        msg["References"] = refs
    msg["MIME-Version"] = "1.0"
    fmt = m.get("fmt", "plain")
    if fmt == "plain":
        msg.set_content(text + "\n", charset="utf-8", cte="8bit")
    elif fmt == "qp":
        msg.set_content(text + "\n", charset="utf-8", cte="quoted-printable")
    elif fmt == "latin1":
        # old clients: no euro sign in latin-1, they write "EUR" / "fl" style amounts
        msg.set_content(text.replace("€ ", "EUR ").replace("€", "EUR ") + "\n", charset="iso-8859-1", cte="8bit")
    elif fmt == "flowed":
        msg.set_content(text + "\n", charset="utf-8", cte="8bit", params={"format": "flowed"})
    elif fmt == "html":
        msg.set_content(text + "\n", charset="utf-8", cte="quoted-printable")
        msg.add_alternative(to_html(own, qtxt, m.get("reply", "none")), subtype="html",
                            charset="utf-8", cte="quoted-printable")
        msg.set_boundary("----=_NextPart_" + h[:8] + "_" + h[8:16])
        for part in msg.iter_parts():
            del part["MIME-Version"]
    else:
        sys.exit(f"{m['id']}: bad fmt {fmt}")
    if "MIME-Version" in msg and len(msg.get_all("MIME-Version")) > 1:
        del msg["MIME-Version"]
        msg["MIME-Version"] = "1.0"
    raw = msg.as_bytes(policy=email.policy.SMTP)
    return raw


def check_block(m):
    errs = []
    for k in ("label", "lang", "kind", "note", "from", "to", "date", "subject"):
        if not m.get(k):
            errs.append(f"missing {k}")
    if m.get("label") not in ("complaint", "not"):
        errs.append("label")
    if m.get("lang") not in ("nl", "en"):
        errs.append("lang")
    kind = m.get("kind", "")
    if not kind.startswith(("complaint-word-", "complaint-noword-", "ordinary-", "tricky-")):
        errs.append("kind prefix")
    if kind.startswith("complaint") and m.get("label") != "complaint":
        errs.append("kind/label mismatch")
    if (kind.startswith("ordinary") or kind.startswith("tricky")) and m.get("label") != "not":
        errs.append("kind/label mismatch")
    own = m.get("subject", "") + "\n" + m["body"]
    if kind.startswith("complaint-noword") and WORD_RE.search(own):
        errs.append("noword complaint contains word: " + WORD_RE.search(own).group(0))
    if kind.startswith("complaint-word-") and not WORD_RE.search(own):
        errs.append("word complaint lacks a complaint word")
    if "\t" in m.get("note", ""):
        errs.append("tab in note")
    return errs


def main():
    blocks = parse_sources()
    ids = [b["id"] for b in blocks]
    if len(ids) != len(set(ids)):
        sys.exit("duplicate block ids")
    bad = False
    for b in blocks:
        for e in check_block(b):
            print(f"{b['id']}: {e}")
            bad = True
    addrs = [email.utils.parseaddr(b["from"])[1].lower() for b in blocks]
    for a in set(addrs):
        if addrs.count(a) > 1:
            print("duplicate sender address", a)
            bad = True
    if bad:
        sys.exit(1)
    order = sorted(blocks, key=lambda b: b["id"])
    random.Random(20251104).shuffle(order)
    for f in glob.glob(os.path.join(OUT, "fb_*.eml")):
        os.remove(f)
    used = set()
    rows = ["file\tlabel\tlang\tkind\tnote"]
    smap = ["file\tsource_id\tsource_file\tfmt\treply"]
    for i, b in enumerate(order, 1):
        fn = f"fb_{i:04d}.eml"
        raw = build_one(b, used)
        with open(os.path.join(OUT, fn), "wb") as fh:
            fh.write(raw)
        rows.append("\t".join([fn, b["label"], b["lang"], b["kind"], b["note"]]))
        smap.append("\t".join([fn, b["id"], b["src"], b.get("fmt", "plain"), b.get("reply", "none")]))
    with open(os.path.join(OUT, "labels.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(rows) + "\n")
    with open(os.path.join(HERE, "source_map.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(smap) + "\n")
    write_readme(order)
    verify(order)


def write_readme(order):
    from collections import Counter
    n = len(order)
    def pref(k):
        for p in ("complaint-word-", "complaint-noword-", "ordinary-", "tricky-"):
            if k.startswith(p):
                return p.rstrip("-")
        return "?"
    c = Counter((pref(b["kind"]), b["lang"]) for b in order)
    lab = Counter((b["label"], b["lang"]) for b in order)
    fmts = Counter(b.get("fmt", "plain") for b in order)
    reps = Counter(b.get("reply", "none") for b in order)
    lines = []
    lines.append("# firstlook-b — independent labelled test set for the complaint recognizer\n")
    lines.append("Hand-written e-mails as they might arrive in the directors' inboxes of Mijn Cijfers Op Orde B.V. "
                 "(marco@mcoo.nl, hans@mcoo.nl). Each message is labelled `complaint` or `not` following the "
                 "labelling policy in `/work/shared/recognition-dev/README.md` (policy sections only).\n")
    lines.append("**Written blind**: by one author who saw neither the recognizer's code nor any other corpus "
                 "(no other .eml file was opened). The only input was the labelling policy text. Use this set "
                 "once, as a holdout, to measure the recognizer honestly; do not tune on it.\n")
    lines.append("All people, companies, amounts and numbers are invented. External senders use example.* domains; "
                 "a few internal notes come from staff addresses at mcoo.nl. Every sender address is used once.\n")
    lines.append("## Files\n")
    lines.append("| path | what |\n|---|---|")
    lines.append(f"| `fb_0001.eml` … `fb_{n:04d}.eml` | one RFC 5322 message per file, CRLF line ends |")
    lines.append("| `labels.tsv` | header `file`, `label`, `lang`, `kind`, `note` |")
    lines.append("| `_build/src/*.txt` | hand-written sources, one block per message |")
    lines.append("| `_build/build.py` | deterministic builder (stdlib only) + validation |")
    lines.append("| `_build/source_map.tsv` | file → source id, body format, reply style |\n")
    lines.append("Rebuild: `python3 _build/build.py` (Python 3.9+). File order is a fixed-seed shuffle, so file "
                 "numbers say nothing about the label.\n")
    lines.append("`kind` is a slug with a prefix: `complaint-word-` (complaint; the sender's own text or subject "
                 "contains an explicit complaint word such as klacht/ontevreden/teleurgesteld/onacceptabel/"
                 "complaint/unhappy/disappointed/unacceptable), `complaint-noword-` (complaint; none of those words "
                 "in the sender's own text or subject — checked by the builder with a regex), `ordinary-` (not a "
                 "complaint, plain business mail), `tricky-` (not a complaint, but with complaint vocabulary, a "
                 "negative tone about someone else, the word in another sense, a resolved or withdrawn matter, "
                 "own fault, praise or an idiom).\n")
    lines.append("## Counts\n")
    lines.append("| kind prefix | label | nl | en | total |\n|---|---|---|---|---|")
    for p, l in (("complaint-word", "complaint"), ("complaint-noword", "complaint"), ("ordinary", "not"), ("tricky", "not")):
        lines.append(f"| {p} | {l} | {c[(p,'nl')]} | {c[(p,'en')]} | {c[(p,'nl')]+c[(p,'en')]} |")
    lines.append(f"| **all** | | {sum(v for (p,l),v in c.items() if l=='nl')} | {sum(v for (p,l),v in c.items() if l=='en')} | {n} |\n")
    lines.append("| label | nl | en | total |\n|---|---|---|---|")
    for l in ("complaint", "not"):
        lines.append(f"| {l} | {lab[(l,'nl')]} | {lab[(l,'en')]} | {lab[(l,'nl')]+lab[(l,'en')]} |")
    lines.append("")
    lines.append("## Body formats and replies\n")
    lines.append("| body format | messages |\n|---|---|")
    names = {"plain": "text/plain utf-8 8bit", "qp": "text/plain utf-8 quoted-printable",
             "latin1": "text/plain iso-8859-1 8bit", "flowed": "text/plain utf-8 format=flowed",
             "html": "multipart/alternative (text + HTML, quoted-printable)"}
    for k, v in sorted(fmts.items()):
        lines.append(f"| {names[k]} | {v} |")
    lines.append("\n| reply quoting | messages |\n|---|---|")
    for k, v in sorted(reps.items()):
        lines.append(f"| {k} | {v} |")
    lines.append("\nReplies carry `In-Reply-To`/`References` to an `@mcoo.nl` id and quote the firm's earlier "
                 "mail (Gmail/Apple `> ` quoting or an Outlook header block). Some quotes contain an earlier "
                 "complaint that the new text settles, or a firm mail with words like 'klacht'; the label is "
                 "about the sender's new text. Forwarded chains, staff phone notes and typed-out letters are "
                 "written inline in the body.\n")
    lines.append("## Caveats\n")
    lines.append("- One author, one session, written under time pressure: the set has that author's habits. "
                 "Labels follow the policy strictly; borderline calls are explained in `note`.")
    lines.append("- Internal notes from staff are a complaint only when they report a client grievance the "
                 "directors still have to handle.")
    lines.append("- Channels written inline: 11 messages from staff or director addresses at mcoo.nl (phone and meeting notes, forwards "
                 "and one typed-out paper letter; 8 labelled complaint, 3 not), several client forwards, 3 lawyers' letters, "
                 "foundation/VvE board letters. Two staff members also write once from a private example.nl address.")
    lines.append("- Validation run by the builder: every file parses with Python's `email` package (default and compat32 policies, "
                 "no defects), CRLF only, required headers present, weekday dates in 2025–2026, 240 unique Message-IDs, "
                 "unique sender addresses, no explicit complaint word in `complaint-noword-` texts.")
    lines.append("- Dates are weekdays in 2025–2026 (a date falling on a weekend in the source is moved to the next Monday).")
    open(os.path.join(OUT, "README.md"), "w", encoding="utf-8").write("\n".join(lines) + "\n")


def verify(order):
    mids = set()
    for i in range(1, len(order) + 1):
        p = os.path.join(OUT, f"fb_{i:04d}.eml")
        raw = open(p, "rb").read()
        assert b"\n" not in raw.replace(b"\r\n", b""), p + " bare LF"
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        for h in ("From", "To", "Date", "Message-ID", "Subject", "MIME-Version", "Content-Type"):
            assert msg[h], (p, h)
        assert msg["Message-ID"] not in mids
        mids.add(msg["Message-ID"])
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().strip(), p
        d = email.utils.parsedate_to_datetime(msg["Date"])
        assert d.weekday() < 5 and d.year in (2025, 2026), p
    print(f"ok: {len(order)} messages, {len(mids)} unique Message-IDs")


if __name__ == "__main__":
    main()
