#!/usr/bin/env python3
"""One-off helper used while writing T4: turns selected source blocks into replies by
setting a new Subject and appending the firm's earlier (quoted) message, and adds format options.
Idempotent: blocks that already contain a quote or option are left alone."""
import os, re
SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

REPLIES = {
 "v02-05": ("Re: oss-aangifte q2 ter goedkeuring", "Sanne", "Hoi Sara,\n\nDe OSS-aangifte over Q2 staat klaar in de portal. Wil je hem voor vrijdag goedkeuren? Dan dien ik hem maandag in.\n\nGroetjes,"),
 "v02-07": ("Re: Q2 VAT return filed", "Sanne", "Hi Priya,\n\nJust to let you know: your VAT return for Q2 has been filed. The amount payable will appear in your tax portal within a few days.\n\nKind regards,"),
 "v03-05": ("RE: Loonstroken februari", "Anna", "Beste Linda,\n\nDe loonstroken van februari staan in de portal en de betaalbatch is klaargezet. Laat het gerust weten als er vragen zijn.\n\nMet vriendelijke groet,"),
 "v04-06": ("Re: Jaarcijfers 2024 naar Rabobank", "Hans", "Beste Willem,\n\nDe jaarcijfers 2024 zijn vandaag naar je accountmanager bij de Rabobank verstuurd. Je hoeft zelf niets meer te doen.\n\nMet vriendelijke groet,"),
 "v05-03": ("RE: Jaarrekening 2024 definitief", "Sanne", "Beste meneer Kaya,\n\nIn de bijlage vindt u de definitieve jaarrekening 2024. U kunt hem doorsturen naar de bank voor de aanvraag van de lening.\n\nMet vriendelijke groet,"),
 "v05-06": ("Re: Ontbrekende stukken 2025", "Sanne", "Beste Yusuf,\n\nVoor de jaarrekening 2025 missen wij nog het huurcontract van de winkel. Kun je dat in de portal zetten?\n\nGroetjes,"),
 "v06-07": ("RE: Trial balance September", "Sanne", "Dear Ms Schäfer,\n\nPlease find attached the trial balance of Schäfer Verpackung B.V. for September. Let me know if you have any questions.\n\nKind regards,"),
 "v06-04": ("RE: Invoice statutory accounts 2024", "Marco", "Dear Ms Hartmann,\n\nPlease find attached our invoice for the preparation of the statutory financial statements 2024 of Hartmann Logistik B.V.\n\nKind regards,"),
 "v09-03": ("RE: Planning aanlevering controle 2025 Veltman Bouw", "Anna", "Beste Marjolein,\n\nAkkoord: de loonjournalen, de aansluiting met de aangiften en de pensioenspecificaties sturen we uiterlijk 20 februari.\n\nMet vriendelijke groet,"),
 "v09-05": ("RE: Jaarrekening 2024 Zorggroep Eemland", "Sanne", "Beste Joost,\n\nBijgaand de jaarrekening 2024 van Zorggroep Eemland met de specificaties voor jullie controle.\n\nMet vriendelijke groet,"),
 "v11-05": ("Re: December figures", "Sanne", "Dear Sophie,\n\nThe December figures and the Q4 overview are in the portal. Let me know if anything looks off.\n\nKind regards,"),
 "v11-04": ("Re: Invoice - holding structure", "Marco", "Dear Arjun,\n\nThe holding and property BV are now registered. Attached is our invoice for the work. It was a pleasure working with you.\n\nKind regards,"),
 "v12-01": ("Re: btw q1 ter controle", "Sanne", "Hoi Kim,\n\nDe btw-aangifte over Q1 staat in de portal. Wil je even kijken of het klopt? Dan dien ik hem in.\n\nGroetjes,"),
 "v01-08": ("RE: Aangifte 2025 ter ondertekening", "Pieter", "Geachte heer Jansen,\n\nBijgaand ontvangt u uw aangifte inkomstenbelasting 2025 ter controle en ondertekening. U kunt hem goedkeuren via de portal.\n\nMet vriendelijke groet,"),
 "v02-03": ("Re: factuur 2025-1187", "Joyce", "Hoi Fenna,\n\nIn de bijlage vind je factuur 2025-1187 voor de jaarrekening en de aangifte inkomstenbelasting. Het bedrag wordt over 14 dagen geïncasseerd.\n\nGroetjes,"),
 "v04-01": ("RE: Factuur jaarrekening 2024", "Joyce", "Beste heer Mensink,\n\nBijgaand ontvangt u onze factuur voor de jaarrekening 2024 en de aangifte. Wij verzoeken u het bedrag binnen 14 dagen over te maken.\n\nMet vriendelijke groet,"),
 "v01-11": ("RE: Uitnodiging aangifte 2025", "Joyce", "Geachte mevrouw Postma,\n\nHet is weer tijd voor de aangifte inkomstenbelasting. Wilt u uw stukken over 2025 in de portal plaatsen of bij ons afgeven? Een lijstje van wat wij nodig hebben vindt u in de bijlage.\n\nMet vriendelijke groet,"),
 "v02-13": ("Re: bonnetjes april?", "Sanne", "Hoi Ruben,\n\nKleine herinnering: wil je de bonnetjes van april nog in de portal zetten? Dan kan ik de btw voorbereiden.\n\nGroetjes,"),
 "v03-13": ("RE: Eindejaarsuitkering 2025 - gegevens", "Anna", "Beste Wendy,\n\nWil je mij laten weten wie er dit jaar een eindejaarsuitkering krijgt en of er nog wijzigingen in uren zijn geweest?\n\nMet vriendelijke groet,"),
 "v04-12": ("RE: Ontbrekende stukken 2025", "Sanne", "Beste Frida,\n\nVoor de jaarrekening missen we nog de melkgeldafrekeningen van juli tot en met december. Zou je die in de map kunnen zetten?\n\nMet vriendelijke groet,"),
 "v05-18": ("Re: Kasboek augustus", "Sanne", "Beste mevrouw Aydın,\n\nNogmaals een herinnering: wij hebben het kasboek van augustus nog niet ontvangen. Zonder kasboek kunnen wij de btw-aangifte niet afronden.\n\nMet vriendelijke groet,"),
 "v06-17": ("RE: 30% ruling application - status", "Pieter", "Dear Dr. Wolff,\n\nA short update: the 30% ruling application for your employee is still pending with the tax authority. We have called them twice; they indicate a processing time of five to six months at the moment.\n\nKind regards,"),
 "v07-20": ("Re: Concept jaarrekening 2025", "Sanne", "Beste Jeanet,\n\nIn de bijlage het concept van de jaarrekening 2025 van de stichting. Als het bestuur akkoord is, maak ik de versie voor ondertekening.\n\nHartelijke groet,"),
 "v11-20": ("Re: Draft 2025 return for review", "Pieter", "Dear Aisha,\n\nPlease find your draft income tax return 2025 in the portal. Could you check in particular the box 3 assets?\n\nKind regards,"),
 "v12-20": ("Re: vraagje over bon", "Sanne", "Hoi Sanne,\n\nIk zie een foto van een bon van de supermarkt bij de inkoop van februari. Hoort die bij de zaak?\n\nGroetjes,"),
 "v02-18": ("Re: cijfers kloppen niet?", "Sanne", "Hoi Bo,\n\nIk zie in de bankmutaties allemaal privé-uitgaven (supermarkt, Netflix) en de omzet van je webshop ontbreekt. Heb je misschien de verkeerde rekening gekoppeld?\n\nGroetjes,"),
 "v01-16": ("RE: Bevestiging afspraak donderdag", "Joyce", "Geachte heer Prins,\n\nHierbij bevestig ik uw afspraak met de heer Pieter op donderdag om 10:00 uur op ons kantoor.\n\nMet vriendelijke groet,"),
}
FMT = {"v06-06": "html-outlook", "v06-09": "html-outlook", "v06-11": "html-outlook", "v06-20": "html-outlook",
       "v08-05": "html-outlook", "v08-12": "html-outlook", "v09-05": "html-outlook", "v09-03": "html-outlook",
       "v03-05": "html-outlook", "v05-03": "html-outlook", "v11-05": "html-gmail", "v02-05": "html-gmail",
       "v12-17": "html-apple", "v01-07": "flowed", "v07-08": "flowed"}
STYLE = {"v01-08": "outlook", "v04-01": "outlook", "v01-11": "outlook", "v03-13": "outlook", "v04-12": "outlook",
         "v06-17": "outlook", "v01-16": "outlook", "v06-07": "outlook", "v06-04": "outlook", "v12-20": "apple"}

for fn in sorted(os.listdir(SRC)):
    p = os.path.join(SRC, fn)
    text = open(p, encoding="utf-8").read()
    parts = re.split(r"(?m)^(?=@@ )", text)
    out = []
    for b in parts:
        if not b.startswith("@@ "):
            out.append(b); continue
        head, rest = b.split("\n", 1)
        mid = head.split()[1]
        if mid in FMT and "fmt=" not in head:
            head += " fmt=" + FMT[mid]
        if mid in REPLIES and "\n~~ " not in rest:
            subj, person, q = REPLIES[mid]
            if mid in STYLE and "reply=" not in head:
                head += " reply=" + STYLE[mid]
            rest = re.sub(r"(?m)^Subject: .*$", lambda m: "Subject: " + subj, rest, count=1)
            rest = rest.rstrip("\n") + "\n~~ %s\n%s\n\n" % (person, q)
        out.append(head + "\n" + rest)
    open(p, "w", encoding="utf-8").write("".join(out))
print("ok")
