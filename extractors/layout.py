"""Page layout: words with boxes -> text lines, rendered text and table rows.

Shared by the digital PDF reader (words from pdfplumber) and OCR (words from tesseract):
both give `Word`s in page coordinates (points, origin top-left) and get back
- `group_lines`: the words of one visual line together, left to right;
- `render_text`: the page as plain text where columns keep their position, so that a
  label and its value stay on one line and a block under a label can be followed down;
- `find_tables`: the order-line table(s) of a document as rows of `tables.Cell`, one row per
  item, with wrapped descriptions joined and notes / label:value sub-rows kept apart.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extractors.parsing import find_dates, fold, is_valid_ean, parse_number, parse_quantity_unit
from extractors.tables import Cell
from orderintake.domain import Provenance


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int = 1
    font: str = ""
    size: float = 0.0  # font size; OCR gives the line height
    conf: float = 1.0  # OCR confidence 0..1

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def em(self) -> float:
        return self.size or self.height

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def italic(self) -> bool:
        name = self.font.lower()
        return "italic" in name or "oblique" in name

    @property
    def monospace(self) -> bool:
        name = self.font.lower()
        return any(key in name for key in ("mono", "courier", "consol", "typewriter"))


@dataclass
class Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def cy(self) -> float:
        return statistics.median(w.cy for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def em(self) -> float:
        return statistics.median(w.em for w in self.words)

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def phrases(self) -> list[list[Word]]:
        """Runs of words separated by less than a column gap."""
        out: list[list[Word]] = []
        for word in self.words:
            if out and word.x0 - out[-1][-1].x1 <= column_gap(out[-1][-1], word):
                out[-1].append(word)
            else:
                out.append([word])
        return out


@dataclass(frozen=True)
class Rule:
    """A ruling line drawn on the page (table borders)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def vertical(self) -> bool:
        return (self.x1 - self.x0) < 2.5 and (self.bottom - self.top) > 4

    @property
    def horizontal(self) -> bool:
        return (self.bottom - self.top) < 2.5 and (self.x1 - self.x0) > 4


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = group_lines(self.words)


def column_gap(left: Word, right: Word) -> float:
    """The horizontal gap above which two words on a line belong to different columns."""
    if left.monospace and right.monospace:
        char = max((left.x1 - left.x0) / max(len(left.text), 1), (right.x1 - right.x0) / max(len(right.text), 1))
        return 1.5 * char  # one space is a word gap, two are a column gap
    if left.font == "ocr" or right.font == "ocr":
        return 0.8 * max(left.em, right.em)  # OCR word boxes are loose: spaces vary more
    return 0.45 * max(left.em, right.em)


def group_lines(words: Iterable[Word]) -> list[Line]:
    """Cluster words into visual lines (vertical centres close), each sorted left to right."""
    lines: list[Line] = []
    open_lines: list[tuple[float, float, list[Word]]] = []  # (cy, height, words)
    for word in sorted(words, key=lambda w: (w.page, w.cy, w.x0)):
        placed = False
        for index in range(len(open_lines) - 1, -1, -1):
            cy, height, members = open_lines[index]
            if members[0].page != word.page:
                continue
            if abs(word.cy - cy) <= 0.45 * min(height, word.height) and not _overlaps_any(word, members):
                members.append(word)
                open_lines[index] = (statistics.median(w.cy for w in members), height, members)
                placed = True
                break
            if word.cy - cy > height:
                break
        if not placed:
            open_lines.append((word.cy, word.height, [word]))
    for _, _, members in open_lines:
        lines.append(Line(sorted(members, key=lambda w: w.x0)))
    lines.sort(key=lambda line: (line.page, line.top, line.x0))
    return lines


def _overlaps_any(word: Word, members: list[Word]) -> bool:
    # two words printed over each other (a stamp over text) are not one line
    return any(min(word.x1, m.x1) - max(word.x0, m.x0) > 0.5 * min(word.x1 - word.x0, m.x1 - m.x0) for m in members)


def render_text(lines: Sequence[Line], char_width: float | None = None) -> str:
    """Plain text of `lines` (one page) with columns kept at their place.

    Words of one phrase are joined by one space; phrases further apart are placed at their x
    position (and at least two spaces apart), so that a value printed under a label stays under
    it. A blank line marks a vertical gap larger than a line.
    """
    return render_text_spans(lines, char_width)[0]


def render_text_spans(
    lines: Sequence[Line], char_width: float | None = None
) -> tuple[str, list[tuple[int, int, Word]]]:
    """`render_text` and where each word landed in it: (start, end, word), offsets in the text."""
    if not lines:
        return "", []
    words = [w for line in lines for w in line.words]
    if char_width is None:
        widths = [(w.x1 - w.x0) / len(w.text) for w in words if len(w.text) >= 2]
        char_width = 0.85 * statistics.median(widths) if widths else 5.0
    out: list[str] = []
    spans: list[tuple[int, int, Word]] = []
    offset = 0  # where the current line starts in the whole text
    previous: Line | None = None
    for line in lines:
        if previous is not None:
            gap = line.top - previous.bottom
            if gap > 0.9 * min(previous.height, line.height) + 1.0 or line.page != previous.page:
                out.append("")
                offset += 1
        text = ""
        for phrase in line.phrases():
            column = int(round(phrase[0].x0 / char_width))
            if text:
                column = max(column, len(text) + 2)
            text = text.ljust(column)
            for index, word in enumerate(phrase):
                if index:
                    text += " "
                spans.append((offset + len(text), offset + len(text) + len(word.text), word))
                text += word.text
        out.append(text.rstrip())
        offset += len(out[-1]) + 1
        previous = line
    return "\n".join(out), spans


# ----------------------------------------------------------------------------------- tables

# Header words by role (folded). A table header has words of several roles on one band.
_HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "qty": (
        "qte",
        "qty",
        "quantite",
        "quantity",
        "quantites",
        "menge",
        "aantal",
        "qt",
        "nombre",
        "nb",
        "anzahl",
        "hoeveelheid",
        "qtte",
        "qtes",
        "quant",
        "quantity ordered",
        "cantidad",
    ),
    "price": (
        "prix",
        "price",
        "pu",
        "p.u",
        "p.u.",
        "tarif",
        "preis",
        "prijs",
        "eenheidsprijs",
        "einzelpreis",
        "unit price",
        "unitaire",
        "cost",
        "rate",
        "stuckpreis",
        "e-preis",
        "ep",
        "netto-preis",
    ),
    "amount": (
        "montant",
        "total",
        "amount",
        "betrag",
        "bedrag",
        "valeur",
        "value",
        "totaal",
        "gesamt",
        "gesamtpreis",
        "summe",
        "line total",
        "net amount",
    ),
    "desc": (
        "designation",
        "description",
        "libelle",
        "article",
        "produit",
        "product",
        "item",
        "bezeichnung",
        "artikel",
        "omschrijving",
        "beschrijving",
        "objet",
        "fourniture",
        "fournitures",
        "materiel",
        "artikelbezeichnung",
        "text",
        "descriptif",
        "intitule",
        "denomination",
        "produkt",
    ),
    "ref": (
        "ref",
        "ref.",
        "reference",
        "code",
        "sku",
        "art",
        "art.",
        "artikel-nr",
        "artikel-nr.",
        "artikelnummer",
        "artikelnr",
        "part",
        "ean",
        "referentie",
        "item no",
        "material",
        "materiel",
        "artnr",
        "cod",
    ),
    "unit": ("unite", "unit", "un", "uq", "uom", "me", "eh", "einheit", "eenheid", "u", "uv", "um", "unites"),
}
_ROLE_OF: dict[str, str] = {}
for _role, _words in _HEADER_ROLES.items():
    for _w in _words:
        _ROLE_OF.setdefault(_w, _role)

_TOTAL_WORDS = re.compile(
    r"\b(total|totaux|sous-total|subtotal|sub-total|montant total|net a payer|tva|ttc|vat|btw|mwst|ust|"
    r"gesamt\w*|summe|totaal|netto|net total|grand total|port|frais de port|shipping|remise globale|"
    r"valeur totale|total ht|base ht|escompte|acompte)\b"
)
_CARRIED_WORDS = re.compile(
    r"^\W*(a reporter|report|reporte|transport|a transporter|ubertrag|uebertrag|carried forward|"
    r"brought forward|carry forward|c/f|b/f|vervoer|over te brengen|sous-total page|total page)\b"
)
_LABEL_VALUE = re.compile(r"^\s*[^\W\d][\w.'’\- /]{0,30}?\s?:\s*\S")
_DASHES = re.compile(r"^[-=_.*+|]{2,}$")


def _role_tokens(text: str) -> list[str]:
    folded = fold(text)
    tokens = [t.strip(".:/()[]") for t in re.split(r"[\s/|]+", folded) if t.strip(".:/()[]")]
    return tokens


def header_roles(text: str) -> set[str]:
    """The table-header roles named in `text` ('Qté', 'P.U. HT', 'Désignation'...)."""
    roles: set[str] = set()
    folded = fold(text)
    for phrase in ("unit price", "item no", "line total", "net amount", "quantity ordered"):
        if phrase in folded:
            roles.add(_ROLE_OF[phrase])
    for token in _role_tokens(text):
        role = _ROLE_OF.get(token) or _ROLE_OF.get(token + ".")
        if role:
            roles.add(role)
    return roles


def _is_numeric(text: str) -> bool:
    text = text.strip()
    if not text or not any(c.isdigit() for c in text):
        return False
    if parse_number(text) is not None:
        return True
    qty, _unit = parse_quantity_unit(text)
    return qty is not None


def _is_number_token(text: str) -> bool:
    return parse_number(text) is not None


@dataclass
class _Column:
    x0: float
    x1: float
    header: list[Word] = field(default_factory=list)
    exact: bool = False  # bounds drawn on the page (rules, dashes): split words at the bounds

    @property
    def header_text(self) -> str:
        rows: list[list[Word]] = []
        for word in sorted(self.header, key=lambda w: (w.cy, w.x0)):
            if rows and abs(rows[-1][0].cy - word.cy) < 0.45 * word.height:
                rows[-1].append(word)
            else:
                rows.append([word])
        return " ".join(" ".join(w.text for w in sorted(row, key=lambda w: w.x0)) for row in rows)


@dataclass
class _Header:
    lines: list[Line]
    columns: list[_Column]

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(fold(c.header_text) for c in self.columns)


@dataclass
class TableRow:
    """One row of a table as read from the page."""

    kind: str  # "title", "header", "item", "total"
    cells: list[Cell]
    ean: str | None = None
    notes: list[str] = field(default_factory=list)  # sub-rows that are not the description
    info: dict[str, str] = field(default_factory=dict)  # label:value sub-rows ("Votre réf.": "CAB-1")


@dataclass
class Table:
    rows: list[TableRow] = field(default_factory=list)
    description_column: int | None = None

    def grid(self) -> list[list[Cell]]:
        return [row.cells for row in self.rows]


def find_header(page: PageLayout, start: int = 0, relaxed: bool = False) -> tuple[int, int] | None:
    """(first, last) line index of the first table-header band at or after line `start`.

    `relaxed`: two roles are enough when they are a quantity and a description (a handwritten
    order book: 'Qté | Désignation'); only for OCR words, and only tried when nothing else was
    found."""
    lines = page.lines
    for index in range(start, len(lines)):
        line = lines[index]
        roles = header_roles(line.text)
        if len(roles) < 2 or _numeric_count(line) > 1:
            continue
        first, last = index, index
        # multi-line headers: neighbouring short lines just above / below ("Prix unitaire" / "HT")
        while first > 0 and _header_companion(lines[first - 1], lines[first], line):
            first -= 1
        while last + 1 < len(lines) and _header_companion(lines[last + 1], lines[last], line):
            last += 1
        band_roles: set[str] = set()
        for member in lines[first : last + 1]:
            band_roles |= header_roles(member.text)
        if len(band_roles) >= 3 and band_roles & {"qty", "price", "amount"} and band_roles & {"desc", "ref"}:
            return first, last
        if relaxed and "qty" in band_roles and band_roles & {"desc", "ref"} and _is_ocr(line):
            return first, last
    return None


def _is_ocr(line: Line) -> bool:
    return all(w.font == "ocr" for w in line.words)


def _numeric_count(line: Line) -> int:
    return sum(1 for w in line.words if _is_number_token(w.text) and not w.text.endswith("%"))


def _header_companion(candidate: Line, neighbour: Line, main: Line) -> bool:
    if candidate.page != main.page or _numeric_count(candidate) > 0:
        return False
    distance = abs(candidate.cy - neighbour.cy)
    if distance > 1.35 * main.em:
        return False
    return not (any(len(p) > 4 for p in candidate.phrases()) or _LABEL_VALUE.match(candidate.text))


def _header_cells(band: list[Line]) -> list[tuple[float, float, list[Word]]]:
    """Header phrases, stacked vertically when they overlap in x ('Prix unitaire' over 'HT')."""
    main = max(band, key=lambda line: len(header_roles(line.text)))
    phrases: list[list[Word]] = [
        p
        for line in band
        if line is not main
        for p in line.phrases()
        if not _DASHES.match(p[0].text) and not _ocr_speck(p)
    ]
    cells: list[tuple[float, float, list[Word]]] = [
        (p[0].x0, p[-1].x1, list(p)) for p in main.phrases() if not _ocr_speck(p)
    ]
    for phrase in phrases:
        x0, x1 = phrase[0].x0, phrase[-1].x1
        best, best_overlap = -1, 0.0
        for index, (cx0, cx1, _) in enumerate(cells):
            overlap = min(x1, cx1) - max(x0, cx0)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        if best >= 0:
            cx0, cx1, members = cells[best]
            cells[best] = (min(cx0, x0), max(cx1, x1), members + list(phrase))
        else:
            cells.append((x0, x1, list(phrase)))
    cells.sort(key=lambda c: c[0])
    return cells


def _ocr_speck(phrase: list[Word]) -> bool:
    """A lone mark OCR read in a header row ('-', '.', '|' of a rule's remains): no column."""
    return all(w.font == "ocr" for w in phrase) and not any(c.isalnum() for w in phrase for c in w.text)


def _vertical_separators(page: PageLayout, top: float, bottom: float, x0: float, x1: float) -> list[float]:
    xs: list[float] = []
    for rule in page.rules:
        if not rule.vertical:
            continue
        if rule.top > bottom or rule.bottom < top:
            continue
        x = (rule.x0 + rule.x1) / 2
        if x0 - 20 <= x <= x1 + 20:
            xs.append(x)
    xs.sort()
    merged: list[float] = []
    for x in xs:
        if merged and x - merged[-1] < 6:
            continue
        merged.append(x)
    return merged


def _body_intervals(lines: list[Line]) -> list[tuple[float, float]]:
    """x-intervals covered by the phrases of `lines` (their union): one per column of text."""
    spans = sorted((p[0].x0, p[-1].x1) for line in lines for p in line.phrases())
    out: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if out and x0 <= out[-1][1] + 1.0:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    return out


def _columns_for(page: PageLayout, band: list[Line], body: list[Line]) -> list[_Column]:
    cells = _header_cells(band)
    top = min(line.top for line in band)
    bottom = max(line.bottom for line in body) if body else max(line.bottom for line in band)
    x0 = min([c[0] for c in cells] + [line.x0 for line in body])
    x1 = max([c[1] for c in cells] + [line.x1 for line in body])
    separators = _vertical_separators(page, top, bottom, x0, x1)
    inner = [x for x in separators if x0 + 3 < x < x1 - 3]
    if len(inner) >= 2 and any(w.font == "ocr" for _, _, words in cells for w in words):
        inner = _complete_separators(inner, cells)
    if len(inner) >= 2:
        edges = [min(x0, separators[0]) - 1] + inner + [max(x1, separators[-1]) + 1]
        columns = [_Column(a, b, exact=True) for a, b in zip(edges, edges[1:], strict=False)]
        for _, _, words in cells:
            for word in words:
                target = _column_index(columns, (word.x0 + word.x1) / 2)
                columns[target].header.append(word)
        return [c for c in columns if c.header or _has_body(c, body)]
    dash_columns = _dash_columns(body)
    if len(dash_columns) >= 3:
        # a text printout underlines each header with dashes: those are the columns
        columns = [_Column(a, b, exact=True) for a, b in dash_columns]
        for _, _, words in cells:
            for word in words:
                columns[_column_index(columns, (word.x0 + word.x1) / 2)].header.append(word)
        return columns
    columns = [_Column(a, b, list(words)) for a, b, words in cells]
    # widen each header column to the body text under it (numbers are right-aligned, text overflows)
    intervals = _body_intervals([ln for ln in body if not _is_rule_line(ln)])
    for ix0, ix1 in intervals:
        best, best_overlap = -1, 0.0
        for index, column in enumerate(columns):
            overlap = min(ix1, column.x1) - max(ix0, column.x0)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        if best < 0:
            best = _left_header(columns, ix0, ix1)
        if best < 0:
            continue
        column = columns[best]
        column.x0, column.x1 = min(column.x0, ix0), max(column.x1, ix1)
    return columns


def _left_header(columns: list[_Column], x0: float, x1: float) -> int:
    """The column of body text under no header: numbers right-aligned in their column sit right
    of a left-aligned header ('Qté' over '  12'), before the next header starts."""
    for index, column in enumerate(columns):
        following = columns[index + 1].x0 if index + 1 < len(columns) else float("inf")
        if column.x1 <= x0 and x1 < following:
            return index
    return -1


def _complete_separators(inner: list[float], cells: list[tuple[float, float, list[Word]]]) -> list[float]:
    """Vertical lines found by OCR on a scan can miss one (faint, broken): two header cells
    between the same two lines get a separator halfway between them."""
    out = list(inner)
    ordered = sorted(cells, key=lambda c: c[0])
    for (_, left_x1, _), (right_x0, _, _) in zip(ordered, ordered[1:], strict=False):
        if right_x0 <= left_x1:
            continue
        if not any(left_x1 - 1 <= x <= right_x0 + 1 for x in out):
            out.append((left_x1 + right_x0) / 2)
    return sorted(out)


def _has_body(column: _Column, body: list[Line]) -> bool:
    return any(column.x0 <= (w.x0 + w.x1) / 2 <= column.x1 for line in body for w in line.words)


def _is_rule_line(line: Line) -> bool:
    return all(_DASHES.match(w.text) for w in line.words) and any(len(w.text) >= 3 for w in line.words)


def _dash_columns(body: list[Line]) -> list[tuple[float, float]]:
    """Column extents from a '---- ------ ---' underline row (text printouts)."""
    for line in body[:2]:
        if _is_rule_line(line) and len(line.words) >= 3:
            return [(w.x0, w.x1) for w in line.words]
    return []


def _column_index(columns: Sequence[_Column], x: float) -> int:
    best, best_distance = 0, float("inf")
    for index, column in enumerate(columns):
        if column.x0 <= x <= column.x1:
            return index
        distance = min(abs(x - column.x0), abs(x - column.x1))
        if distance < best_distance:
            best, best_distance = index, distance
    return best


def _split_line(line: Line, columns: Sequence[_Column]) -> list[list[Word]]:
    """Words of `line` per column. A phrase overlapping one column is kept whole."""
    out: list[list[Word]] = [[] for _ in columns]
    for phrase in line.phrases():
        x0, x1 = phrase[0].x0, phrase[-1].x1
        owners = [i for i, c in enumerate(columns) if min(x1, c.x1) - max(x0, c.x0) > 0]
        if columns and columns[0].exact:
            for word in phrase:
                out[_column_index(columns, (word.x0 + word.x1) / 2)].append(word)
            continue
        if len(owners) == 1:
            out[owners[0]].extend(phrase)
            continue
        if owners and _is_numeric(_words_text(phrase)):
            # an amount ('1 470,48 €') is one value: it goes where most of it stands
            best = max(owners, key=lambda i: min(x1, columns[i].x1) - max(x0, columns[i].x0))
            out[best].extend(phrase)
            continue
        for word in phrase:
            out[_column_index(columns, (word.x0 + word.x1) / 2)].append(word)
    return out


def _words_text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words).strip()


def _bbox(words: Sequence[Word]) -> tuple[float, float, float, float]:
    return (
        round(min(w.x0 for w in words), 2),
        round(min(w.top for w in words), 2),
        round(max(w.x1 for w in words), 2),
        round(max(w.bottom for w in words), 2),
    )


def _cell(words: Sequence[Word], source: str) -> Cell:
    if not words:
        return Cell("")
    text = _words_text(words)
    provenance = Provenance(source=source, page=words[0].page, bbox=_bbox(words), text=text)
    return Cell(text, None, provenance)


def _table_region(page: PageLayout, first: int, last: int) -> tuple[list[Line], list[Line], bool, int]:
    """Body lines, total lines, whether the table ended on this page, and the next line index."""
    band = page.lines[first : last + 1]
    em = statistics.median(line.em for line in band)
    left = min(line.x0 for line in band)
    right = max(line.x1 for line in band)
    return _region_from(page, last + 1, max(line.bottom for line in band), em, left, right)


def _region_from(
    page: PageLayout, start: int, previous_bottom: float, em: float, left: float, right: float
) -> tuple[list[Line], list[Line], bool, int]:
    lines = page.lines
    body: list[Line] = []
    totals: list[Line] = []
    index = start
    closed = False
    while index < len(lines):
        line = lines[index]
        folded = fold(line.text)
        gap = line.top - previous_bottom
        if totals:
            if _TOTAL_WORDS.search(folded) and gap < 3 * em and _numeric_count(line) >= 1:
                totals.append(line)
                previous_bottom = line.bottom
                index += 1
                continue
            closed = True
            break
        if _CARRIED_WORDS.search(folded):
            closed = False
            index += 1
            break
        if body and _is_header_line(line):
            break  # another table header
        if body and gap > 3.2 * em:
            closed = True
            break
        if line.x1 < left - 2 * em or line.x0 > right + 2 * em:
            index += 1
            continue
        if _TOTAL_WORDS.search(folded) and _numeric_count(line) >= 1 and not _has_item_shape(line, left):
            totals.append(line)
            previous_bottom = line.bottom
            index += 1
            continue
        body.append(line)
        previous_bottom = line.bottom
        index += 1
    else:
        closed = bool(totals)
    return body, totals, closed, index


def _has_item_shape(line: Line, left: float) -> bool:
    # "Total" can be part of a description; an item row starts at the table's left edge
    return line.x0 <= left + 5 and _numeric_count(line) >= 3


def _is_header_line(line: Line) -> bool:
    roles = header_roles(line.text)
    return len(roles) >= 3 and _numeric_count(line) <= 1 and bool(roles & {"qty", "price", "amount"})


def _rules_between(page: PageLayout, top: float, bottom: float, x0: float, x1: float) -> bool:
    for rule in page.rules:
        inside = rule.horizontal and top < (rule.top + rule.bottom) / 2 < bottom
        if inside and min(rule.x1, x1) - max(rule.x0, x0) > 0.3 * (x1 - x0):
            return True
    return False


def _read_region(
    page: PageLayout, header: _Header, body: list[Line], totals: list[Line], source: str
) -> tuple[list[TableRow], int | None]:
    columns = header.columns
    split = [_split_line(line, columns) for line in body if not _is_rule_line(line)]
    content = [line for line in body if not _is_rule_line(line)]
    if not content:
        return [], None
    numeric = [bool(header_roles(c.header_text) & {"qty", "price", "amount"}) for c in columns]
    if any(numeric):
        split = [[_ocr_digits(words) if numeric[i] else words for i, words in enumerate(cells)] for cells in split]
    # the description column: the one holding the most letters
    letters = [0] * len(columns)
    for cells in split:
        for index, words in enumerate(cells):
            letters[index] += sum(1 for c in _words_text(words) if c.isalpha())
    desc = max(range(len(columns)), key=lambda i: letters[i])
    numeric_cols = [i for i in range(len(columns)) if i != desc]

    def is_anchor(cells: list[list[Word]], line: Line) -> bool:
        numbers = sum(1 for i in numeric_cols if cells[i] and _is_numeric(_words_text(cells[i])))
        others = sum(1 for i in numeric_cols if cells[i])
        if _LABEL_VALUE.match(line.text) and numbers < 2:
            return False
        if len(numeric_cols) == 1 and _is_ocr(line):
            return numbers == 1 and bool(cells[desc])  # quantity and description only (an order book)
        return numbers >= 2 or (numbers >= 1 and others >= 2 and bool(cells[desc]))

    anchors = [i for i, cells in enumerate(split) if is_anchor(cells, content[i])]
    if not anchors:
        return [], desc
    owner: dict[int, int] = {a: a for a in anchors}
    for i in range(len(content)):
        if i in owner:
            continue
        before = [a for a in anchors if a < i]
        after = [a for a in anchors if a > i]
        if not before:
            owner[i] = after[0]
            continue
        prev_anchor = before[-1]
        if not after:
            owner[i] = prev_anchor
            continue
        next_anchor = after[0]
        line = content[i]
        x0, x1 = content[prev_anchor].x0, content[prev_anchor].x1
        rule_above = _rules_between(page, _prev_bottom(content, i), line.top + 0.5, x0, x1)
        rule_below = _rules_between(
            page, line.bottom - 0.5, content[i + 1].top if i + 1 < len(content) else 1e9, x0, x1
        )
        if rule_above and not rule_below:
            owner[i] = next_anchor
            continue
        if rule_below and not rule_above:
            owner[i] = prev_anchor
            continue
        up = line.top - content[i - 1].bottom
        down = content[i + 1].top - line.bottom if i + 1 < len(content) else 1e9
        # a line closer to the next row than to the previous one belongs to it (centred cells)
        owner[i] = next_anchor if (i + 1 == next_anchor and down < up - 0.5) else prev_anchor
    rows: list[TableRow] = []
    title = _title_line(page, header)
    if title is not None:
        # a short line just above the header names the table ("LOT 2 - Éclairage", "Récapitulatif")
        rows.append(TableRow("title", [_cell(title.words, source)] + [Cell("") for _ in columns[1:]]))
    header_cells = [Cell(c.header_text, None, _cell(c.header, source).provenance) for c in columns]
    rows.append(TableRow("header", header_cells))
    for anchor in anchors:
        members = sorted((i for i, a in owner.items() if a == anchor), key=lambda i: content[i].top)
        rows.append(_item_row(members, anchor, content, split, desc, len(columns), source))
    for line in totals:
        rows.append(TableRow("total", [_cell(words, source) for words in _split_total(line, columns)]))
    return rows, desc


# Letters OCR reads in place of digits (printed and handwritten: a 4 read as 'u').
_OCR_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1", "!": "1",
     "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6"}
)
_OCR_LONE_DIGITS = {
    "S": "5", "s": "5", "O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "]": "1", "B": "8", "Z": "2", "z": "2",
    "G": "6", "b": "6", "u": "4", "U": "4", "q": "9", "g": "9", "T": "7",
}
OCR_FIXED_CONFIDENCE = 0.5  # a word whose letters were read as digits: a person checks it


def _ocr_digits(words: list[Word]) -> list[Word]:
    """The OCR words of a cell of a number column read again as digits where letters stand for
    them ('S' -> 5, '1O,5O' -> 10,50), only when that makes a number. A cell holding a single
    letter and no digit is a digit misread ('u' for a handwritten 4, 'S' for 5): a unit alone
    makes no quantity. Words of a text layer are kept."""
    lone = len(words) == 1 and len(words[0].text) == 1 and not words[0].text.isdigit()
    out: list[Word] = []
    for word in words:
        text = word.text
        fixed = text
        if word.font == "ocr" and not _is_numeric(text):
            if lone:
                fixed = _OCR_LONE_DIGITS.get(text, text)
            elif any(c.isdigit() for c in text) and len(text) <= 12:
                fixed = text.translate(_OCR_DIGITS)
        if fixed != text and parse_number(fixed) is not None:
            word = Word(
                fixed, word.x0, word.top, word.x1, word.bottom, word.page, word.font, word.size,
                min(word.conf, OCR_FIXED_CONFIDENCE),
            )
        out.append(word)
    return out


def _title_line(page: PageLayout, header: _Header) -> Line | None:
    above = [ln for ln in page.lines if ln.bottom <= header.top + 0.5 and ln.page == header.lines[0].page]
    if not above:
        return None
    line = above[-1]
    em = header.lines[0].em
    if header.top - line.bottom > 2.5 * em or len(line.words) > 10 or len(line.phrases()) > 1:
        return None
    if _numeric_count(line) > 1 or _LABEL_VALUE.match(line.text) or len(line.text) > 80:
        return None
    if find_dates(line.text) or re.search(r"\b\d{4,5}\s+[A-Z]", line.text):
        return None  # a date or a town is no table title
    return line


def _split_total(line: Line, columns: Sequence[_Column]) -> list[list[Word]]:
    """A totals row: its label in one cell where it starts, each amount under its column."""
    out: list[list[Word]] = [[] for _ in columns]
    label: list[Word] = []
    for phrase in line.phrases():
        if _is_numeric(_words_text(phrase)) and not _words_text(phrase).endswith("%"):
            x0, x1 = phrase[0].x0, phrase[-1].x1
            best = max(range(len(columns)), key=lambda i: min(x1, columns[i].x1) - max(x0, columns[i].x0))
            out[best].extend(phrase)
        else:
            label.extend(phrase)
    if label:
        index = _column_index(columns, label[0].x0 + 1)
        while index > 0 and out[index]:
            index -= 1
        out[index] = label + out[index]
    return out


def _prev_bottom(content: list[Line], i: int) -> float:
    return content[i - 1].bottom if i > 0 else content[i].top - 1


def _item_row(
    members: list[int],
    anchor: int,
    content: list[Line],
    split: list[list[list[Word]]],
    desc: int,
    width: int,
    source: str,
) -> TableRow:
    cells_words: list[list[Word]] = [list(words) for words in split[anchor]]
    desc_words: list[Word] = []
    reference = split[anchor][desc]
    ref_size = statistics.median(w.em for w in reference) if reference else None
    ref_italic = bool(reference) and all(w.italic for w in reference)
    row = TableRow("item", [])
    for i in members:
        cells = split[i]
        line = content[i]
        if i == anchor:
            desc_words.extend(cells[desc])
            continue
        text = line.text
        if _LABEL_VALUE.match(_words_text(cells[desc]) or text):
            _parse_info(_words_text(cells[desc]) or text, row)
            continue
        for index, words in enumerate(cells):
            if not words:
                continue
            joined = _words_text(words)
            digits = re.sub(r"\s", "", joined)
            if is_valid_ean(digits) and len(digits) >= 13:
                row.ean = digits
                continue
            if index != desc:
                continue
            italic = all(w.italic for w in words)
            size = statistics.median(w.em for w in words)
            if (italic and not ref_italic) or (ref_size and size < 0.88 * ref_size):
                row.notes.append(joined)  # a note in another style is not the description
                continue
            desc_words.extend(words)
    cells_words[desc] = desc_words
    row.cells = [_cell(words, source) for words in cells_words]
    if len(row.cells) < width:
        row.cells.extend(Cell("") for _ in range(width - len(row.cells)))
    return row


def _parse_info(text: str, row: TableRow) -> None:
    for match in re.finditer(r"([^\W\d][\w.'’\- /]{0,30}?)\s?:\s*(\S+(?:\s\S+)?)", text):
        row.info[match.group(1).strip()] = match.group(2).strip()
    digits = re.sub(r"\D", "", text)
    if is_valid_ean(digits) and len(digits) == 13:
        row.ean = digits
    row.notes.append(text)


def find_tables(pages: Sequence[PageLayout], source: str = "") -> list[Table]:
    """The order-line tables of a document, a table continued over pages read as one."""
    tables = _tables(pages, source, relaxed=False)
    if not tables and any(page.words and page.words[0].font == "ocr" for page in pages):
        tables = _tables(pages, source, relaxed=True)
    if not tables:
        tables = [t for t in (_headerless(page, source) for page in pages) if t is not None]
    return tables


def _tables(pages: Sequence[PageLayout], source: str, relaxed: bool) -> list[Table]:
    tables: list[Table] = []
    open_table: Table | None = None
    open_header: _Header | None = None
    for page in pages:
        start = 0
        found_header = False
        while True:
            found = find_header(page, start, relaxed)
            if found is None:
                break
            found_header = True
            first, last = found
            band = page.lines[first : last + 1]
            body, totals, closed, next_index = _table_region(page, first, last)
            header = _Header(band, _columns_for(page, band, body))
            rows, desc = _read_region(page, header, body, totals, source)
            start = max(next_index, last + 1)
            if rows:
                if open_table is not None and open_header is not None and _loose_key(open_header) == _loose_key(header):
                    # the same header repeated on the next page: keep its items and totals only
                    open_table.rows.extend(r for r in rows if r.kind in ("item", "total"))
                else:
                    open_table = Table(rows, desc)
                    tables.append(open_table)
                open_header = header
                if closed:
                    open_table, open_header = None, None
            if start >= len(page.lines):
                break
        if not found_header and open_table is not None and open_header is not None:
            # a table going on over a page that does not repeat its header: same columns
            rows, closed = _continuation(page, open_header, source)
            open_table.rows.extend(r for r in rows if r.kind in ("item", "total"))
            if closed or not rows:
                open_table, open_header = None, None
    return tables


def _continuation(page: PageLayout, header: _Header, source: str) -> tuple[list[TableRow], bool]:
    columns = header.columns
    em = header.lines[0].em
    left, right = columns[0].x0, columns[-1].x1
    for index, line in enumerate(page.lines):
        cells = _split_line(line, columns)
        numeric = sum(1 for words in cells if words and _is_numeric(_words_text(words)))
        if numeric >= 2 and not _TOTAL_WORDS.search(fold(line.text)) and not _CARRIED_WORDS.search(fold(line.text)):
            body, totals, closed, _ = _region_from(page, index, line.top, em, left - em, right + em)
            rows, _ = _read_region(page, header, body, totals, source)
            return rows, closed
    return [], False


def _headerless(page: PageLayout, source: str) -> Table | None:
    """Rows of numbers and text aligned in columns, with no header words: give them to the
    table reader as a grid (it settles the columns by content)."""
    candidates = [
        line
        for line in page.lines
        if len(line.phrases()) >= 3
        and sum(1 for p in line.phrases() if _is_numeric(_words_text(p))) >= 2
        and not _TOTAL_WORDS.search(fold(line.text))
        and not find_dates(line.text)
    ]
    if len(candidates) < 2:
        return None
    columns = [_Column(x0, x1) for x0, x1 in _body_intervals(candidates)]
    if len(columns) < 3:
        return None
    rows = [TableRow("item", [_cell(words, source) for words in _split_line(line, columns)]) for line in candidates]
    return Table(rows, None)


def _loose_key(header: _Header) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z]", "", fold(c.header_text)) for c in header.columns)
