"""French first, English second: UI texts and the way numbers, amounts and dates are written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
LANG_COOKIE = "lang"

NBSP = "\u00a0"  # French thousands separator, and between an amount and its currency sign

# key -> (French, English). Keys are English-ish so that templates stay readable.
MESSAGES: dict[str, tuple[str, str]] = {
    "app_name": ("Prise de commandes", "Order intake"),
    "queue": ("File des commandes", "Order queue"),
    "masterdata": ("Données de référence", "Master data"),
    "login": ("Connexion", "Log in"),
    "logout": ("Déconnexion", "Log out"),
    "username": ("Identifiant", "User name"),
    "password": ("Mot de passe", "Password"),
    "login_failed": ("Identifiant ou mot de passe incorrect.", "Wrong user name or password."),
    "signed_in_as": ("Connecté : {user}", "Signed in: {user}"),
    "all": ("Toutes", "All"),
    "needs_action": ("À traiter", "To handle"),
    "document": ("Document", "Document"),
    "state": ("État", "State"),
    "customer": ("Client", "Customer"),
    "po_number": ("N° de commande", "PO number"),
    "received": ("Reçu", "Received"),
    "anomalies": ("Anomalies", "Anomalies"),
    "decision": ("Décision", "Decision"),
    "decision_auto_approve": ("validation automatique", "automatic approval"),
    "decision_review": ("à vérifier", "to check"),
    "no_documents": ("Aucun document.", "No documents."),
    "upload_orders": ("Déposer des commandes", "Upload orders"),
    "upload": ("Envoyer", "Upload"),
    "upload_hint": (
        "PDF, scans, Excel, CSV, e-mails (.eml), XML, EDIFACT — plusieurs fichiers possibles.",
        "PDF, scans, Excel, CSV, e-mails (.eml), XML, EDIFACT — several files at once.",
    ),
    "uploaded": ("{name} : document n° {id} reçu.", "{name}: document #{id} received."),
    "uploaded_again": (
        "{name} : déjà reçu (document n° {id}).", "{name}: already received (document #{id})."
    ),
    "no_file": ("Aucun fichier choisi.", "No file chosen."),
    "too_large": (
        "Envoi trop volumineux : la limite est de {mb} Mo par envoi.",
        "Upload too large: the limit is {mb} MB per upload.",
    ),
    "bad_csrf": (
        "Le formulaire a expiré ; rechargez la page et recommencez.",
        "The form has expired; reload the page and try again.",
    ),
    "not_found": ("Document introuvable.", "Document not found."),
    "original": ("Document original", "Original document"),
    "download": ("Télécharger", "Download"),
    "no_preview": (
        "Pas d'aperçu pour ce type de fichier ; son texte est ci-dessous.",
        "No preview for this kind of file; its text is below.",
    ),
    "document_text": ("Texte du document", "Document text"),
    "header": ("En-tête", "Header"),
    "order_date": ("Date de commande", "Order date"),
    "delivery_date": ("Livraison souhaitée", "Requested delivery"),
    "currency": ("Devise", "Currency"),
    "delivery_address": ("Adresse de livraison", "Delivery address"),
    "printed_total": ("Total imprimé HT", "Printed total excl. VAT"),
    "computed_total": ("Total des lignes HT", "Lines total excl. VAT"),
    "lines": ("Lignes", "Lines"),
    "line": ("Ligne", "Line"),
    "line_n": ("ligne {n}", "line {n}"),
    "customer_sku": ("Réf. client", "Customer ref."),
    "description": ("Désignation", "Description"),
    "quantity": ("Quantité", "Quantity"),
    "unit": ("Unité", "Unit"),
    "unit_price": ("Prix unitaire", "Unit price"),
    "line_total": ("Montant", "Amount"),
    "product": ("Produit", "Product"),
    "delete_line": ("Suppr.", "Del."),
    "new_line": ("Nouvelle ligne", "New line"),
    "no_customer": ("— client non identifié —", "— customer not identified —"),
    "save": ("Enregistrer", "Save"),
    "approve": ("Approuver", "Approve"),
    "save_and_approve": ("Enregistrer et approuver", "Save and approve"),
    "reject": ("Rejeter", "Reject"),
    "reject_reason": ("Motif du rejet", "Reason for rejecting"),
    "reason_required": ("Indiquez un motif de rejet.", "Give a reason for rejecting."),
    "retry": ("Relancer le traitement", "Process again"),
    "failed_title": ("Ce document n'a pas pu être traité", "This document could not be processed"),
    "no_anomaly": ("Aucune anomalie.", "No anomalies."),
    "whole_order": ("commande", "order"),
    "audit": ("Historique", "History"),
    "when": ("Quand", "When"),
    "who": ("Qui", "Who"),
    "what": ("Quoi", "What"),
    "saved": (
        "Modifications enregistrées ; anomalies recalculées.", "Changes saved; anomalies checked again."
    ),
    "nothing_changed": ("Aucune modification.", "Nothing changed."),
    "approved": ("Commande approuvée ({state}).", "Order approved ({state})."),
    "rejected": ("Commande rejetée.", "Order rejected."),
    "retried": ("Traitement relancé : {state}.", "Processed again: {state}."),
    "changed_meanwhile": (
        "La commande a changé entre-temps ; rechargez la page.",
        "The order changed meanwhile; reload the page.",
    ),
    "not_editable": (
        "Ce document n'est plus modifiable ({state}).", "This document can no longer be edited ({state})."
    ),
    "invalid_number": ("{field} : « {value} » n'est pas un nombre.", "{field}: '{value}' is not a number."),
    "invalid_date": ("{field} : « {value} » n'est pas une date.", "{field}: '{value}' is not a date."),
    "invalid_currency": (
        "Devise : « {value} » n'est pas un code à 3 lettres.", "Currency: '{value}' is not a 3-letter code."
    ),
    "unknown_product": ("{field} : produit « {value} » inconnu.", "{field}: unknown product '{value}'."),
    "unknown_customer": ("Client « {value} » inconnu.", "Unknown customer '{value}'."),
    "search_product": ("Rechercher un produit (/)", "Search a product (/)"),
    "search_hint": (
        "Choisissez une ligne (j/k), tapez / pour chercher, Entrée pour l'affecter.",
        "Pick a line (j/k), type / to search, Enter to assign it.",
    ),
    "shortcuts": (
        "Raccourcis : a approuver · r rejeter · / chercher un produit · j/k ligne suivante/précédente",
        "Shortcuts: a approve · r reject · / search a product · j/k next/previous line",
    ),
    "queue_shortcuts": ("Raccourcis : j/k se déplacer · Entrée ouvrir", "Shortcuts: j/k move · Enter open"),
    "confirm_approve": ("Approuver cette commande ?", "Approve this order?"),
    "unsaved": ("Des modifications ne sont pas enregistrées.", "Some changes are not saved."),
    "notes": ("Remarques de lecture", "Reading notes"),
    "low_confidence": ("lecture incertaine", "uncertain reading"),
    "read_from": ("lu : {text}", "read: {text}"),
    "matched_by": ("rapproché par {source}", "matched by {source}"),
    "counts": ("Contenu actuel", "Current content"),
    "products": ("Produits", "Products"),
    "customers": ("Clients", "Customers"),
    "customer_items": ("Références clients", "Customer part numbers"),
    "price_lists": ("Lignes de tarifs", "Price-list rows"),
    "import_masterdata": ("Importer des fichiers CSV", "Import CSV files"),
    "masterdata_hint": (
        "Fichiers nommés products.csv, customers.csv, customer_items.csv, price_lists.csv "
        "(UTF-8, séparateur virgule, une ligne d'en-tête). Les lignes existantes sont mises à jour.",
        "Files named products.csv, customers.csv, customer_items.csv, price_lists.csv "
        "(UTF-8, comma-separated, one header row). Existing rows are updated.",
    ),
    "imported": ("Import réussi : {counts}.", "Imported: {counts}."),
    "import_failed": ("Import refusé, rien n'a été modifié.", "Import refused; nothing was changed."),
    "md_error": ("{file}{line}{column} : {problem}", "{file}{line}{column}: {problem}"),
    "md_line": (", ligne {n}", ", line {n}"),
    "md_column": (", colonne « {c} »", ", column '{c}'"),
    "md_unknown_name": (
        "nom de fichier non reconnu ; attendu : {names}",
        "file name not recognised; expected: {names}",
    ),
    "back_to_queue": ("← File des commandes", "← Order queue"),
    "doc_no": ("n° {id}", "#{id}"),
    "kind_is": ("Type : {kind}", "Kind: {kind}"),
    "source_is": ("Origine : {source}", "Source: {source}"),
    "size": ("Taille", "Size"),
    "just_now": ("à l'instant", "just now"),
    "ago_min": ("il y a {n} min", "{n} min ago"),
    "ago_hours": ("il y a {n} h", "{n} h ago"),
    "ago_days": ("il y a {n} j", "{n} d ago"),
    "error": ("Erreur", "Error"),
    "date_placeholder": ("jj/mm/aaaa", "yyyy-mm-dd"),
    "processing": (
        "Document en cours de traitement ; la page se met à jour d'elle-même.",
        "This document is being processed; the page updates by itself.",
    ),
    "switch_lang": ("English", "Français"),
    "show_trace": ("Détail technique", "Technical detail"),
    # messages taken from the mailboxes
    "mail": ("Courrier", "Mail"),
    "mail_title": ("Messages pris dans les boîtes aux lettres", "Messages taken from the mailboxes"),
    "mail_hint": (
        "Chaque message est pris une fois, puis rangé dans le dossier des messages traités du serveur. "
        "Ceux qui ne sont pas lus comme commandes restent sur le serveur ; la raison est donnée ici.",
        "Each message is taken once, then put in the server's processed folder. Those not read as "
        "orders stay on the server; the reason is given here.",
    ),
    "mailbox": ("Boîte", "Mailbox"),
    "mail_subject": ("Message", "Message"),
    "outcome": ("Suite donnée", "Outcome"),
    "outcome_stored": ("lu comme commande", "read as an order"),
    "outcome_duplicate": ("doublon", "duplicate"),
    "outcome_ignored": ("écarté", "set aside"),
    "outcome_too_large": ("refusé", "refused"),
    "reason": ("Raison", "Reason"),
    "seen_at": ("Pris le", "Taken on"),
    "no_mail": ("Aucun message pris pour l'instant.", "No message taken yet."),
    "take_mail": ("Prendre quand même", "Take it anyway"),
    "mailbox_connected": ("connectée, à l'écoute", "connected, watching"),
    "mailbox_connecting": ("connexion en cours", "connecting"),
    "mailbox_error": ("injoignable, nouvel essai bientôt — {error}", "unreachable, trying again soon — {error}"),
    "mail_taken": ("Message pris : document n° {id}.", "Message taken: document no. {id}."),
    "mail_not_taken": ("Message non pris : {reason}", "Message not taken: {reason}"),
    # which mail is taken (intake/rules.py)
    "rules": ("Règles", "Rules"),
    "rules_link": ("Règles de prise du courrier", "Mail intake rules"),
    "rules_title": ("Règles de prise du courrier", "Which mail is taken"),
    "rules_hint": (
        "Les réponses automatiques, avis de non-remise et lettres d'information sont reconnus à leurs "
        "en-têtes. Ces règles disent en plus quels expéditeurs sont des clients, quels objets ou pièces "
        "jointes prendre et quoi écarter. Un message écarté est gardé et peut être pris à la main.",
        "Automatic replies, delivery reports and newsletters are told by their headers. These rules also "
        "say which senders are customers, which subjects or attachments to take and what to set aside. "
        "A message set aside is kept and can be taken by hand.",
    ),
    "rules_file": ("Fichier : {path} (modifiable ici ou à la main).", "File: {path} (edit here or by hand)."),
    "rules_no_file": ("Aucun fichier de règles : règles par défaut.", "No rules file: default rules."),
    "rules_updated_by": ("modifiées en dernier par {user}", "last changed by {user}"),
    "rules_file_error": (
        "Le fichier de règles ne se lit pas ; les règles précédentes restent en vigueur : {error}",
        "The rules file cannot be read; the previous rules stay in force: {error}",
    ),
    "rules_saved": ("Règles enregistrées.", "Rules saved."),
    "rules_mode": ("Quels messages prendre", "Which messages to take"),
    "rules_mode_all": (
        "Tous, sauf ceux écartés ci-dessous (par défaut)", "All but those set aside below (default)"
    ),
    "rules_mode_listed": (
        "Seulement ceux des clients listés, ou avec un objet ou une pièce jointe à prendre",
        "Only those from listed customers, or with a subject or attachment to take",
    ),
    "rules_customer_senders": ("Expéditeurs clients", "Customer senders"),
    "rules_customer_senders_hint": (
        "une adresse (achats@client.fr) ou un domaine (client.fr) par ligne ; pris même quand leur logiciel "
        "envoie en automatique",
        "one address (achats@client.fr) or domain (client.fr) per line; taken even when their software "
        "sends automatically",
    ),
    "rules_take_subjects": ("Objets à prendre", "Subjects to take"),
    "rules_take_subjects_hint": (
        "des mots (sans égard aux majuscules ni aux accents) ou /une expression régulière/ par ligne",
        "words (case and accents ignored) or a /regular expression/ per line",
    ),
    "rules_take_attachments": ("Pièces jointes à prendre", "Attachments to take"),
    "rules_take_attachments_hint": (
        "un modèle de nom par ligne : BC_*.pdf, *.xlsx", "one name pattern per line: BC_*.pdf, *.xlsx"
    ),
    "rules_ignore_senders": ("Expéditeurs à écarter", "Senders to set aside"),
    "rules_ignore_senders_hint": ("une adresse ou un domaine par ligne", "one address or domain per line"),
    "rules_ignore_subjects": ("Objets à écarter", "Subjects to set aside"),
    "rules_ignore_subjects_hint": (
        "des mots ou /une expression/ par ligne : facture, relance",
        "words or /an expression/ per line: invoice, reminder",
    ),
    "rules_try": ("Essayer les règles", "Try the rules"),
    "rules_try_sender": ("Expéditeur", "Sender"),
    "rules_try_attachment": ("Pièces jointes (séparées par des virgules)", "Attachments (comma-separated)"),
    "rules_try_button": ("Essayer", "Try"),
    "rules_verdict_take": ("Pris", "Taken"),
    "rules_verdict_aside": ("Écarté", "Set aside"),
    # learning from corrections
    "learned": ("Appris", "Learned"),
    "learned_title": ("Ce que les relecteurs ont appris au rapprochement", "What reviewers taught matching"),
    "learned_hint": (
        "Quand un relecteur corrige le produit d'une ligne, l'unité d'une quantité ou le client, la même "
        "écriture du même client est ensuite reconnue automatiquement. Supprimez une leçon erronée : les "
        "commandes suivantes repassent par le catalogue.",
        "When a reviewer corrects a line's product, a quantity's unit or the customer, the same wording from "
        "the same customer is then recognised automatically. Delete a wrong lesson: the next orders go "
        "through the catalogue again.",
    ),
    "no_learned": ("Rien n'a encore été appris.", "Nothing learned yet."),
    "kind": ("Type", "Kind"),
    "kind_product": ("produit", "product"),
    "kind_unit": ("unité", "unit"),
    "kind_customer": ("client", "customer"),
    "all_kinds": ("tous", "all"),
    "written": ("Écrit", "Written"),
    "meaning": ("Signifie", "Means"),
    "taught_by": ("Appris de", "Taught by"),
    "taught_at": ("Le", "On"),
    "uses": ("Utilisations", "Uses"),
    "last_used": ("Dernière utilisation", "Last used"),
    "taught_on": ("Document", "Document"),
    "delete": ("Supprimer", "Delete"),
    "filter": ("Filtrer", "Filter"),
    "any_sender": ("tout expéditeur", "any sender"),
    "for_product": ("pour {sku}", "for {sku}"),
    "alias_deleted": ("Leçon supprimée : « {written} » → {meaning}.", "Lesson deleted: '{written}' → {meaning}."),
    "alias_not_found": ("Leçon introuvable (déjà supprimée ?).", "Lesson not found (already deleted?)."),
    "learned_from": ("appris de {user} le {date}", "learned from {user} on {date}"),
    "learned_gone": ("appris (leçon supprimée depuis)", "learned (lesson deleted since)"),
    "unit_learned": (
        "unité « {written} » apprise de {user} le {date}", "unit '{written}' learned from {user} on {date}"
    ),
    "learned_event": ("« {written} » → {meaning} ({kind}{customer})", "'{written}' → {meaning} ({kind}{customer})"),
    "learned_use": (
        "{where}« {written} » → {meaning}, appris de {user}", "{where}'{written}' → {meaning}, learned from {user}"
    ),
    # touchless policy
    "policy": ("Politique", "Policy"),
    "policy_title": ("Politique de validation automatique", "Touchless policy"),
    "policy_hint": (
        "Les règles sont lues dans l'ordre ; la première qui s'applique décide et son identifiant est noté sur "
        "la commande. Les règles « garde » sont toujours présentes ; la configuration ne peut qu'ajouter des "
        "règles plus strictes, ou des tolérances explicites.",
        "Rules are read in order; the first that applies decides and its id is kept on the order. Guard rules "
        "are always there; configuration can only add stricter rules, or explicit tolerances.",
    ),
    "policy_source_file": ("Fichier de configuration : {path}", "Configuration file: {path}"),
    "policy_source_default": (
        "Règles par défaut (aucun fichier ORDERINTAKE_POLICY_FILE).",
        "Default rules (no ORDERINTAKE_POLICY_FILE).",
    ),
    "policy_relaxed": (
        "Attention : cette politique contient des tolérances explicites ; les anomalies qu'elles couvrent "
        "passent sans vérification (elles restent affichées sur la commande).",
        "Warning: this policy has explicit tolerances; the anomalies they cover go through without review "
        "(they stay shown on the order).",
    ),
    "rule": ("Règle", "Rule"),
    "rule_id": ("Identifiant", "Id"),
    "action": ("Effet", "Effect"),
    "rule_kind_guard": ("garde", "guard"),
    "rule_kind_stricter": ("plus strict (configuré)", "stricter (configured)"),
    "rule_kind_tolerance": ("tolérance (configurée)", "tolerance (configured)"),
    "rule_kind_default": ("par défaut", "default"),
    "decided_by": ("Décision : {decision} — règle {rule}", "Decision: {decision} — rule {rule}"),
    "rule_is": ("règle {rule}", "rule {rule}"),
    "rule_unknown": ("(règle absente de la politique actuelle)", "(rule not in the current policy)"),
    "tolerated_title": ("Anomalies laissées passer par une tolérance", "Anomalies let through by a tolerance"),
    "product_confirmed": ("Produit confirmé", "Product confirmed"),
}

STATE_LABELS: dict[str, tuple[str, str]] = {
    "received": ("reçu", "received"),
    "extracted": ("extrait", "extracted"),
    "matched": ("rapproché", "matched"),
    "in_review": ("à valider", "to review"),
    "approved": ("approuvé", "approved"),
    "rejected": ("rejeté", "rejected"),
    "exported": ("exporté", "exported"),
    "failed": ("en échec", "failed"),
}

# Audit actions that are not states
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "edited": ("modifié", "edited"),
    "uploaded": ("déposé", "uploaded"),
    "traceback": ("erreur interne", "internal error"),
    "learned": ("appris", "learned"),
    "unlearned": ("leçon supprimée", "lesson deleted"),
}

ANOMALY_LABELS: dict[str, tuple[str, str]] = {
    "UNREADABLE": ("illisible", "unreadable"),
    "UNKNOWN_CUSTOMER": ("client inconnu", "unknown customer"),
    "UNKNOWN_PRODUCT": ("produit inconnu", "unknown product"),
    "AMBIGUOUS_PRODUCT": ("produit ambigu", "ambiguous product"),
    "INACTIVE_PRODUCT": ("produit inactif", "inactive product"),
    "PRICE_MISMATCH": ("écart de prix", "price mismatch"),
    "PACK_SIZE": ("conditionnement", "pack size"),
    "OUT_OF_STOCK": ("rupture", "out of stock"),
    "DELIVERY_DATE": ("délai", "delivery date"),
    "CREDIT_LIMIT": ("encours", "credit limit"),
    "DUPLICATE_PO": ("doublon", "duplicate PO"),
    "TOTAL_MISMATCH": ("écart de total", "total mismatch"),
    "LOW_CONFIDENCE": ("lecture incertaine", "low confidence"),
}

# how matching chose a product or a customer (OrderLine.match_source, Order.customer_source)
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "customer_item": ("réf. client connue", "known customer ref."),
    "sku": ("réf. catalogue", "catalogue ref."),
    "ean": ("EAN", "EAN"),
    "ref": ("référence", "reference"),
    "code_in_description": ("réf. dans la désignation", "ref. in the description"),
    "fuzzy": ("désignation approchante", "similar description"),
    "reviewer": ("relecteur", "reviewer"),
    "learned": ("apprentissage", "learned alias"),
    "vat": ("n° TVA", "VAT number"),
    "siret": ("SIRET", "SIRET"),
    "domain": ("domaine e-mail", "e-mail domain"),
    "gln": ("GLN", "GLN"),
    "name": ("nom", "name"),
}

FIELD_LABELS: dict[str, str] = {  # audit field name -> message key
    "customer_id": "customer",
    "po_number": "po_number",
    "order_date": "order_date",
    "requested_delivery_date": "delivery_date",
    "currency": "currency",
    "delivery_address": "delivery_address",
    "quantity": "quantity",
    "unit": "unit",
    "unit_price": "unit_price",
    "sku": "product",
    "deleted": "delete_line",
    "added": "new_line",
    "sku_confirmed": "product_confirmed",
}


def normalize_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


class Translator:
    """`t("key", name=...)` in templates; unknown keys come back as themselves (visible, not fatal)."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_lang(lang)

    def __call__(self, key: str, **values: object) -> str:
        pair = MESSAGES.get(key)
        text = _pick(pair, self.lang) if pair else key
        return text.format(**values) if values else text

    def state(self, state: str) -> str:
        pair = STATE_LABELS.get(state) or ACTION_LABELS.get(state)
        return _pick(pair, self.lang) if pair else state

    def anomaly_label(self, code: str) -> str:
        pair = ANOMALY_LABELS.get(code)
        return _pick(pair, self.lang) if pair else code

    def source(self, name: str) -> str:
        pair = SOURCE_LABELS.get(name)
        return _pick(pair, self.lang) if pair else name

    def field(self, name: str) -> str:
        return self(FIELD_LABELS.get(name, name))


def format_number(value: Decimal | float | int | None, lang: str, decimals: int | None = None) -> str:
    """1234.5 -> '1 234,5' (fr) or '1,234.5' (en); `decimals` fixes the digits after the separator."""
    if value is None:
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if decimals is not None:
        text = f"{number:,.{decimals}f}"
    else:
        normalized = number.normalize()
        # normalize() turns 100 into 1E+2: quantize back to a plain integer in that case
        if normalized == normalized.to_integral_value():
            normalized = normalized.quantize(Decimal(1))
        text = f"{normalized:,f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def format_money(value: Decimal | float | int | None, currency: str | None, lang: str) -> str:
    """'1 234,56 €' (fr) or '€1,234.56' (en); other currencies keep their code."""
    if value is None:
        return ""
    amount = format_number(value, lang, decimals=2)
    code = (currency or "EUR").upper()
    sign = {"EUR": "€", "USD": "$", "GBP": "£"}.get(code)
    if lang == "en":
        return f"{sign}{amount}" if sign else f"{amount} {code}"
    return f"{amount}{NBSP}{sign or code}"


def format_input_number(value: Decimal | None, lang: str) -> str:
    """A number as put back into an input: no grouping, the language's decimal separator."""
    if value is None:
        return ""
    text = format_number(value, "en").replace(",", "")
    return text if lang == "en" else text.replace(".", ",")


def format_date(value: dt.date | None, lang: str) -> str:
    """'02/11/2026' (fr, day first) or '2026-11-02' (en: ISO, unambiguous for every reader)."""
    if value is None:
        return ""
    return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")


def to_local(value: dt.datetime) -> dt.datetime:
    """Stored times are naive UTC; show them in the server's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone()


def format_datetime(value: dt.datetime | None, lang: str) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def format_age(value: dt.datetime | None, lang: str, now: dt.datetime | None = None) -> str:
    """'il y a 3 h' / '3 h ago', from a naive-UTC or aware time."""
    if value is None:
        return ""
    t = Translator(lang)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return t("just_now")
    if seconds < 3600:
        return t("ago_min", n=seconds // 60)
    if seconds < 86400:
        return t("ago_hours", n=seconds // 3600)
    return t("ago_days", n=seconds // 86400)


def format_size(size: int, lang: str) -> str:
    if size < 1024:
        return f"{size} o" if lang == "fr" else f"{size} B"
    if size < 1024 * 1024:
        return f"{format_number(Decimal(size) / 1024, lang, 0)} Ko" if lang == "fr" else f"{size // 1024} KB"
    mb = Decimal(size) / (1024 * 1024)
    return f"{format_number(mb, lang, 1)} {'Mo' if lang == 'fr' else 'MB'}"
