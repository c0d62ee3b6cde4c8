"""Order lines from a grid of cells: spreadsheet rows, CSV records, PDF table rows.

Interface (stable):
    Cell(text, value=None, provenance=None)
    lines_from_grid(rows, source="", earlier=None, title="") -> GridLines
    header_fields_from_grid(rows, order, skip_rows=..., pairs=..., source="")
    grid_text(rows, skip_rows) -> str

How a table is found: a header row is a row whose cells are column titles (FR/EN/DE/NL words
for code, description, quantity, unit, price, amount...). A header row may hold two tables side
by side (split where a column is empty in the header and below it). Each table runs down to the
next header over the same columns or to its VAT/incl.-VAT footer. A grid without any header row
is read by content (EAN check digits, sequences, quantity x price = amount). Column roles the
header leaves ambiguous ("Item", "Article") or gets wrong are settled by the same content tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from extractors.parsing import (
    UNIT_CODES,
    clean_text,
    fold,
    is_valid_ean,
    normalize_unit,
    parse_date,
    parse_number,
    parse_quantity_unit,
    price_per_unit,
)
from orderintake.domain import Order, OrderLine, Provenance


@dataclass
class Cell:
    text: str  # the cell as displayed
    value: object | None = None  # the typed value when the source has one (spreadsheet number, date)
    provenance: Provenance | None = None


@dataclass
class GridLines:
    lines: list[OrderLine] = field(default_factory=list)
    printed_total: Decimal | None = None  # total excl. VAT printed under the table, if any
    table_rows: set[int] = field(default_factory=set)  # rows used by the table (header, lines, totals)
    # (column title, first value) of table columns that carry an order-level field repeated on
    # every line, as in flat exports ("N° commande", "Date de besoin", "Adresse de livraison")
    header_pairs: list[tuple[str, Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # remarks for the reviewer
    tables: int = 0  # how many line tables were read (recaps left out)


# --------------------------------------------------------------------------------------------
# Column roles and the header words that name them

LINE_NO = "line_no"
CODE = "code"
EAN = "ean"
DESC = "description"
QTY = "quantity"
UNIT = "unit"
PRICE = "unit_price"
GROSS = "gross_price"
DISCOUNT = "discount"
NET = "net_price"
TOTAL = "total"
BASIS = "basis"
ITEM = "item"  # "Item", "Item #": a line number or an article code, the content decides
ARTICLE = "article"  # "Article", "Produit": a code or a description, the content decides
OTHER = "other"

_LINE_ROLES = {LINE_NO, CODE, EAN, DESC, QTY, UNIT, PRICE, GROSS, DISCOUNT, NET, TOTAL, ITEM, ARTICLE}
_CORE_ROLES = {QTY, DESC, CODE, EAN, ITEM, ARTICLE}


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Checked in order on the normalised title (folded, punctuation as spaces); first match wins.
_HEADER_RULES: list[tuple[str, re.Pattern[str]]] = [
    (OTHER, _rx(r"\b(ttc|tvac|incl|inkl|brutto ?betrag)\b")),
    (
        TOTAL,
        _rx(
            r"\b(montant|amount|total|totaal|betrag|bedrag|summe|gesamt|wert|valeur)\b.*\bnett?o?\b"
            r"|\bnett?o?\b.*\b(montant|amount|total|totaal|betrag|bedrag|summe|wert|valeur)\b"
            r"|\b(nettobetrag|nettowert|nettosumme|ext price|extended price)\b"
        ),
    ),
    (
        NET,
        _rx(
            r"\b(prix|pu|p u|price|preis|prijs|cost)\b.*\b(net|nett|netto|remise|apres remise)\b"
            r"|\b(net|nett|netto)\b.*\b(prix|pu|price|preis|prijs|unit)\b"
            r"|\b(nettopreis|nettoprijs|netprijs|net)\b"
        ),
    ),
    (
        OTHER,
        _rx(
            r"^(tva|vat|mwst|btw|ust|taxe|tax|taux tva|vat rate|code tva|tva \w+|montant tva"
            r"|vat amount)$"
        ),
    ),
    (DISCOUNT, _rx(r"\b(remise|remises|rem|rabais|discount|disc|rabatt|korting|ristourne)\b")),
    (EAN, _rx(r"\b(ean|ean13|ean 13|gtin|upc|gencod|gencode|code ?barres?|barcode|streepjescode)\b")),
    (
        TOTAL,
        _rx(
            r"\b(prix total|total price|gesamtpreis|totaalprijs|montant|montants|amount|line total"
            r"|total|totaal|betrag|gesamt|summe|bedrag|extension)\b"
        ),
    ),
    (
        GROSS,
        _rx(
            r"\b(prix brut|pu brut|gross price|gross|list price|prix public|prix catalogue|prix tarif"
            r"|tarif|bruttopreis|listenpreis|brutoprijs|lijstprijs|brut)\b"
        ),
    ),
    (
        PRICE,
        _rx(
            r"\b(pu|p u|pux|prix unitaire|prix unit|prix|unit price|unit cost|price|cost|einzelpreis"
            r"|stuckpreis|preis|ep|prijs|eenheidsprijs|stukprijs|prix ht|tarif unitaire)\b"
        ),
    ),
    (
        QTY,
        _rx(
            r"\b(qte|qtes|qt|qty|qtys|quantite|quantites|quantity|quantities|quant|menge|anzahl|aantal"
            r"|hoeveelheid|nombre|nbre|nb|bestellmenge|ordered|ordered qty|qte cdee|qte commandee)\b"
        ),
    ),
    (BASIS, _rx(r"^(par|per|pe|preiseinheit|prix pour|price per|unite de prix|basis|base prix)$")),
    (
        UNIT,
        _rx(
            r"\b(unite|unites|unit|units|uom|u m|um|uv|uq|einheit|mengeneinheit|me|eh|eenheid"
            r"|meeteenheid|mesure|u)\b"
        ),
    ),
    (
        DESC,
        _rx(
            r"\b(designation|designations|libelle|libelles|description|descriptions|descriptif|desc"
            r"|bezeichnung|beschreibung|artikelbezeichnung|artikeltext|omschrijving|benaming|intitule"
            r"|denomination|product name|item name|nom|name|naam|texte|text|article description)\b"
        ),
    ),
    (
        LINE_NO,
        _rx(
            r"^(pos|pos nr|position|posten|ligne|lig|line|line no|line nr|ln|n|no|nr|num|numero|poste"
            r"|rang|lfd nr|regel|rg|lp|ligne n|n ligne|n de ligne|item line)$"
        ),
    ),
    (ITEM, _rx(r"^(item|items|item n|item no|item nr|item number|item num)$")),
    (
        ARTICLE,
        _rx(
            r"^(article|articles|artikel|art|produit|produits|product|products|materiel|materiaux"
            r"|fourniture|fournitures|item description)$"
        ),
    ),
    (
        CODE,
        _rx(
            r"\b(ref|refs|reference|references|referentie|code|codes|sku|art nr|art no|artnr"
            r"|artikelnummer|artikel nr|artikelnr|part|part no|part number|p n|pn|mpn|item code|item no"
            r"|material|materialnummer|matnr|mat nr|bestellnummer|bestell nr|bestelnummer|cat no"
            r"|catalogue|modele|model|n article|no article|article no|article code|code article|item)\b"
        ),
    ),
    (
        OTHER,
        _rx(
            r"\b(date|datum|delai|termin|stock|conso|fournisseur|supplier|vendor|lieferant"
            r"|leverancier|statut|status|acheteur|buyer|imputation|site|adresse|address|poids|weight)\b"
        ),
    ),
]


def norm_label(text: str) -> str:
    """Folded text with punctuation as single spaces: 'Réf. fourn.' -> 'ref fourn'."""
    return re.sub(r"[^0-9a-z%]+", " ", fold(text)).replace("%", " ").strip()


@functools.lru_cache(maxsize=8192)
def header_role(text: str) -> str | None:
    """The column role a header cell names, or None when it names none."""
    raw = clean_text(text)
    if not raw or len(raw) > 60:
        return None
    if raw in ("%", "R %", "Rem %", "% rem."):
        return DISCOUNT
    label = norm_label(raw)
    if not label:
        return None
    for role, pattern in _HEADER_RULES:
        if pattern.search(label):
            return role
    return None


_BASIS_IN_LABEL = re.compile(r"(?:/|\bpar\b|\bper\b|\bpour\b|\bje\b|\bpro\b|\bp\.)\s*(10|100|1000|1 000)\b", re.I)


# --------------------------------------------------------------------------------------------
# Reading cells


def _is_blank(cell: Cell | None) -> bool:
    return cell is None or not cell.text.strip()


def cell_number(cell: Cell | None) -> Decimal | None:
    """The number a cell holds: its typed value first, else its text read the French/English way."""
    if cell is None:
        return None
    value = cell.value
    if isinstance(value, (bool, dt.date, dt.datetime)):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _float_decimal(value)
    text = cell.text.strip()
    if not text:
        return None
    return parse_number(text.replace("%", "").strip())


def _float_decimal(value: float) -> Decimal | None:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if value == int(value) and abs(value) < 1e15:
        return Decimal(int(value))
    try:
        return Decimal(repr(round(value, 9)))
    except InvalidOperation:
        return None


def _cell_date(cell: Cell | None) -> dt.date | None:
    if cell is None:
        return None
    if isinstance(cell.value, dt.datetime):
        return cell.value.date()
    if isinstance(cell.value, dt.date):
        return cell.value
    if cell_number(cell) is not None:
        return None
    return parse_date(cell.text)


def _digits(text: str) -> str:
    return re.sub(r"\s", "", text)


def _looks_ean(text: str, lengths: tuple[int, ...] = (13, 14, 12)) -> bool:
    d = _digits(text)
    return d.isdigit() and len(d) in lengths and is_valid_ean(d)


def _looks_code(text: str) -> bool:
    """An article code: one short token (maybe two), with a digit or in capitals."""
    t = text.strip()
    if not t or len(t) > 32 or t.count(" ") > 1:
        return False
    return any(ch.isdigit() for ch in t) or (t.upper() == t and len(t) >= 3)


def _is_unit_word(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 12 and (normalize_unit(t) is not None or t.upper() in UNIT_CODES)


def unit_of(text: str) -> str | None:
    """Contract unit of a unit cell ('U', 'Cour.', 'C62', 'MTR', 'rlx'); the word itself when unknown."""
    t = text.strip()
    if not t:
        return None
    known = UNIT_CODES.get(t.upper()) or normalize_unit(t)
    if known:
        return known
    return t.upper() if len(t) <= 6 and not any(ch.isdigit() for ch in t) else None


def _prov(cell: Cell, source: str) -> Provenance:
    if cell.provenance is None:
        return Provenance(source=source, text=cell.text)
    if cell.provenance.text is None:
        return cell.provenance.model_copy(update={"text": cell.text})
    return cell.provenance


# --------------------------------------------------------------------------------------------
# Total, VAT, shipping and note rows

_TOTAL_LABEL = re.compile(
    r"^(sous ?total|sub ?total|total|totaux|totaal|totale|summe|gesamt|zwischensumme|subtotaal|montant|net"
    r"|tva|t v a|vat|mwst|ust|btw|report|a reporter|reporte|carried|brought|ubertrag|uebertrag|overdracht"
    r"|amount|grand total|nettobetrag|bruttobetrag|endbetrag|rechnungsbetrag|base ht|base tva|reste a payer"
    r"|te betalen|a payer|to pay|balance due|order total|bestellsumme|eco ?participation|frais)\b"
)
_CARRY = re.compile(
    r"\b(report|a reporter|reporte|carried|brought forward|ubertrag|uebertrag|overdracht"
    r"|transfert)\b"
)
_EXCL = re.compile(
    r"\b(ht|h t|hors tax\w*|hors tva|excl|excluding|exkl|exclusief|ohne|zonder|netto|nett"
    r"|net|before tax|pre tax|sans tva|excl btw|exl)\b"
)
_GROSS_WORDS = re.compile(
    r"\b(ttc|tvac|incl|inkl|including|inclusief|brutto|a payer|to pay|te betalen"
    r"|tva comprise|gross|balance due|reste a payer)\b"
)
_VAT_WORDS = re.compile(r"\b(tva|t v a|vat|mwst|ust|btw|taxe|tax|taxes)\b")
_SUB_WORDS = re.compile(
    r"\b(sous ?total|sub ?total|zwischensumme|subtotaal|intermediaire|lot|page|chapitre"
    r"|section|groupe|zone|batiment|seite|pagina)\b"
)

_SHIPPING = re.compile(
    r"^(frais (de )?(port|transport|livraison|d expedition|de gestion)|port( et emballage| du| paye)?\b"
    r"|participation aux frais|forfait (de )?(livraison|transport)|shipping|freight|delivery charge|carriage"
    r"|handling|versandkosten|frachtkosten|versandpauschale|verzendkosten|transportkosten|leveringskosten"
    r"|eco ?participation|eco ?contribution|emballage|remise|rabais|escompte|discount|rebate|korting"
    r"|rabatt)\b"
)
_NOTE = re.compile(
    r"^(nb|n b|note|notes|remarque|remarques|rq|attention|important|merci|please|bitte|gelieve|observation"
    r"|observations|commentaire|commentaires|comment|comments|conditions|livraison|delivery|horaires|contact"
    r"|signature|visa|cachet|page|votre ref|notre ref|your ref|our ref|ref fourn|ref fournisseur|date|lief"
    r"|lieferant|vendor|supplier|fabricant|manufacturer)\b"
)
_RECAP_TITLE = re.compile(
    r"\b(recap|recapitulatif|recapitulation|summary|synthese|resume|zusammenfassung"
    r"|ubersicht|overzicht|samenvatting|totaux|totals|sommaire)\b"
)
_LOT_TITLE = re.compile(
    r"\b(lot|lots|batiment|tranche|phase|zone|building|etage|niveau|chantier|site|bau"
    r"|abschnitt|fase|gebouw)\b"
)


_COUNT_WORDS = re.compile(
    r"\b(qte|qt|qty|quantite|quantites|quantity|quantities|menge|aantal|articles|pieces|colis|parcels"
    r"|poids|weight|gewicht|kg|volume|lignes|lines|positions|nombre|nb)\b"
)


@functools.lru_cache(maxsize=8192)
def total_kind(label: str) -> str | None:
    """'carry', 'net', 'gross', 'vat', 'sub' or 'plain' for a total label; None when not one."""
    t = norm_label(label)
    if not _TOTAL_LABEL.match(t):
        return None
    if t.startswith("frais") or t.startswith("eco") or _COUNT_WORDS.search(t):
        return None  # fees, or a count of pieces, parcels or kilograms rather than an amount
    if _CARRY.search(t):
        return "carry"
    if _GROSS_WORDS.search(t):
        return "gross"
    if _EXCL.search(t) and not re.match(r"^(tva|vat|mwst|btw|ust)\b", t):
        return "sub" if _SUB_WORDS.search(t) else "net"
    if _VAT_WORDS.search(t):
        return "vat"
    if _SUB_WORDS.search(t):
        return "sub"
    return "plain"


# --------------------------------------------------------------------------------------------
# Tables


@dataclass
class _Table:
    header_row: int | None  # None when found by content
    first_col: int
    last_col: int
    labels: dict[int, str]  # column -> header text
    roles: dict[int, str]  # column -> role after content checks
    title: str = ""
    title_row: int | None = None
    end_row: int = 0  # exclusive
    basis: dict[int, Decimal] = field(default_factory=dict)  # price column -> per how many units
    by_content: bool = False
    first_row: int = 0  # first body row of a table found without a header
    header_top: int = 0  # first row of a header written over two rows


@dataclass
class _TotalCandidate:
    kind: str
    value: Decimal
    row: int
    table: int  # index of the table it follows, -1 if none


def _width(rows: list[list[Cell]]) -> int:
    return max((len(r) for r in rows), default=0)


def _cell(rows: list[list[Cell]], r: int, c: int) -> Cell | None:
    if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
        return rows[r][c]
    return None


def _header_groups(rows: list[list[Cell]], r: int) -> list[tuple[int, int, dict[int, str]]]:
    """Column groups of row `r` that read as a line-table header: (first, last, roles)."""
    row = rows[r]
    filled = [c for c, cell in enumerate(row) if not _is_blank(cell)]
    if len(filled) < 2:
        return []
    # split where the header is empty and so is the column below it: tables side by side
    groups: list[list[int]] = [[filled[0]]]
    for c in filled[1:]:
        prev = groups[-1][-1]
        gap = range(prev + 1, c)
        if gap and all(_column_empty_below(rows, r, g) for g in gap):
            groups.append([c])
        else:
            groups[-1].append(c)
    out = []
    for cols in groups:
        roles: dict[int, str] = {}
        texts = 0
        for c in cols:
            cell = row[c]
            if cell_number(cell) is not None or isinstance(cell.value, (dt.date, dt.datetime)):
                continue
            texts += 1
            role = header_role(cell.text)
            if role:
                roles[c] = role
        line_roles = {v for v in roles.values() if v in _LINE_ROLES}
        if len(line_roles) < 2 or not (line_roles & _CORE_ROLES):
            continue
        if not (line_roles & {QTY, PRICE, NET, TOTAL, UNIT}):
            continue
        if len(roles) * 2 < len(cols):
            continue  # a sentence or address row that happens to hold two header words
        if texts != len(cols):
            continue  # a header row holds titles, not numbers
        out.append((cols[0], cols[-1], roles))
    return out


def _column_empty_below(rows: list[list[Cell]], r: int, c: int, depth: int = 8) -> bool:
    return all(_is_blank(_cell(rows, rr, c)) for rr in range(r + 1, min(len(rows), r + 1 + depth)))


def _find_tables(rows: list[list[Cell]]) -> list[_Table]:
    tables: list[_Table] = []
    for r in range(len(rows)):
        for first, last, roles in _header_groups(rows, r):
            labels = {c: rows[r][c].text for c in range(first, last + 1) if not _is_blank(_cell(rows, r, c))}
            table = _Table(header_row=r, first_col=first, last_col=last, labels=labels, roles=dict(roles), header_top=r)
            _merge_second_header_row(rows, table)
            tables.append(table)
    # each table ends at the next header that shares its columns
    for i, table in enumerate(tables):
        end = len(rows)
        for other in tables[i + 1 :]:
            assert other.header_row is not None and table.header_row is not None
            if other.header_row > table.header_row and not (
                other.last_col < table.first_col or other.first_col > table.last_col
            ):
                end = other.header_row
                break
        table.end_row = end
    return tables


def _merge_second_header_row(rows: list[list[Cell]], table: _Table) -> None:
    """Join a header written over two rows ('Prix' / 'unitaire HT') when the second adds roles."""
    assert table.header_row is not None
    r = table.header_row + 1
    if r >= len(rows):
        return
    # the second row may name a column the first row left under a merged title ("Prix" over two)
    cells = [(c, _cell(rows, r, c)) for c in range(table.first_col, table.last_col + 4)]
    filled = [(c, cell) for c, cell in cells if cell is not None and not _is_blank(cell)]
    if not filled or any(cell_number(cell) is not None for _, cell in filled):
        return
    if any(c > table.last_col + 1 and c - 1 not in dict(filled) for c, _cell_ in filled):
        return  # a cell beyond the table that does not continue the row
    if any(len(cell.text) > 30 for _, cell in filled):
        return
    merged = dict(table.labels)
    for c, cell in filled:
        merged[c] = (merged.get(c, "") + " " + cell.text).strip()
    roles = {c: role for c, text in merged.items() if (role := header_role(text))}
    if len({v for v in roles.values() if v in _LINE_ROLES}) > len(
        {v for v in table.roles.values() if v in _LINE_ROLES}
    ):
        table.labels, table.roles = merged, roles
        table.last_col = max(table.last_col, max(c for c, _ in filled))
        table.header_top = table.header_row
        table.header_row = r  # lines start below the second row; the first stays in table_rows


def _table_title(rows: list[list[Cell]], table: _Table) -> None:
    """A short single-cell row just above the header ('LOT 1 – ...', 'RÉCAPITULATIF')."""
    top = table.header_top
    span = range(table.first_col, table.last_col + 1)
    for r in range(top - 1, max(-1, top - 3), -1):
        filled = [cell for c in span if (cell := _cell(rows, r, c)) is not None and not _is_blank(cell)]
        if not filled:
            continue
        if len(filled) == 1 and cell_number(filled[0]) is None and len(filled[0].text) <= 80:
            table.title = clean_text(filled[0].text)
            table.title_row = r
        return


# --------------------------------------------------------------------------------------------
# Column statistics and roles by content


@dataclass
class _ColumnStats:
    filled: int = 0
    numbers: list[Decimal] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    eans: int = 0
    codes: int = 0
    units: int = 0
    qty_units: int = 0  # "100 m", "3 rlx"
    spaced: int = 0
    total_len: int = 0
    dates: int = 0

    @property
    def numeric_share(self) -> float:
        return len(self.numbers) / self.filled if self.filled else 0.0

    @property
    def avg_len(self) -> float:
        return self.total_len / self.filled if self.filled else 0.0

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0


def _data_rows(rows: list[list[Cell]], table: _Table) -> list[int]:
    """Rows of the table body that carry at least two values and are not total rows."""
    start = (table.header_row + 1) if table.header_row is not None else table.first_row
    out = []
    for r in range(start, table.end_row):
        cells = [_cell(rows, r, c) for c in range(table.first_col, table.last_col + 1)]
        filled = [c for c in cells if c is not None and not _is_blank(c)]
        if len(filled) < 2:
            continue
        if any(total_kind(c.text) for c in filled if cell_number(c) is None):
            kind = next(total_kind(c.text) for c in filled if cell_number(c) is None and total_kind(c.text))
            if kind in ("vat", "gross"):
                break
            continue
        out.append(r)
    return out


def _stats(rows: list[list[Cell]], table: _Table, data_rows: list[int]) -> dict[int, _ColumnStats]:
    stats: dict[int, _ColumnStats] = {}
    for c in range(table.first_col, table.last_col + 1):
        s = _ColumnStats()
        for r in data_rows:
            cell = _cell(rows, r, c)
            if cell is None or _is_blank(cell):
                continue
            s.filled += 1
            text = cell.text.strip()
            s.total_len += len(text)
            if isinstance(cell.value, (dt.date, dt.datetime)):
                s.dates += 1
                continue
            number = cell_number(cell)
            if _looks_ean(text, (8, 12, 13, 14)) and len(_digits(text)) >= 12:
                s.eans += 1
            if number is not None and not (text.isdigit() and len(text) >= 7):
                s.numbers.append(number)
            else:
                s.texts.append(text)
                if " " in text:
                    s.spaced += 1
                if _looks_code(text):
                    s.codes += 1
                if _is_unit_word(text):
                    s.units += 1
                q, _u = qty_from_text(text)
                if q is not None:
                    s.qty_units += 1
        stats[c] = s
    return stats


def _distinct_share(stats: _ColumnStats) -> float:
    values = stats.texts + [str(n) for n in stats.numbers]
    return len(set(values)) / len(values) if values else 0.0


def _is_sequence(values: list[Decimal]) -> bool:
    if len(values) < 2 or any(v != v.to_integral_value() or v <= 0 for v in values):
        return False
    steps = {b - a for a, b in itertools.pairwise(values)}
    return len(steps) == 1 and steps.pop() in (Decimal(1), Decimal(5), Decimal(10), Decimal(100))


def _whole(stats: _ColumnStats) -> bool:
    return bool(stats.numbers) and all(n == n.to_integral_value() for n in stats.numbers)


def _matches(q: Decimal, p: Decimal, t: Decimal, d: Decimal | None = None) -> bool:
    expected = q * p * ((Decimal(100) - d) / Decimal(100) if d is not None else 1)
    return abs(expected - t) <= max(Decimal("0.011"), abs(t) * Decimal("0.005"))


def _triple_score(
    rows: list[list[Cell]], data_rows: list[int], qc: int, pc: int, tc: int, dc: int | None = None
) -> float:
    hits = total = 0
    for r in data_rows:
        q = _qty_value(_cell(rows, r, qc))
        p, t = cell_number(_cell(rows, r, pc)), cell_number(_cell(rows, r, tc))
        if q is None or p is None or t is None:
            continue
        total += 1
        d = cell_number(_cell(rows, r, dc)) if dc is not None else None
        if (q != 0 or t == 0) and (_matches(q, p, t) or (d is not None and _matches(q, p, t, d))):
            hits += 1
    return hits / total if total else 0.0


def _qty_value(cell: Cell | None) -> Decimal | None:
    if cell is None or _is_blank(cell):
        return None
    n = cell_number(cell)
    if n is not None:
        return n
    q, _u = qty_from_text(cell.text)
    return q


_QTY_WORD = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\W\d][\w.]{0,14})\s*$")


def qty_from_text(text: str) -> tuple[Decimal | None, str | None]:
    """'100 m' -> (100, 'M'); '10 colis' -> (10, 'COLIS'): a count with a unit word, known or not."""
    qty, unit = parse_quantity_unit(text)
    if qty is not None:
        return qty, unit
    m = _QTY_WORD.match(text or "")
    if not m:
        return None, None
    return parse_number(m.group(1)), unit_of(m.group(2))


def _settle_roles(rows: list[list[Cell]], table: _Table) -> None:
    """Fix the role of each column from its header and its content."""
    data_rows = _data_rows(rows, table)
    stats = _stats(rows, table, data_rows)
    roles = table.roles
    cols = [c for c in range(table.first_col, table.last_col + 1) if stats[c].filled]

    # ambiguous titles
    for c, role in list(roles.items()):
        s = stats[c]
        if role == ITEM:
            if s.numeric_share >= 0.8 and _is_sequence(s.numbers):
                roles[c] = LINE_NO
            elif s.share(s.spaced) >= 0.5 and s.avg_len > 12 and DESC not in roles.values():
                roles[c] = DESC  # "Item" over the article's wording in an English form
            else:
                roles[c] = CODE
        elif role == ARTICLE:
            roles[c] = DESC if s.share(s.spaced) >= 0.5 and s.avg_len > 12 else CODE
        elif (
            role == LINE_NO
            and s.filled
            and not (s.numeric_share >= 0.8 and all(n == n.to_integral_value() for n in s.numbers))
        ):
            roles[c] = CODE if s.share(s.codes) >= 0.6 else OTHER

    # content beats the title for EAN, and finds the columns the header did not name
    for c in cols:
        s = stats[c]
        if s.share(s.eans) >= 0.8 and roles.get(c) in (None, CODE, OTHER, ITEM, ARTICLE):
            roles[c] = EAN
        elif roles.get(c) == EAN and s.share(s.eans) < 0.5 and s.filled:
            roles[c] = CODE

    if table.header_row is None:
        _roles_by_content(rows, table, data_rows, stats)
    else:
        # an unnamed column of unit words next to the quantity
        if UNIT not in roles.values():
            for c in cols:
                if c not in roles and stats[c].share(stats[c].units) >= 0.8 and not stats[c].numbers:
                    roles[c] = UNIT
        _check_numbers(rows, table, data_rows, stats)

    # a code column holding one value on every line (the supplier's id in an export) is no item code
    for c, role in list(roles.items()):
        s = stats[c]
        if role in (CODE, EAN) and s.filled >= 2 and len(set(s.texts + [str(n) for n in s.numbers])) == 1:
            roles[c] = OTHER

    # a code column repeating a few values (a category, a site) yields to one that differs per line
    code_cols = [c for c, role in roles.items() if role in (CODE, EAN)]
    if len(code_cols) > 1:
        distinct = {c: _distinct_share(stats[c]) for c in code_cols}
        if max(distinct.values()) >= 0.8:
            for c in code_cols:
                if stats[c].filled >= 4 and distinct[c] < 0.6:
                    roles[c] = OTHER

    # a quantity column must hold numbers ("12" or "100 m")
    for c, role in list(roles.items()):
        s = stats[c]
        if role == QTY and s.filled and (len(s.numbers) + s.qty_units) / s.filled < 0.6:
            roles[c] = OTHER

    for c, label in table.labels.items():
        m = _BASIS_IN_LABEL.search(label)
        if m and roles.get(c) in (PRICE, NET, GROSS):
            table.basis[c] = Decimal(m.group(1).replace(" ", ""))


def _check_numbers(rows: list[list[Cell]], table: _Table, data_rows: list[int], stats: dict[int, _ColumnStats]) -> None:
    """Let quantity x price = amount decide between numeric columns the header mislabels or omits."""
    roles = table.roles
    numeric = [
        c
        for c in range(table.first_col, table.last_col + 1)
        if stats[c].filled
        and stats[c].numeric_share >= 0.8
        and roles.get(c) not in (LINE_NO, EAN, DISCOUNT)
        and roles.get(c) != CODE
    ]
    qty_cols = [c for c, r in roles.items() if r == QTY]
    price_cols = [c for c, r in roles.items() if r in (NET, PRICE)]
    total_cols = [c for c, r in roles.items() if r == TOTAL]
    discount = next((c for c, r in roles.items() if r == DISCOUNT), None)
    if qty_cols and price_cols and total_cols:
        best_labelled = max(
            _triple_score(rows, data_rows, q, p, t, discount) for q in qty_cols for p in price_cols for t in total_cols
        )
        if best_labelled >= 0.6:
            _prefer_consistent(rows, table, data_rows, qty_cols, price_cols, total_cols, discount)
            return
    if len(numeric) < 3:
        return
    best: tuple[float, int, int, int] | None = None
    for q, p, t in itertools.permutations(numeric, 3):
        if roles.get(q) in (PRICE, NET, TOTAL, GROSS) or roles.get(t) in (QTY,):
            continue
        score = _triple_score(rows, data_rows, q, p, t, discount)
        # on a tie, keep the header's reading, then the usual left-to-right order
        bonus = (roles.get(q) == QTY) + (roles.get(p) in (PRICE, NET)) + (roles.get(t) == TOTAL)
        key = (score + bonus * 0.002 + _whole(stats[q]) * 0.001 + (q < p < t) * 0.0005, q, p, t)
        if best is None or key[0] > best[0]:
            best = key
    if best and best[0] >= 0.6:
        _s, q, p, t = best
        for c, role in list(roles.items()):
            if role in (QTY, TOTAL) or (role in (PRICE, NET) and c != p):
                roles[c] = GROSS if role in (PRICE, NET) else OTHER
        roles[q], roles[t] = QTY, TOTAL
        roles[p] = NET if roles.get(p) == NET else PRICE


def _prefer_consistent(
    rows: list[list[Cell]],
    table: _Table,
    data_rows: list[int],
    qty_cols: list[int],
    price_cols: list[int],
    total_cols: list[int],
    discount: int | None,
) -> None:
    """Several columns titled alike (two quantities, two amounts): keep the trio that adds up."""
    roles = table.roles
    scored = sorted(
        (
            (_triple_score(rows, data_rows, q, p, t, discount), -q, -t, q, p, t)
            for q in qty_cols
            for p in price_cols
            for t in total_cols
        ),
        reverse=True,
    )
    _s, _a, _b, q, p, t = scored[0]
    for c in qty_cols:
        if c != q:
            roles[c] = OTHER
    for c in total_cols:
        if c != t:
            roles[c] = OTHER
    if roles[p] == PRICE and any(roles[c] == NET for c in price_cols if c != p):
        # the net price does not add up but the plain one does: the "net" column is something else
        for c in price_cols:
            if c != p and roles[c] == NET:
                roles[c] = OTHER


def _roles_by_content(
    rows: list[list[Cell]], table: _Table, data_rows: list[int], stats: dict[int, _ColumnStats]
) -> None:
    roles = table.roles
    cols = [c for c in range(table.first_col, table.last_col + 1) if stats[c].filled]
    # a running number in the first filled column
    first = cols[0] if cols else None
    if first is not None and first not in roles:
        s = stats[first]
        if s.numeric_share == 1.0 and len(s.numbers) >= 2 and _is_sequence(s.numbers):
            roles[first] = LINE_NO
    for c in cols:
        s = stats[c]
        if c in roles:
            continue
        if s.texts and s.share(s.units) >= 0.8:
            roles[c] = UNIT
    numeric = [c for c in cols if c not in roles and stats[c].numeric_share >= 0.8]
    best: tuple[float, int, int, int] | None = None
    for q, p, t in itertools.permutations(numeric, 3):
        score = _triple_score(rows, data_rows, q, p, t)
        # q x p = p x q: quantities are whole numbers more often than prices
        key = (score + _whole(stats[q]) * 0.002 + (q < p < t) * 0.001, q, p, t)
        if best is None or key[0] > best[0]:
            best = key
    if best and best[0] >= 0.6:
        _s, q, p, t = best
        roles[q], roles[p], roles[t] = QTY, PRICE, TOTAL
    else:
        rest = [c for c in numeric if c not in roles]
        ints = [c for c in rest if all(n == n.to_integral_value() for n in stats[c].numbers)]
        if ints:
            roles[ints[0]] = QTY
            rest = [c for c in rest if c != ints[0]]
        if rest:
            roles[rest[0]] = PRICE
    if QTY not in roles.values():
        for c in cols:
            if c not in roles and stats[c].share(stats[c].qty_units) >= 0.8:
                roles[c] = QTY
                break
    texts = [c for c in cols if c not in roles and stats[c].texts and stats[c].numeric_share < 0.5]
    if texts:
        desc = max(texts, key=lambda c: (stats[c].share(stats[c].spaced), stats[c].avg_len))
        if stats[desc].share(stats[desc].spaced) >= 0.5 or len(texts) == 1 and stats[desc].avg_len > 12:
            roles[desc] = DESC
        for c in texts:
            if c != desc and stats[c].share(stats[c].codes) >= 0.6:
                roles[c] = CODE
        if desc not in roles and stats[desc].share(stats[desc].codes) >= 0.6:
            roles[desc] = CODE
    # long digit strings that are not EANs (supplier numbers) are codes when no other code exists
    if CODE not in roles.values() and EAN not in roles.values():
        for c in cols:
            s = stats[c]
            if c not in roles and s.share(s.codes) >= 0.6:
                roles[c] = CODE
                break
    table.by_content = True


def _find_headerless(rows: list[list[Cell]]) -> _Table | None:
    """The longest run of rows shaped alike with text and numbers, for a grid without titles."""
    best: tuple[int, int, int] | None = None  # (length, start, end)
    start = None
    prev_shape: tuple[int, ...] | None = None

    def shape(row: list[Cell]) -> tuple[int, ...] | None:
        filled = [c for c, cell in enumerate(row) if not _is_blank(cell)]
        if len(filled) < 3:
            return None
        nums = sum(1 for c in filled if cell_number(row[c]) is not None)
        texts = len(filled) - nums
        if nums < 1 or texts < 1:
            return None
        return tuple(filled)

    for r in range(len(rows) + 1):
        sh = shape(rows[r]) if r < len(rows) else None
        if sh is not None and sh == prev_shape:
            pass
        else:
            if start is not None and prev_shape is not None:
                length = r - start
                if best is None or length > best[0]:
                    best = (length, start, r)
            start = r if sh is not None else None
        prev_shape = sh
    if best is None or best[0] < 1:
        return None
    _n, first_row, end_row = best
    width = _width(rows[first_row:end_row])
    table = _Table(header_row=None, first_col=0, last_col=max(0, width - 1), labels={}, roles={})
    table.end_row = end_row
    table.first_row = first_row
    return table


# --------------------------------------------------------------------------------------------
# Reading the lines of one table


@dataclass
class _TableResult:
    table: _Table
    lines: list[OrderLine]
    rows_used: set[int]
    totals: list[tuple[str, Decimal, int]]  # (kind, value, row)
    line_rows: set[int] = field(default_factory=set)


def _pick_code_columns(table: _Table) -> list[int]:
    """Code columns, leftmost first (the customer writes its own code first); EAN last resort."""
    codes = sorted(c for c, r in table.roles.items() if r == CODE)
    eans = sorted(c for c, r in table.roles.items() if r == EAN)
    # an EAN standing left of the other codes is the code the sender chose (EDI files)
    return sorted(codes + eans)


def _row_text_cells(rows: list[list[Cell]], r: int, table: _Table) -> list[tuple[int, Cell]]:
    return [
        (c, cell)
        for c in range(table.first_col, table.last_col + 1)
        if (cell := _cell(rows, r, c)) is not None and not _is_blank(cell)
    ]


_CURRENCY_ONLY = re.compile(r"^(€|eur|euros?|usd|\$|gbp|£|chf|ht|ttc)$", re.I)


def _total_in_row(rows: list[list[Cell]], r: int, lo: int, hi: int) -> tuple[str, Decimal] | None:
    """A total row: a total label then its amount further right, both within columns lo..hi."""
    row = rows[r] if r < len(rows) else []
    for c in range(lo, min(hi + 1, len(row))):
        cell = row[c]
        if _is_blank(cell) or cell_number(cell) is not None:
            continue
        kind = total_kind(cell.text)
        if not kind:
            continue
        value = None
        for cc in range(c + 1, min(len(row), hi + 1)):
            other = row[cc]
            if _is_blank(other) or "%" in other.text or _CURRENCY_ONLY.match(other.text.strip()):
                continue  # a rate or a currency between the label and its amount
            n = cell_number(other)
            if n is None:
                break  # another label: the amounts beyond it are its own
            value = n  # the last of the amounts right of the label
        if value is None:
            # "Total HT : 1 234,56 €" in one cell
            m = re.search(r"([-+]?\d[\d .,\u00a0\u202f']*\d|\d)\s*(?:€|eur|euros?)?\s*$", cell.text, re.I)
            if m and not re.search(r"%\s*$", cell.text):
                value = parse_number(m.group(1))
        if value is not None:
            return kind, value
        return kind, Decimal(0) if kind == "vat" else Decimal(-1)
    return None


def _read_table(rows: list[list[Cell]], table: _Table, source: str) -> _TableResult:
    roles = table.roles
    col: dict[str, list[int]] = {}
    for c, role in sorted(roles.items()):
        col.setdefault(role, []).append(c)

    def first(role: str) -> int | None:
        return col[role][0] if col.get(role) else None

    qty_c, unit_c = first(QTY), first(UNIT)
    descs = col.get(DESC) or []
    desc_c: int | None = None
    if descs:
        desc_c = descs[0]
        if len(descs) > 1:
            desc_c = max(
                descs,
                key=lambda c: sum(len((_cell(rows, r, c) or Cell("")).text) for r in range(table.end_row)),
            )
    net_c, price_c, gross_c, disc_c = first(NET), first(PRICE), first(GROSS), first(DISCOUNT)
    total_c, basis_c, line_no_c, ean_c = first(TOTAL), first(BASIS), first(LINE_NO), first(EAN)
    code_cols = _pick_code_columns(table)

    used: set[int] = set()
    if table.header_row is not None:
        used.update(range(table.header_top, table.header_row + 1))
    if table.title_row is not None:
        used.add(table.title_row)
    lines: list[OrderLine] = []
    line_rows: list[int] = []
    totals: list[tuple[str, Decimal, int]] = []
    last_was_line = False
    start = table.header_row + 1 if table.header_row is not None else table.first_row
    ended = False
    for r in range(start, table.end_row):
        cells = _row_text_cells(rows, r, table)
        if not cells:
            last_was_line = False
            continue
        if ended:
            found = _total_in_row(rows, r, table.first_col, table.last_col)
            if found is None:
                break
            totals.append((found[0], found[1], r))
            used.add(r)
            continue
        qty_cell = _cell(rows, r, qty_c) if qty_c is not None else None
        quantity, qty_unit = _quantity(qty_cell)
        found = _total_in_row(rows, r, table.first_col, table.last_col)
        code_here = bool(code_cols) and any(not _is_blank(_cell(rows, r, c)) for c in code_cols)
        if found and (quantity is None and not code_here or _label_outside(rows, r, table, (desc_c, qty_c))):
            totals.append((found[0], found[1], r))
            used.add(r)
            last_was_line = False
            if found[0] in ("vat", "gross"):
                ended = True
            continue
        code_text, code_cell, alt_codes = _code_of(rows, r, code_cols)
        desc_cell = _cell(rows, r, desc_c) if desc_c is not None else None
        description = clean_text(desc_cell.text) if desc_cell is not None else ""
        if (
            quantity is not None
            and quantity > 0
            and (description or code_text)
            and not (_SHIPPING.match(norm_label(description or code_text or "")))
        ):
            line = OrderLine()
            if description:
                line.description = description
                line.provenance["description"] = _prov(desc_cell, source)  # type: ignore[arg-type]
            if code_text and code_cell is not None:
                line.customer_sku = code_text
                line.provenance["customer_sku"] = _prov(code_cell, source)
            for i, alt in enumerate(alt_codes):
                line.provenance["alt_code" if i == 0 else f"alt_code_{i + 1}"] = _prov(alt, source)
            line.quantity = quantity
            line.provenance["quantity"] = _prov(qty_cell, source)  # type: ignore[arg-type]
            unit = None
            if unit_c is not None and not _is_blank(_cell(rows, r, unit_c)):
                unit_cell = _cell(rows, r, unit_c)
                assert unit_cell is not None
                unit = unit_of(unit_cell.text)
                if unit:
                    line.provenance["unit"] = _prov(unit_cell, source)
            if unit is None and qty_unit:
                unit = qty_unit
                line.provenance["unit"] = _prov(qty_cell, source)  # type: ignore[arg-type]
            line.unit = unit
            _set_prices(line, rows, r, table, net_c, price_c, gross_c, disc_c, total_c, basis_c, source)
            if line_no_c is not None:
                ln = cell_number(_cell(rows, r, line_no_c))
                if ln is not None and ln == ln.to_integral_value() and 0 < ln < 10**7:
                    line.line_no = int(ln)
                    line.provenance["line_no"] = _prov(_cell(rows, r, line_no_c), source)  # type: ignore[arg-type]
            if ean_c is not None:
                ean_cell = _cell(rows, r, ean_c)
                if ean_cell is not None and _looks_ean(ean_cell.text, (8, 12, 13, 14)):
                    line.ean = _digits(ean_cell.text)
                    line.provenance["ean"] = _prov(ean_cell, source)
            line.confidence = _line_confidence(line, table)
            lines.append(line)
            line_rows.append(r)
            used.add(r)
            last_was_line = True
            continue
        # a wrapped description: only the description cell is filled, right under a line
        only_desc = len(cells) == 1 and cells[0][0] == desc_c
        text = clean_text(cells[0][1].text) if only_desc else ""
        wrapped = only_desc and last_was_line and bool(lines) and bool(text) and len(text) <= 160
        # an upper-case row under a mixed-case line is a section heading, not the line's end
        heading = bool(lines) and text.isupper() and len(text) > 3 and not (lines[-1].description or "").isupper()
        if wrapped and not heading and not _NOTE.match(norm_label(text)):
            prev = lines[-1]
            prev.description = f"{prev.description} {text}" if prev.description else text
            used.add(r)
            continue
        last_was_line = False
        if not lines:
            used.add(r)  # a section title or a blank template row between header and first line
    if line_rows:
        # everything between the header and the last line belongs to the table
        top = table.header_row if table.header_row is not None else line_rows[0]
        used.update(r for r in range(top, line_rows[-1] + 1) if r not in used and _inside(rows, r, table))
    return _TableResult(table=table, lines=lines, rows_used=used, totals=totals, line_rows=set(line_rows))


def _inside(rows: list[list[Cell]], r: int, table: _Table) -> bool:
    """The row's cells all lie within the table's columns (a side table keeps its own rows)."""
    row = rows[r] if r < len(rows) else []
    return all(table.first_col <= c <= table.last_col for c, cell in enumerate(row) if not _is_blank(cell))


def _label_outside(rows: list[list[Cell]], r: int, table: _Table, found_cols: tuple[int | None, ...]) -> bool:
    """A total label in a row that also has a quantity ('Total : 45 pièces'): a total only when the
    description cell is empty or is nothing but a total phrase ('Montant placo M48' is an article)."""
    desc_c = found_cols[0]
    if desc_c is None:
        return True
    cell = _cell(rows, r, desc_c)
    return cell is None or _is_blank(cell) or is_total_phrase(cell.text)


_TOTAL_FILLER = frozenset(
    {
        "total",
        "totaux",
        "totale",
        "sous",
        "sub",
        "subtotal",
        "montant",
        "net",
        "nett",
        "ht",
        "h",
        "t",
        "ttc",
        "tvac",
        "tva",
        "vat",
        "excl",
        "incl",
        "hors",
        "taxe",
        "taxes",
        "tax",
        "eur",
        "euro",
        "euros",
        "general",
        "generale",
        "global",
        "globale",
        "commande",
        "order",
        "de",
        "du",
        "la",
        "le",
        "les",
        "des",
        "a",
        "payer",
        "pay",
        "to",
        "due",
        "lot",
        "page",
        "report",
        "reporter",
        "amount",
        "grand",
        "summe",
        "gesamt",
        "netto",
        "brutto",
        "mwst",
        "btw",
        "totaal",
        "zwischensumme",
        "subtotaal",
        "quantite",
        "quantites",
        "qte",
        "qty",
        "quantity",
        "articles",
        "lignes",
        "nombre",
        "items",
        "pieces",
        "bestellung",
        "bestelling",
        "ex",
    }
)


def is_total_phrase(text: str) -> bool:
    """'Total HT', 'Sous-total lot 2', 'TOTAL EUR', 'Total TTC 20 %': a total label and nothing else."""
    if total_kind(text) is None:
        return False
    words = [w for w in norm_label(text).split() if not w.isdigit()]
    return sum(1 for w in words if w not in _TOTAL_FILLER) <= 1


def _quantity(cell: Cell | None) -> tuple[Decimal | None, str | None]:
    if cell is None or _is_blank(cell):
        return None, None
    if isinstance(cell.value, (dt.date, dt.datetime)):
        return None, None
    n = cell_number(cell)
    if n is not None:
        return n, None
    return qty_from_text(cell.text)


def _code_of(rows: list[list[Cell]], r: int, code_cols: list[int]) -> tuple[str, Cell | None, list[Cell]]:
    found: list[Cell] = []
    for c in code_cols:
        cell = _cell(rows, r, c)
        if cell is not None and not _is_blank(cell):
            found.append(cell)
    if not found:
        return "", None, []
    return clean_text(found[0].text), found[0], found[1:]


def _set_prices(
    line: OrderLine,
    rows: list[list[Cell]],
    r: int,
    table: _Table,
    net_c: int | None,
    price_c: int | None,
    gross_c: int | None,
    disc_c: int | None,
    total_c: int | None,
    basis_c: int | None,
    source: str,
) -> None:
    price: Decimal | None = None
    price_col: int | None = None
    net = cell_number(_cell(rows, r, net_c)) if net_c is not None else None
    discount = cell_number(_cell(rows, r, disc_c)) if disc_c is not None else None
    total = cell_number(_cell(rows, r, total_c)) if total_c is not None else None
    if net is not None:
        price, price_col = net, net_c
    else:
        # without a net price column, "PU" (or a gross price) with a discount gives the net price,
        # unless the amount shows the price is already net
        for c in (price_c, gross_c):
            value = cell_number(_cell(rows, r, c)) if c is not None else None
            if value is None:
                continue
            price, price_col = value, c
            qty = line.quantity
            already_net = total is not None and qty is not None and _matches(qty, value, total)
            if discount is not None and 0 < discount < 100 and not already_net:
                price = _discounted(value, discount)
            break
    if price is not None and price_col is not None:
        basis = table.basis.get(price_col)
        if basis_c is not None:
            basis = cell_number(_cell(rows, r, basis_c)) or basis
        line.unit_price = price_per_unit(price, basis)
        line.provenance["unit_price"] = _prov(_cell(rows, r, price_col), source)  # type: ignore[arg-type]
    if total_c is not None and total is not None:
        line.line_total = total
        line.provenance["line_total"] = _prov(_cell(rows, r, total_c), source)  # type: ignore[arg-type]


def _discounted(price: Decimal, discount: Decimal) -> Decimal:
    net = (price * (Decimal(100) - discount) / Decimal(100)).quantize(Decimal("0.0001"))
    return net.quantize(Decimal(1)) if net == net.to_integral_value() else net.normalize()


def _line_confidence(line: OrderLine, table: _Table) -> float:
    confidence = 1.0
    multiplies = (
        line.quantity is not None
        and line.unit_price is not None
        and line.line_total is not None
        and _matches(line.quantity, line.unit_price, line.line_total)
    )
    if table.by_content:
        # columns told by their content only; quantity x price = amount confirms those three
        confidence -= 0.05 if multiplies else 0.15
    if line.quantity is not None and line.unit_price is not None and line.line_total is not None and not multiplies:
        confidence -= 0.2  # quantity x price does not give the printed amount
    if not line.description:
        confidence -= 0.1
    return round(max(confidence, 0.1), 2)


# --------------------------------------------------------------------------------------------
# The whole grid


def _line_key(line: OrderLine) -> tuple[str, str]:
    return (fold(line.customer_sku or ""), fold(line.description or "")[:60])


def lines_from_grid(
    rows: list[list[Cell]], source: str = "", earlier: list[OrderLine] | None = None, title: str = ""
) -> GridLines:
    """Find the order-line table(s) in `rows` and read them.

    `earlier`: lines already read from other sheets, so that a recap sheet repeating them is not
    read twice. `title`: the sheet's name, a recap sheet's title being its name.
    """
    result = GridLines()
    if not rows:
        return result
    tables = _find_tables(rows)
    if not tables:
        headerless = _find_headerless(rows)
        tables = [headerless] if headerless else []
    results: list[_TableResult] = []
    for table in tables:
        if table.header_row is not None:
            _table_title(rows, table)
        _settle_roles(rows, table)
        results.append(_read_table(rows, table, source))

    seen: list[tuple[tuple[str, str], int]] = [(_line_key(line), -1) for line in earlier or []]
    kept: list[_TableResult] = []
    for i, res in enumerate(results):
        if not res.lines:
            kept.append(res)
            continue
        label = norm_label(res.table.title or title)
        keys = [_line_key(line) for line in res.lines]
        earlier_keys = {k for k, _ in seen}
        dup = sum(1 for k in keys if k in earlier_keys) / len(keys)
        own_title = norm_label(res.table.title)
        # a recap titled as such after other lines; a sheet's name counts only after other sheets
        is_recap = bool(_RECAP_TITLE.search(own_title)) and (bool(seen) or i > 0)
        is_recap = is_recap or bool(earlier) and bool(_RECAP_TITLE.search(norm_label(title)))
        if not is_recap and dup >= 0.8 and len(keys) >= 2 and not _LOT_TITLE.search(label):
            is_recap = True
        if is_recap:
            where = f" '{res.table.title}'" if res.table.title else ""
            result.notes.append(
                f"table{where} repeats lines already read (recap): its {len(res.lines)} lines were left out"
            )
            res.lines = []
        else:
            seen.extend((k, i) for k in keys)
        kept.append(res)

    for res in kept:
        result.lines.extend(res.lines)
        result.table_rows |= res.rows_used
        if res.lines:
            result.tables += 1
            result.header_pairs.extend(_constant_columns(rows, res))
    result.printed_total = _printed_total(rows, kept, result.table_rows)
    return result


def _constant_columns(rows: list[list[Cell]], res: _TableResult) -> list[tuple[str, Cell]]:
    """Columns outside the line roles whose value is the same on every line (flat exports)."""
    out: list[tuple[str, Cell]] = []
    table = res.table
    line_rows = sorted(res.line_rows)
    for c, label in table.labels.items():
        if table.roles.get(c) not in (None, OTHER) and not delivery_address_part(label):
            continue
        values = [_cell(rows, r, c) for r in line_rows]
        cells = [v for v in values if v is not None and not _is_blank(v)]
        if cells and len({v.text.strip() for v in cells}) == 1:
            out.append((label, cells[0]))
    return out


def _printed_total(rows: list[list[Cell]], results: list[_TableResult], used: set[int]) -> Decimal | None:
    """The order's total excl. VAT as printed: net total, else the subtotals, else a plain total."""
    candidates: list[_TotalCandidate] = []
    seen_cells: set[tuple[int, Decimal]] = set()
    line_tables = [i for i, res in enumerate(results) if res.lines]
    for i, res in enumerate(results):
        for kind, value, r in res.totals:
            candidates.append(_TotalCandidate(kind, value, r, i))
            seen_cells.add((r, value))
    # totals anywhere else on the grid (a recap table beside the lines, a footer block)
    header_rows = {res.table.header_row for res in results}
    for r, row in enumerate(rows):
        if r in header_rows:
            continue
        for c, cell in enumerate(row):
            if _is_blank(cell) or cell_number(cell) is not None or not total_kind(cell.text):
                continue
            if any(res.table.first_col <= c <= res.table.last_col and r in res.line_rows for res in results):
                continue
            found = _total_in_row(rows, r, c, len(row) - 1)
            if found and (r, found[1]) not in seen_cells:
                seen_cells.add((r, found[1]))
                above = [i for i in line_tables if (results[i].table.header_row or 0) < r]
                table_index = max(above, default=-1)
                candidates.append(_TotalCandidate(found[0], found[1], r, table_index))
    candidates = [c for c in candidates if c.value >= 0 or c.kind == "vat"]
    nets = [c for c in candidates if c.kind == "net"]
    if nets:
        return max(c.value for c in nets)
    subs = [c for c in candidates if c.kind == "sub"]
    if subs:
        per_table: dict[int, Decimal] = {}
        for sub in subs:
            per_table[sub.table] = sub.value  # the last subtotal of each table
        if len(per_table) > 1 and len(per_table) >= len(line_tables):
            return sum(per_table.values(), Decimal(0))
        return max(c.value for c in subs)
    plains = [c for c in candidates if c.kind == "plain"]
    if plains:
        plain = plains[-1]
        vats = [c for c in candidates if c.kind == "vat" and c.row < plain.row]
        if vats:
            return plain.value - sum((v.value for v in vats), Decimal(0))
        return plain.value
    return None


# --------------------------------------------------------------------------------------------
# Header fields from label cells

_PO_LABEL = re.compile(
    r"^((n|no|nr|num|numero) )?(de |du )?((bon|bons) (de )?)?(commande|cde|bc|bdc|cmd)( (n|no|nr|numero"
    r"|fournisseur|client|achat|d achat|interne))*( n| no)?$"
    r"|^(n|no|nr|numero|ref|reference|votre ref|v ref)( de)? (commande|cde|bc|bdc|cmd)( n)?$"
    r"|^(purchase )?order( (no|nr|n|number|num|ref|reference|id))?$|^(po|p o|p o no|po no|po nr|po number"
    r"|po n|po ref|purchase order number)$"
    r"|^(bestellung|bestellnummer|bestell nr|bestellnr|auftrag|auftragsnummer|auftrags nr)( nr| n)?$"
    r"|^(bestelling|bestelnummer|bestelbon|ordernummer|order nummer|bestelbon nr"
    r"|bestelling nr|bestelreferentie)( nr)?$|^your order( no| number| ref)?$"
)
_ORDER_DATE_LABEL = re.compile(
    r"^(date|dated|le|du|date (de )?(la )?(commande|cde|bc|bdc|emission|edition|document|piece)"
    r"|date d emission"
    r"|emis le|etabli le|order date|po date|date of order|date ordered|issue date|issued|bestelldatum|datum"
    r"|auftragsdatum|besteldatum|orderdatum|date commande|date cde|date bc)$"
)
_DELIVERY_DATE_LABEL = re.compile(
    r"^((date )?(de )?livraison( (le|souhaitee|souhaite|demandee|prevue|voulue|imperative|au plus tard))?"
    r"|date (de )?livraison( \w+)*|livrer le|livre le|a livrer le|livraison le|livraison pour le|pour le"
    r"|delai|delai (de )?livraison( \w+)*|date (de )?besoin|besoin le|date souhaitee|date de reception"
    r"|(requested |required |desired |expected |wanted )?delivery( date)?|deliver by|delivery by|required by"
    r"|need by|needed by|requested date|ship date|due date|liefertermin|lieferdatum|wunschtermin"
    r"|gewunschter liefertermin|liefertag|leverdatum|gewenste leverdatum|leveringsdatum|levering"
    r"|leverdatum gewenst|livraison souhaitee)$"
)
_ADDRESS_LABEL = re.compile(
    r"^((adresse|lieu|site|point|adr) (de )?livraison|livraison|livrer|livrer a|a livrer a|livre a"
    r"|livraison a"
    r"|adresse de livraison|lieu de livraison|ship to|shipping address|delivery address|deliver to"
    r"|delivery to|delivery location|delivery point|delivery|consignee|lieferadresse|lieferanschrift"
    r"|lieferung an|anlieferadresse|lieferort|leveradres|afleveradres|leveringsadres|leveren aan"
    r"|adres levering|levering|destinataire)$"
)
_CURRENCY_LABEL = re.compile(r"^(devise|currency|monnaie|wahrung|valuta|munteenheid)$")
_BUYER_LABEL = re.compile(
    r"^(client|acheteur|buyer|customer|bill to|billed to|sold to|facturer a|facture a"
    r"|donneur d ordre|kunde|auftraggeber|besteller|klant|koper|societe|company"
    r"|raison sociale|emetteur|sender|from)$"
)
_SUPPLIER_LABEL = re.compile(r"^(fournisseur|supplier|vendor|lieferant|leverancier|a l attention de|to|a)$")
_NOT_A_PO = re.compile(r"^(n|no|nr|#|:|\s)+", re.I)


def _label_of(text: str) -> str:
    """A label cell's words without the trailing colon or 'n°'."""
    t = norm_label(text)
    return re.sub(r"\s+", " ", t).strip()


@functools.lru_cache(maxsize=8192)
def label_field(text: str) -> str | None:
    """The order field a label cell names: po_number, order_date, delivery_date, address, currency,
    buyer, supplier; None when it is no label."""
    raw = clean_text(text)
    if not raw or len(raw) > 50 or cell_number(Cell(raw)) is not None:
        return None
    t = _label_of(raw)
    if not t:
        return None
    if _DELIVERY_DATE_LABEL.match(t) and _ADDRESS_LABEL.match(t):
        return "delivery"  # "Livraison": a date or an address, the value decides
    for name, pattern in (
        ("po_number", _PO_LABEL),
        ("order_date", _ORDER_DATE_LABEL),
        ("delivery_date", _DELIVERY_DATE_LABEL),
        ("address", _ADDRESS_LABEL),
        ("currency", _CURRENCY_LABEL),
        ("buyer", _BUYER_LABEL),
        ("supplier", _SUPPLIER_LABEL),
    ):
        if pattern.match(t):
            return name
    return None


def _po_value(cell: Cell) -> str | None:
    text = clean_text(cell.text)
    text = _NOT_A_PO.sub("", text).strip(" :#°")
    if isinstance(cell.value, (dt.date, dt.datetime)):
        return None
    if not text or len(text) > 35 or text.count(" ") > 2 or not any(ch.isdigit() for ch in text):
        return None
    if parse_date(text) is not None and re.fullmatch(r"[\d./-]+", text) and len(text) >= 8:
        return None
    return text


def _set_field(order: Order, name: str, value: object, cell: Cell, source: str, confidence: float) -> bool:
    if getattr(order, name) is not None:
        return False
    setattr(order, name, value)
    order.provenance[name] = _prov(cell, source)
    order.confidence[name] = confidence
    return True


def header_fields_from_grid(
    rows: list[list[Cell]],
    order: Order,
    skip_rows: set[int] | None = None,
    pairs: list[tuple[str, Cell]] | None = None,
    source: str = "",
) -> None:
    """Fill order fields still None from label/value cells ('N° de commande' | '2026-117').

    The value is the next filled cell to the right of the label, else the cell below it. `pairs`
    are (column title, value) from a flat export's repeated columns.
    """
    skip = skip_rows or set()
    found: list[tuple[str, str, Cell, list[Cell]]] = []  # (field, label, value, continuation cells)
    for r, row in enumerate(rows):
        if r in skip:
            continue
        for c, cell in enumerate(row):
            if _is_blank(cell):
                continue
            name = label_field(cell.text)
            if name is None:
                continue
            at = _value_right(row, c)
            value_row, value_col = r, (at[0] if at else -1)
            value = at[1] if at else None
            if value is None:
                below = _cell(rows, r + 1, c)
                if below is not None and not _is_blank(below) and r + 1 not in skip:
                    value = None if label_field(below.text) else below
                    value_row, value_col = r + 1, c
            if value is None:
                continue
            more = []
            if name in ("address", "delivery"):
                more = _address_continuation(rows, value_row, value_col, c, skip)
            found.append((name, cell.text, value, more))
    split_address = _address_from_parts(pairs or [])
    if split_address is not None:
        _set_field(order, "delivery_address", split_address[0], split_address[1], source, 0.9)
    for label, cell in pairs or []:
        name = label_field(label)
        if name and not (split_address and delivery_address_part(label)):
            found.append((name, label, cell, []))

    addresses: list[tuple[float, str, Cell]] = []
    for name, label, value, more in found:
        if name == "delivery":
            name = "delivery_date" if _cell_date(value) is not None else "address"
        if name == "po_number":
            po = _po_value(value)
            if po:
                _set_field(order, "po_number", po, value, source, 0.95)
        elif name in ("order_date", "delivery_date"):
            date = _cell_date(value)
            if date and 2000 <= date.year <= 2100:
                attr = "order_date" if name == "order_date" else "requested_delivery_date"
                _set_field(order, attr, date, value, source, 0.95)
        elif name == "address":
            parts = [clean_text(value.text)] + [clean_text(m.text) for m in more]
            text = ", ".join(p.strip(" ,") for p in parts if p)
            if len(text) >= 8 and re.search(r"[A-Za-z]", text) and _cell_date(value) is None:
                addresses.append((_address_score(text, label), text, value))
        elif name == "currency":
            code = clean_text(value.text).upper()
            if re.fullmatch(r"[A-Z]{3}", code):
                _set_field(order, "currency", code, value, source, 0.95)
            elif "€" in code:
                _set_field(order, "currency", "EUR", value, source, 0.9)
        elif name == "buyer":
            text = clean_text(value.text)
            if text and text not in order.customer_hints.names and cell_number(value) is None:
                order.customer_hints.names.append(text)
    if addresses and order.delivery_address is None:
        score, text, cell = max(addresses, key=lambda a: a[0])
        _set_field(order, "delivery_address", text, cell, source, 0.9 if score >= 2 else 0.7)


_DELIVERY_WORD = re.compile(r"ship|deliver|livr|liefer|lever|dest")
_ADDRESS_PARTS = (
    ("country", re.compile(r"country|pays|land\b|paese")),
    ("zip", re.compile(r"zip|post(al)?\s*code|postcode|\bcp\b|code\s*postal|plz|postleitzahl")),
    ("city", re.compile(r"city|town|ville|\bort\b|stadt|localit|gemeente|plaats")),
    ("street", re.compile(r"street|str(asse|aße)?\b|rue|adresse|address|addr|straat|line\s*\d|\d$")),
    ("name", re.compile(r"name|nom|raison|company|soci[ée]t[ée]|firma|site")),
)


def delivery_address_part(label: str) -> str | None:
    """Which part of a delivery address a column title names when a flat export splits it
    ('ship_to_street', 'CP livraison', 'Lieferadresse PLZ'); None for anything else."""
    t = norm_label(label.replace("_", " "))
    if not _DELIVERY_WORD.search(t):
        return None
    for part, pattern in _ADDRESS_PARTS:
        if pattern.search(t):
            return part
    return None


def _address_from_parts(pairs: list[tuple[str, Cell]]) -> tuple[str, Cell] | None:
    """One address line from split delivery columns: name, street lines, 'zip city', a foreign country."""
    parts: dict[str, list[str]] = {}
    first: Cell | None = None
    for label, cell in pairs:
        part = delivery_address_part(label)
        text = clean_text(cell.text)
        if part and text:
            parts.setdefault(part, []).append(text)
            first = first or cell
    if first is None or not ({"street", "city"} <= parts.keys() or {"street", "zip"} <= parts.keys()):
        return None
    town = " ".join(parts.get("zip", []) + parts.get("city", []))
    country = [c for c in parts.get("country", []) if fold(c) not in ("fr", "fra", "france")]
    pieces = parts.get("name", []) + parts["street"] + ([town] if town else []) + country
    return ", ".join(pieces), first


def _address_score(text: str, label: str) -> float:
    """How much a labelled value looks like a postal address (a postcode and town, commas)."""
    score = 0.0
    if re.search(r"\b(\d{4,5}|[A-Z]{1,2}-\d{4,5})\s+[^\W\d]", text):
        score += 2
    if re.search(r"adres|anschrift", norm_label(label)):
        score += 1
    return score + 0.1 * min(text.count(","), 3)


def _value_right(row: list[Cell], c: int) -> tuple[int, Cell] | None:
    for cc in range(c + 1, min(len(row), c + 5)):
        cell = row[cc]
        if _is_blank(cell):
            continue
        if label_field(cell.text):
            return None  # the next cell is another label: values are below
        return cc, cell
    return None


def _address_continuation(
    rows: list[list[Cell]], value_row: int, value_col: int, label_col: int, skip: set[int]
) -> list[Cell]:
    """Cells right under an address value that continue it (street, then postcode and town), in its
    column, up to a blank cell, a label, or a row where the label column starts something else."""
    out: list[Cell] = []
    for rr in range(value_row + 1, min(len(rows), value_row + 5)):
        if rr in skip:
            break
        cell = _cell(rows, rr, value_col)
        if cell is None or _is_blank(cell) or label_field(cell.text) or cell_number(cell) is not None:
            break
        if label_col != value_col and not _is_blank(_cell(rows, rr, label_col)):
            break
        out.append(cell)
    return out


def grid_text(rows: list[list[Cell]], skip_rows: set[int] | None = None) -> str:
    """The rows not used by a table, cells joined with three spaces, one row a line."""
    skip = skip_rows or set()
    out = []
    for r, row in enumerate(rows):
        if r in skip:
            continue
        texts = [clean_text(cell.text) for cell in row if not _is_blank(cell)]
        if texts:
            out.append("   ".join(texts))
    return "\n".join(out)
