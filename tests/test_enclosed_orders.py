"""Several orders in one e-mail or one archive: none is dropped. An enclosed file with another PO
number becomes a document of its own; one that may or may not be a second order goes to a person."""

from __future__ import annotations

from sqlalchemy import select

from extractors import extract
from orderintake import store
from orderintake.db import DocumentRow
from orderintake.domain import AnomalyCode
from orderintake.runtime import Runtime
from tests.conftest import SAMPLES
from tests.test_extract_archive import zip_of
from tests.test_extract_email import make_email

DUPONT = (SAMPLES / "orders" / "commande_chez_dupont.csv").read_bytes()


def dupont_order(po_number: str, quantity: int = 10) -> bytes:
    """The sample CSV order of Restaurant Chez Dupont under another PO number and quantity."""
    text = DUPONT.decode("cp1252").replace("CD-2026-0311", po_number)
    return text.replace("GOB-20-050;Gobelet carton blanc 20cl x50;10;", f"GOB-20-050;Gobelet carton blanc 20cl x50;"
                                                                         f"{quantity};").encode("cp1252")


def mail_with(*files: tuple[bytes, str]) -> bytes:
    return make_email(
        sender="Achats <achats@chezdupont.fr>", subject="Nos commandes", text="Bonjour, ci-joint nos commandes.",
        attachments=tuple((data, "text", "csv", name) for data, name in files),
    )


def test_two_orders_attached_to_one_mail_are_two_orders() -> None:
    order = extract(mail_with((dupont_order("CD-2026-0311"), "BC-0311.csv"),
                              (dupont_order("CD-2026-0312", 30), "BC-0312.csv")), "Nos commandes.eml")
    [other] = order.enclosed_orders
    assert {order.po_number, other.po_number} == {"CD-2026-0311", "CD-2026-0312"}
    assert other.filename in ("BC-0311.csv", "BC-0312.csv") and other.filename not in order.lines[0].provenance[
        "quantity"].source
    assert not any(a.code == AnomalyCode.LOW_CONFIDENCE for a in order.anomalies)
    assert "enclosed_orders" not in order.model_dump(mode="json")  # handed over, never stored


def test_the_same_order_sent_twice_in_one_mail_is_one_order() -> None:
    same = dupont_order("CD-2026-0311")
    copy = same + b"\r\n"  # other bytes, the same order
    order = extract(mail_with((same, "BC-0311.csv"), (copy, "BC-0311 (copie).csv")), "Nos commandes.eml")
    assert order.enclosed_orders == [] and order.po_number == "CD-2026-0311"
    assert not any(a.code == AnomalyCode.LOW_CONFIDENCE for a in order.anomalies)


def test_an_order_beside_one_without_a_number_goes_to_a_person() -> None:
    order = extract(mail_with((dupont_order("CD-2026-0311"), "BC-0311.csv"), (dupont_order("", 30), "autre.csv")),
                    "Nos commandes.eml")
    assert order.po_number == "CD-2026-0311" and order.enclosed_orders == []
    [doubt] = [a for a in order.anomalies if a.code == AnomalyCode.LOW_CONFIDENCE]
    assert "vérifier que ce n'est pas une deuxième commande" in doubt.message_fr


def test_the_pipeline_makes_every_enclosed_order_a_document(runtime: Runtime) -> None:
    archive = zip_of({"BC-0311.csv": dupont_order("CD-2026-0311"), "BC-0312.csv": dupont_order("CD-2026-0312", 30),
                      "BC-0313.csv": dupont_order("CD-2026-0313", 40)})
    mail = mail_with((archive, "commandes.zip"))
    ingested = runtime.pipeline.ingest(mail, "Nos commandes.eml", source="upload")
    runtime.pipeline.run_pending()
    runtime.pipeline.run_pending()  # the enclosed documents, queued by the first pass
    with runtime.db.session() as session:
        rows = list(session.scalars(select(DocumentRow).order_by(DocumentRow.id)))
        orders = {row.id: store.load_order(session, row.id) for row in rows}
        trail = [e.action for row in rows[1:] for e in store.audit_trail(session, row.id)]
    assert len(rows) == 3 and rows[0].id == ingested.document_id
    assert all(row.state not in ("received", "extracted", "matched", "failed") for row in rows)
    numbers = sorted(o.po_number or "" for o in orders.values() if o is not None)
    assert numbers == ["CD-2026-0311", "CD-2026-0312", "CD-2026-0313"]
    assert trail.count("enclosed_in") == 2
    parent = orders[rows[0].id]
    assert parent is not None and sum("holds another order" in note for note in parent.notes) == 2
    # processed again (a retry, a restart), the same files make no new document
    runtime.pipeline.ingest(mail, "Nos commandes.eml", source="upload")
    with runtime.db.session() as session:
        assert len(list(session.scalars(select(DocumentRow)))) == 3
