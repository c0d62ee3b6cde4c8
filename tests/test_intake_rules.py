"""Which mail is taken: the rules as data (intake/rules.py), their file and their page."""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from intake.rules import IntakeRules, MailFacts, RulesError, RulesFile, judge, mail_facts, parse_rules
from orderintake.runtime import Runtime
from review_ui.app import create_app


def facts(sender: str = "achats@durand-elec.fr", subject: str = "Commande 123", attachments: tuple[str, ...] = (),
          automatic: str | None = None, reply: bool = False) -> MailFacts:
    return MailFacts(sender=sender, subject=subject, message_id=None, attachments=list(attachments),
                     automatic=automatic, automatic_reply=reply)


LISTED = IntakeRules(
    mode="listed",
    customer_senders=["durand-elec.fr", "achats@martin.fr"],
    take_subjects=["bon de commande", "/^PO[- ]?\\d+/"],
    take_attachments=["BC_*.pdf"],
    ignore_senders=["@newsletter.fournisseur.fr"],
    ignore_subjects=["facture", "relance"],
)


@pytest.mark.parametrize(
    ("mail", "taken", "reason_part"),
    [
        (facts(), True, None),  # a listed customer's domain
        (facts(sender="compta@ouest.durand-elec.fr"), True, None),  # and its subdomains
        (facts(sender="autre@martin.fr"), False, "mode « liste »"),  # an address lists that address only
        (facts(sender="inconnu@ailleurs.fr", subject="Bon de Commande n°7"), True, None),  # words, any case
        (facts(sender="inconnu@ailleurs.fr", subject="po-4471 urgent"), True, None),  # a /regex/
        (facts(sender="inconnu@ailleurs.fr", subject="Envoi", attachments=("bc_2026_11.PDF",)), True, None),
        (facts(sender="inconnu@ailleurs.fr", subject="Envoi", attachments=("devis.pdf",)), False, "mode « liste »"),
        (facts(subject="Votre facture F-88"), False, "objet écarté par la règle « facture »"),
        (facts(subject="RELANCE commande"), False, "« relance »"),
        (facts(sender="info@newsletter.fournisseur.fr"), False, "expéditeur écarté par la règle"),
        # an ERP of a listed customer mails its orders 'auto-generated': taken, saying why
        (facts(automatic="réponse automatique (Auto-Submitted: auto-generated)"), True, "pris malgré ses en-têtes"),
        # an out-of-office reply is never an order, even from a customer
        (facts(automatic="réponse automatique (Auto-Submitted: auto-replied)", reply=True), False, "auto-replied"),
        (facts(sender="x@ailleurs.fr", automatic="envoi en nombre (Precedence: bulk)"), False, "Precedence: bulk"),
    ],
)
def test_listed_mode_takes_customers_subjects_and_attachments_and_sets_aside_the_rest(
    mail: MailFacts, taken: bool, reason_part: str | None
) -> None:
    verdict = judge(LISTED, mail)
    assert verdict.take is taken
    if reason_part is None:
        assert verdict.reason is None
    else:
        assert verdict.reason is not None and reason_part in verdict.reason


def test_the_default_takes_every_message_a_person_sent_and_no_automatic_one() -> None:
    assert judge(IntakeRules(), facts(sender="nouveau@client-inconnu.fr", subject="hello")).take
    assert not judge(IntakeRules(), facts(automatic="lettre d'information (List-Unsubscribe)")).take


def test_facts_are_read_from_the_message_headers_and_attachment_names() -> None:
    message = EmailMessage()
    message["From"] = '"Achats, Durand" <Achats@Durand-Elec.fr>'
    message["Subject"] = "Commande 12"
    message["Auto-Submitted"] = "auto-generated"
    message["Message-ID"] = "<a@b>"
    message.set_content("voir pièce jointe")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="BC_12.pdf")
    read = mail_facts(bytes(message))
    assert (read.sender, read.subject, read.message_id, read.attachments) == (
        "achats@durand-elec.fr", "Commande 12", "<a@b>", ["BC_12.pdf"])
    assert read.automatic is not None and "auto-generated" in read.automatic and not read.automatic_reply


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("take_subjects", ["/[unclosed/"], "invalide"),
        ("customer_senders", ["pas une adresse"], "ni une adresse ni un domaine"),
        ("mode", "some", "mode"),
        ("unknown_key", ["x"], "unknown_key"),
    ],
)
def test_a_bad_rule_is_refused_with_the_value_named(field: str, value: object, problem: str) -> None:
    with pytest.raises(RulesError, match=problem):
        parse_rules({field: value})


def test_the_file_is_read_again_when_edited_and_a_bad_edit_keeps_the_last_good_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    rules = RulesFile(path)
    assert rules.current() == IntakeRules()  # no file: the defaults
    path.write_text('# our rules\nmode = "listed"\ncustomer_senders = ["durand-elec.fr"]\n', encoding="utf-8")
    assert rules.current().mode == "listed" and rules.current().customer_senders == ["durand-elec.fr"]
    path.write_text('mode = "listed"\ncustomer_senders = ["durand-elec.fr", "martin.fr"\n', encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different stamp even within the same clock tick
    assert rules.current().customer_senders == ["durand-elec.fr"]
    assert rules.error is not None and str(path) in rules.error


def test_saving_keeps_the_comments_an_administrator_wrote(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('# keep Durand: their ERP sends auto-generated mail\nmode = "all"\n', encoding="utf-8")
    rules = RulesFile(path)
    rules.save(IntakeRules(customer_senders=["durand-elec.fr"], ignore_subjects=["facture"]), author="claire")
    text = path.read_text(encoding="utf-8")
    assert "# keep Durand: their ERP sends auto-generated mail" in text
    assert rules.current().customer_senders == ["durand-elec.fr"] and rules.current().updated_by == "claire"


# ------------------------------------------------------------------------------ the page


def _login(client: TestClient) -> None:
    client.post("/login", data={"username": "alice", "password": "s3cret-pass"})


def _csrf(client: TestClient, path: str) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, "no CSRF field on " + path
    return match.group(1)


def test_rules_are_edited_in_the_page_and_a_mistake_is_shown_without_losing_the_input(runtime: Runtime) -> None:
    with TestClient(create_app(runtime)) as client:
        _login(client)
        token = _csrf(client, "/mail/rules")
        bad = client.post("/mail/rules", data={
            "csrf_token": token, "mode": "listed", "customer_senders": "durand-elec.fr\n\nmartin.fr",
            "take_subjects": "/(commande/", "take_attachments": "", "ignore_senders": "", "ignore_subjects": "",
        })
        assert bad.status_code == 400
        assert "expression « /(commande/ » invalide" in bad.text and "martin.fr" in bad.text
        assert not runtime.settings.intake_rules_path.exists()
        saved = client.post("/mail/rules", data={
            "csrf_token": token, "mode": "listed", "customer_senders": "durand-elec.fr\r\nMartin.fr\r\n",
            "take_subjects": "bon de commande", "take_attachments": "BC_*.pdf", "ignore_senders": "",
            "ignore_subjects": "facture",
        }, follow_redirects=True)
        assert saved.status_code == 200 and "Règles enregistrées." in saved.text
        on_disk = runtime.rules.current()
        assert on_disk.mode == "listed" and on_disk.customer_senders == ["durand-elec.fr", "martin.fr"]
        assert on_disk.updated_by == "alice"
        tried = client.get("/mail/rules", params={"try_sender": "x@ailleurs.fr", "try_subject": "Votre facture"})
        assert "Écarté" in tried.text and "objet écarté par la règle « facture »" in tried.text
