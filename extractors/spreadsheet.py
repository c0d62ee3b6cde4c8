"""Spreadsheets (.xlsx, .xls, .ods) -> Order.

Each reader turns a workbook into `Sheet`s of `Cell`s (display text, typed value, sheet + cell
address), then `order_from_sheets` reads them the same way whatever the file kind: line tables with
`tables.lines_from_grid`, label cells with `tables.header_fields_from_grid`, the rest as text for
`fields.find_header_fields`.

What counts is what a person reading the printed sheet sees: hidden sheets (old price lists) and
hidden columns and rows are left out, unless the visible cells hold no readable line table at all.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from extractors.errors import UnreadableDocument
from extractors.fields import find_header_fields
from extractors.tables import Cell, GridLines, grid_text, header_fields_from_grid, lines_from_grid
from orderintake.domain import Order, OrderLine, Provenance

MAX_ROWS = 20000  # an order sheet is far smaller; formatting often claims a million rows
MAX_COLS = 200
MAX_UNZIPPED = 300 * 1024 * 1024  # refuse zip bombs before opening


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]  # what the printed sheet shows: hidden columns and rows left out
    full_rows: list[list[Cell]] | None = None  # every column, when some are hidden
    hidden: bool = False
    hidden_columns: list[str] = field(default_factory=list)
    currencies: Counter[str] = field(default_factory=Counter)  # from number formats
    truncated: bool = False  # rows beyond MAX_ROWS were left out


# --------------------------------------------------------------------------------------------
# Cells


def col_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _number_text(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _float_decimal(value: float) -> Decimal:
    if value == int(value) and abs(value) < 1e15:
        return Decimal(int(value))
    return Decimal(repr(round(value, 9)))


_LOCALE_CODE = re.compile(r"\[\$-[0-9A-Fa-f]+\]")


def format_currency(number_format: str | None) -> str | None:
    """The currency a number format shows ('#,##0.00 €' -> 'EUR')."""
    if not number_format:
        return None
    fmt = _LOCALE_CODE.sub("", number_format)
    if "€" in fmt or "EUR" in fmt:
        return "EUR"
    if "£" in fmt or "GBP" in fmt:
        return "GBP"
    if "CHF" in fmt:
        return "CHF"
    if "$" in fmt.replace("[$", "") or "USD" in fmt:
        return "USD"
    return None


def typed_cell(value: object, number_format: str | None, provenance: Provenance) -> Cell:
    """A cell from a typed spreadsheet value, its text as the sheet would display it."""
    fmt = number_format or ""
    if value is None:
        return Cell("", None, provenance)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", value, provenance)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return Cell(value.strftime("%d/%m/%Y"), value, provenance)
        return Cell(value.strftime("%d/%m/%Y %H:%M"), value, provenance)
    if isinstance(value, dt.date):
        return Cell(value.strftime("%d/%m/%Y"), value, provenance)
    if isinstance(value, dt.time):
        return Cell(value.strftime("%H:%M"), None, provenance)
    if isinstance(value, (int, float, Decimal)):
        number = (
            value
            if isinstance(value, Decimal)
            else (Decimal(value) if isinstance(value, int) else _float_decimal(value))
        )
        plain = _LOCALE_CODE.sub("", fmt)
        if "%" in plain:
            # shown as "15 %": the value a reader sees is 15
            number = number * 100
            whole = number == number.to_integral_value()
            number = number.quantize(Decimal(1)) if whole else number.normalize()
            return Cell(f"{_number_text(number)} %", number, provenance)
        padded = re.fullmatch(r"0{2,}", plain.strip())
        if padded and number == number.to_integral_value() and number >= 0:
            # a code typed as a number with leading zeros kept by its format ("00000000")
            text = str(int(number)).zfill(len(plain.strip()))
            return Cell(text, None, provenance)
        return Cell(_number_text(number), number, provenance)
    text = str(value)
    return Cell(text.strip(), None, provenance)


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop trailing empty rows and empty cells at the end of each row."""
    out = []
    for row in rows:
        end = len(row)
        while end and not row[end - 1].text.strip():
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _has_content(sheets: list[Sheet]) -> bool:
    return any(cell.text.strip() for s in sheets for row in (s.full_rows or s.rows) for cell in row)


def _check_zip(data: bytes, what: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
            # the announced size first: testing the parts of a bomb would decompress it all
            bad = archive.testzip() if len(data) < 5_000_000 and size <= MAX_UNZIPPED else None
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(
            f"the {what} file is damaged or truncated (not a valid zip archive)",
            f"le fichier {what} est endommagé ou tronqué (archive zip invalide)",
        ) from exc
    except (OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnreadableDocument(
            f"the {what} file is damaged or truncated ({exc})",
            f"le fichier {what} est endommagé ou tronqué ({exc})",
        ) from exc
    if size > MAX_UNZIPPED:
        raise UnreadableDocument(
            f"the {what} file unpacks to {size // 1_000_000} MB: refused (too large)",
            f"le fichier {what} se décompresse en {size // 1_000_000} Mo : refusé (trop volumineux)",
        )
    if bad is not None:
        raise UnreadableDocument(
            f"the {what} file is damaged (corrupt part {bad})",
            f"le fichier {what} est endommagé (partie {bad} corrompue)",
        )


# --------------------------------------------------------------------------------------------
# xlsx


# a formula cell saved without its result: files written by programs, never opened in Excel
_UNCACHED_FORMULA = re.compile(rb"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def read_xlsx(data: bytes, filename: str) -> Order:
    """An Excel 2007+ workbook; formulas read from their cached values (computed when missing)."""
    _check_zip(data, "xlsx")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
        formulas = None
        if _has_uncached_formulas(data):
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except UnreadableDocument:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged part
        raise UnreadableDocument(
            f"the xlsx file cannot be opened: {type(exc).__name__}: {exc}",
            f"le fichier xlsx ne peut pas être ouvert : {type(exc).__name__} : {exc}",
        ) from exc
    sheets = []
    for ws in workbook.worksheets:
        try:
            formula_ws = formulas[ws.title] if formulas is not None and ws.title in formulas else None
            sheets.append(_xlsx_sheet(ws, formula_ws))
        except Exception:  # noqa: BLE001 - one damaged sheet should not hide the others
            sheets.append(Sheet(name=str(getattr(ws, "title", "?")), rows=[], hidden=True))
    return order_from_sheets(sheets, filename, "xlsx")


def _has_uncached_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            sheet_xml = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if sheet_xml and _UNCACHED_FORMULA.search(archive.read(name)):
                return True
    return False


def _stored_cells(ws: object) -> dict[tuple[int, int], object]:
    """(row, column) -> openpyxl cell for the cells the file stores (1-based), without creating any."""
    store = getattr(ws, "_cells", None)
    if isinstance(store, dict):
        return {key: cell for key, cell in store.items() if key[0] <= MAX_ROWS + 1 and key[1] <= MAX_COLS}
    out: dict[tuple[int, int], object] = {}
    max_row = min(getattr(ws, "max_row", 0) or 0, MAX_ROWS)
    max_col = min(getattr(ws, "max_column", 0) or 0, MAX_COLS)
    for row in ws.iter_rows(max_row=max_row, max_col=max_col):  # type: ignore[attr-defined]
        for cell in row:
            out[(cell.row, cell.column)] = cell
    return out


def _computed_values(
    stored: dict[tuple[int, int], object], formula_ws: object | None
) -> dict[tuple[int, int], Decimal]:
    """Values of formula cells the file saved without a result, computed from the sheet."""
    if formula_ws is None:
        return {}
    values = {key: v for key, cell in stored.items() if (v := getattr(cell, "value", None)) is not None}
    formulas: dict[tuple[int, int], str] = {}
    for key, cell in _stored_cells(formula_ws).items():
        value = getattr(cell, "value", None)
        if isinstance(value, str) and value.startswith("=") and key not in values:
            formulas[key] = value[1:]
    evaluator = FormulaEvaluator(values, formulas)
    out = {}
    for key in formulas:
        result = evaluator.value(*key)
        if result is not None:
            out[key] = result
    return out


def _xlsx_sheet(ws: object, formula_ws: object | None = None) -> Sheet:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    stored = _stored_cells(ws)
    computed = _computed_values(stored, formula_ws)
    hidden_cols: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min and dim.max:
            hidden_cols.update(range(dim.min - 1, min(dim.max, MAX_COLS)))
    hidden_rows = {r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden}
    filled: dict[tuple[int, int], Cell] = {}
    currencies: Counter[str] = Counter()
    truncated = False
    for (row, col), xl_cell in stored.items():
        if row > MAX_ROWS:
            truncated = truncated or getattr(xl_cell, "value", None) is not None
            continue
        value = getattr(xl_cell, "value", None)
        if value is None:
            value = computed.get((row, col))
        if value is None:
            continue
        fmt = getattr(xl_cell, "number_format", None)
        prov = Provenance(sheet=ws.title, cell=f"{col_letter(col - 1)}{row}")
        cell = typed_cell(value, fmt, prov)
        if not cell.text:
            continue
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            currency = format_currency(fmt)
            if currency:
                currencies[currency] += 1
        filled[(row - 1, col - 1)] = cell
    full = _grid(filled)
    visible = [
        [] if r in hidden_rows else [cell for c, cell in enumerate(cells) if c not in hidden_cols]
        for r, cells in enumerate(full)
    ]
    state = getattr(ws, "sheet_state", "visible")
    has_hidden_cols = any(c in hidden_cols for _r, c in filled)
    return Sheet(
        name=ws.title,
        rows=_trim(visible),
        full_rows=_trim(full) if has_hidden_cols else None,
        hidden=state in ("hidden", "veryHidden"),
        hidden_columns=[col_letter(c) for c in sorted(hidden_cols)] if has_hidden_cols else [],
        currencies=currencies,
        truncated=truncated,
    )


def _grid(filled: dict[tuple[int, int], Cell]) -> list[list[Cell]]:
    """Rows of cells from the filled positions (0-based), empty cells in between."""
    if not filled:
        return []
    widths: dict[int, int] = {}
    for r, c in filled:
        widths[r] = max(widths.get(r, 0), c + 1)
    height = max(widths) + 1
    return [[filled.get((r, c)) or Cell("") for c in range(widths.get(r, 0))] for r in range(height)]


class FormulaEvaluator:
    """Arithmetic, same-sheet references and SUM/PRODUCT/MIN/MAX/ROUND/ABS; anything else is None.

    Enough for the amounts of an order form (=C12*E12, =SUM(F12:F18), =ROUND(F20*0.2;2)); it never
    executes anything and gives up on what it does not know rather than guess.
    """

    _TOKEN = re.compile(
        r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
        r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![A-Z0-9(])"
        r"|(?P<func>[A-Z][A-Z0-9.]*)\s*\("
        r"|(?P<op>[-+*/(),;]))"
    )
    FUNCTIONS = ("SUM", "PRODUCT", "MIN", "MAX", "ROUND", "ABS")

    def __init__(self, values: dict[tuple[int, int], object], formulas: dict[tuple[int, int], str]) -> None:
        self.values = values
        self.formulas = formulas
        self.cache: dict[tuple[int, int], Decimal | None] = {}
        self.active: set[tuple[int, int]] = set()

    def value(self, row: int, col: int) -> Decimal | None:
        key = (row, col)
        if key in self.cache:
            return self.cache[key]
        if key in self.formulas:
            if key in self.active or len(self.active) > 200:
                return None  # a circular reference
            self.active.add(key)
            try:
                result = self._evaluate(self.formulas[key])
            finally:
                self.active.discard(key)
            self.cache[key] = result
            return result
        raw = self.values.get(key)
        if raw is None:
            return Decimal(0)
        if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
            return None
        return raw if isinstance(raw, Decimal) else _float_decimal(float(raw))

    def _evaluate(self, formula: str) -> Decimal | None:
        tokens = []
        pos = 0
        text = formula.strip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m or m.end() == pos:
                return None
            kind = m.lastgroup or ""
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        self._tokens, self._pos = tokens, 0
        try:
            result = self._expr()
        except (ArithmeticError, ValueError, IndexError):
            return None
        if self._pos != len(tokens) or not isinstance(result, Decimal):
            return None
        return result

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _next(self) -> tuple[str, str]:
        token = self._tokens[self._pos]
        self._pos += 1
        return token

    def _expr(self) -> Decimal | list[Decimal | None] | None:
        left = self._term()
        while self._peek() in (("op", "+"), ("op", "-")):
            op = self._next()[1]
            right = self._term()
            if not isinstance(left, Decimal) or not isinstance(right, Decimal):
                raise ValueError("not a number")
            left = left + right if op == "+" else left - right
        return left

    def _term(self) -> Decimal | list[Decimal | None] | None:
        left = self._factor()
        while self._peek() in (("op", "*"), ("op", "/")):
            op = self._next()[1]
            right = self._factor()
            if not isinstance(left, Decimal) or not isinstance(right, Decimal):
                raise ValueError("not a number")
            left = left * right if op == "*" else left / right
        return left

    def _factor(self) -> Decimal | list[Decimal | None] | None:
        kind, text = self._next()
        if kind == "op" and text in "+-":
            inner = self._factor()
            if not isinstance(inner, Decimal):
                raise ValueError("not a number")
            return -inner if text == "-" else inner
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            cells = self._range(text)
            if ":" in text:
                return cells
            return cells[0]
        if kind == "op" and text == "(":
            inner = self._expr()
            if self._next() != ("op", ")"):
                raise ValueError("unbalanced")
            return inner
        if kind == "func":
            return self._call(text)
        raise ValueError(f"unexpected {text}")

    def _range(self, ref: str) -> list[Decimal | None]:
        from openpyxl.utils.cell import range_boundaries

        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        if min_col is None or min_row is None or max_col is None or max_row is None:
            raise ValueError("open range")
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 20000:
            raise ValueError("range too large")
        return [self.value(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]

    def _call(self, name: str) -> Decimal:
        args: list[Decimal | list[Decimal | None] | None] = []
        if self._peek() != ("op", ")"):
            while True:
                args.append(self._expr())
                tok = self._next()
                if tok in (("op", ","), ("op", ";")):
                    continue
                if tok == ("op", ")"):
                    break
                raise ValueError("bad arguments")
        else:
            self._next()
        flat: list[Decimal] = []
        for arg in args:
            items = arg if isinstance(arg, list) else [arg]
            flat.extend(v for v in items if isinstance(v, Decimal))
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name == "PRODUCT":
            product = Decimal(1)
            for v in flat:
                product *= v
            return product
        if name in ("MIN", "MAX") and flat:
            return min(flat) if name == "MIN" else max(flat)
        if name == "ABS" and len(flat) == 1:
            return abs(flat[0])
        if name == "ROUND" and len(flat) in (1, 2):
            digits = int(flat[1]) if len(flat) == 2 else 0
            return flat[0].quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        raise ValueError(f"unsupported function {name}")


# --------------------------------------------------------------------------------------------
# xls


def read_xls(data: bytes, filename: str) -> Order:
    """A legacy Excel 97-2003 workbook (BIFF)."""
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True)
        except NotImplementedError:
            book = xlrd.open_workbook(file_contents=data, formatting_info=False)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors... on bad input
        message = str(exc)
        if "encrypt" in message.lower() or "password" in message.lower():
            raise UnreadableDocument(
                "the spreadsheet is password-protected",
                "le classeur est protégé par un mot de passe",
            ) from exc
        raise UnreadableDocument(
            f"the xls file cannot be opened (damaged or not an Excel file): {message}",
            f"le fichier xls ne peut pas être ouvert (endommagé ou pas un fichier Excel) : {message}",
        ) from exc
    sheets = []
    for sh in book.sheets():
        try:
            sheets.append(_xls_sheet(book, sh))
        except Exception:  # noqa: BLE001 - one damaged sheet should not hide the others
            sheets.append(Sheet(name=sh.name, rows=[], hidden=True))
    return order_from_sheets(sheets, filename, "xls")


def _xls_sheet(book: object, sh: object) -> Sheet:
    import xlrd

    assert isinstance(book, xlrd.book.Book) and isinstance(sh, xlrd.sheet.Sheet)
    hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
    hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
    full: list[list[Cell]] = []
    visible: list[list[Cell]] = []
    currencies: Counter[str] = Counter()
    for r in range(min(sh.nrows, MAX_ROWS)):
        cells = []
        for c in range(min(sh.ncols, MAX_COLS)):
            ctype, raw = sh.cell_type(r, c), sh.cell_value(r, c)
            if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                cells.append(Cell(""))
                continue
            prov = Provenance(sheet=sh.name, cell=f"{col_letter(c)}{r + 1}")
            fmt = _xls_format(book, sh, r, c)
            value: object
            if ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(raw, book.datemode)
                except Exception:  # noqa: BLE001 - a date out of range stays a number
                    value = raw
            elif ctype == xlrd.XL_CELL_NUMBER:
                value = raw
                currency = format_currency(fmt)
                if currency:
                    currencies[currency] += 1
            elif ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(raw)
            elif ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(raw, "#ERR")
            else:
                value = str(raw)
            cells.append(typed_cell(value, fmt, prov))
        full.append(cells)
        shown = [cell for c, cell in enumerate(cells) if c not in hidden_cols]
        visible.append([] if r in hidden_rows else shown)
    has_hidden_cols = any(c < len(row) and row[c].text.strip() for row in full for c in hidden_cols)
    return Sheet(
        name=sh.name,
        rows=_trim(visible),
        full_rows=_trim(full) if has_hidden_cols else None,
        hidden=sh.visibility != 0,
        hidden_columns=[col_letter(c) for c in sorted(hidden_cols)] if has_hidden_cols else [],
        currencies=currencies,
        truncated=sh.nrows > MAX_ROWS,
    )


def _xls_format(book: object, sh: object, r: int, c: int) -> str | None:
    try:
        xf = book.xf_list[sh.cell_xf_index(r, c)]  # type: ignore[attr-defined]
        return str(book.format_map[xf.format_key].format_str)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - without formatting info there is no format
        return None


# --------------------------------------------------------------------------------------------
# ods

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def read_ods(data: bytes, filename: str) -> Order:
    """An OpenDocument spreadsheet (LibreOffice); formulas read from their stored values."""
    _check_zip(data, "ods")
    from extractors.xmlsafe import parse_xml

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except KeyError as exc:
        raise UnreadableDocument(
            "the ods file has no content (content.xml missing)",
            "le fichier ods n'a pas de contenu (content.xml absent)",
        ) from exc
    root = parse_xml(content)  # refuses DTDs and entities; raises UnreadableDocument when malformed
    hidden_styles = {
        style.get(_q("style", "name"))
        for style in root.iter(_q("style", "style"))
        for props in style.iter(_q("style", "table-properties"))
        if props.get(_q("table", "display")) == "false"
    }
    sheets = [_ods_sheet(table, hidden_styles) for table in root.iter(_q("table", "table"))]
    return order_from_sheets(sheets, filename, "ods")


def _ods_text(cell: object) -> str:
    """The cell's paragraphs as displayed (comments left out)."""
    from lxml import etree

    assert isinstance(cell, etree._Element)
    paragraphs = [_ods_inline(p) for p in cell if p.tag in (_q("text", "p"), _q("text", "h"))]
    return "\n".join(paragraphs).strip()


def _ods_inline(node: object) -> str:
    from lxml import etree

    assert isinstance(node, etree._Element)
    parts = [node.text or ""]
    for child in node:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c"), "1") or 1))
        elif child.tag in (_q("text", "tab"), _q("text", "line-break")):
            parts.append(" ")
        elif child.tag != _q("office", "annotation"):
            parts.append(_ods_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_value(cell: object) -> tuple[object, str | None]:
    """The typed value of an ODS cell and the currency it shows."""
    from lxml import etree

    assert isinstance(cell, etree._Element)
    kind = cell.get(_q("office", "value-type"))
    if kind in ("float", "percentage", "currency"):
        try:
            number = Decimal(cell.get(_q("office", "value"), ""))
        except ArithmeticError:
            return None, None
        if kind == "percentage":
            number *= 100
        currency = cell.get(_q("office", "currency")) if kind == "currency" else None
        return number, currency
    if kind == "date":
        raw = cell.get(_q("office", "date-value"), "")
        try:
            if "T" in raw:
                return dt.datetime.fromisoformat(raw[:19]), None
            return dt.datetime.fromisoformat(raw[:10]), None
        except ValueError:
            return None, None
    if kind == "boolean":
        return cell.get(_q("office", "boolean-value")) == "true", None
    return None, None


def _ods_sheet(table: object, hidden_styles: set[str | None]) -> Sheet:
    from lxml import etree

    assert isinstance(table, etree._Element)
    name = table.get(_q("table", "name"), "")
    hidden_cols: set[int] = set()
    col = 0
    for column in table.iter(_q("table", "table-column")):
        repeat = min(int(column.get(_q("table", "number-columns-repeated"), "1") or 1), MAX_COLS)
        if column.get(_q("table", "visibility"), "visible") != "visible":
            hidden_cols.update(range(col, min(col + repeat, MAX_COLS)))
        col += repeat
        if col >= MAX_COLS:
            break
    full: list[list[Cell]] = []
    visible: list[list[Cell]] = []
    currencies: Counter[str] = Counter()
    r = 0
    for row in table.iter(_q("table", "table-row")):
        if r >= MAX_ROWS:
            break
        row_repeat = int(row.get(_q("table", "number-rows-repeated"), "1") or 1)
        row_hidden = row.get(_q("table", "visibility"), "visible") != "visible"
        template: list[tuple[object, str, str | None]] = []  # (value, text, currency) per column
        c = 0
        for cell in row:
            if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            repeat = int(cell.get(_q("table", "number-columns-repeated"), "1") or 1)
            value, currency = _ods_value(cell)
            text = _ods_text(cell)
            for _ in range(min(repeat, MAX_COLS - c)):
                template.append((value, text, currency))
            c += repeat
            if c >= MAX_COLS:
                break
        # trailing empty cells repeated 16 000 times carry nothing
        while template and not template[-1][1] and template[-1][0] is None:
            template.pop()
        for _ in range(min(row_repeat, MAX_ROWS - r) if template else min(row_repeat, MAX_ROWS - r, 1)):
            cells = []
            for ci, (value, text, currency) in enumerate(template):
                if value is None and not text:
                    cells.append(Cell(""))
                    continue
                prov = Provenance(sheet=name, cell=f"{col_letter(ci)}{r + 1}")
                if value is not None and not isinstance(value, (bool, dt.datetime)):
                    assert isinstance(value, Decimal)
                    shown = f"{_number_text(value)} %" if "%" in text else _number_text(value)
                    cells.append(Cell(text or shown, value, prov))
                    if currency or "€" in text:
                        currencies[currency or "EUR"] += 1
                else:
                    cells.append(Cell(text, value, prov))
            full.append(cells)
            kept = [cell for ci, cell in enumerate(cells) if ci not in hidden_cols]
            visible.append([] if row_hidden else kept)
            r += 1
        if not template:
            r += max(0, min(row_repeat, MAX_ROWS) - 1)
            full.extend([] for _ in range(max(0, min(row_repeat, MAX_ROWS) - 1)))
            visible.extend([] for _ in range(max(0, min(row_repeat, MAX_ROWS) - 1)))
    has_hidden_cols = any(c < len(row) and row[c].text.strip() for row in full for c in hidden_cols)
    return Sheet(
        name=name,
        rows=_trim(visible),
        full_rows=_trim(full) if has_hidden_cols else None,
        hidden=table.get(_q("table", "style-name")) in hidden_styles or table.get(_q("table", "display")) == "false",
        hidden_columns=[col_letter(c) for c in sorted(hidden_cols)] if has_hidden_cols else [],
        currencies=currencies,
    )


# --------------------------------------------------------------------------------------------
# Sheets -> Order


def _essentials(grid: GridLines) -> int:
    return sum(1 for line in grid.lines if line.quantity is not None and (line.description or line.customer_sku))


def _read_sheet(sheet: Sheet, earlier: list[OrderLine], source: str) -> tuple[list[list[Cell]], GridLines, bool]:
    """Lines of one sheet from its visible cells; with its hidden columns only when they are needed."""
    grid = lines_from_grid(sheet.rows, source, earlier=earlier, title=sheet.name)
    if sheet.full_rows is None:
        return sheet.rows, grid, False
    full = lines_from_grid(sheet.full_rows, source, earlier=earlier, title=sheet.name)
    lacks_text = grid.lines and not any(line.description or line.customer_sku for line in grid.lines)
    if (not grid.lines and full.lines) or (lacks_text and _essentials(full) > _essentials(grid)):
        return sheet.full_rows, full, True
    return sheet.rows, grid, False


def order_from_sheets(sheets: list[Sheet], filename: str, kind: str, source: str = "") -> Order:
    """Read an order from a workbook's sheets (shared by xlsx, xls, ods and delimited files)."""
    if not sheets or not _has_content(sheets):
        raise UnreadableDocument("the spreadsheet is empty", "le classeur est vide")
    order = Order(file=filename, document_kind=kind)
    visible = [s for s in sheets if not s.hidden]
    hidden = [s for s in sheets if s.hidden]
    read: list[tuple[Sheet, list[list[Cell]], GridLines]] = []
    earlier: list[OrderLine] = []
    for sheet in visible:
        rows, grid, used_hidden = _read_sheet(sheet, earlier, source)
        if used_hidden:
            order.notes.append(
                f"sheet '{sheet.name}': the line table is only readable with its hidden columns "
                f"({', '.join(sheet.hidden_columns)})"
            )
        elif sheet.hidden_columns and grid.lines:
            columns = ", ".join(sheet.hidden_columns)
            order.notes.append(f"sheet '{sheet.name}': hidden columns {columns} ignored")
        earlier.extend(grid.lines)
        read.append((sheet, rows, grid))
    if not any(grid.lines for _s, _r, grid in read) and hidden:
        for sheet in hidden:
            rows, grid, _used = _read_sheet(sheet, earlier, source)
            if grid.lines:
                order.notes.append(f"lines read from hidden sheet '{sheet.name}' (no visible sheet has any)")
                earlier.extend(grid.lines)
                read.append((sheet, rows, grid))
                break
    elif hidden:
        order.notes.append("hidden sheets ignored: " + ", ".join(f"'{s.name}'" for s in hidden))
    if not any(grid.lines for _s, _r, grid in read):
        raise UnreadableDocument(
            "no order-line table was found in the spreadsheet (no rows with a quantity and an article)",
            "aucun tableau de lignes de commande trouvé dans le classeur (pas de ligne avec quantité et article)",
        )

    totals = []
    texts = []
    for sheet, rows, grid in read:
        if sheet.truncated:
            order.notes.append(f"sheet '{sheet.name}': only its first {MAX_ROWS} rows were read")
        order.lines.extend(grid.lines)
        order.notes.extend(f"sheet '{sheet.name}': {note}" for note in grid.notes)
        if grid.lines and grid.printed_total is not None:
            totals.append(grid.printed_total)
        header_fields_from_grid(rows, order, skip_rows=grid.table_rows, pairs=grid.header_pairs, source=source)
        text = grid_text(rows, grid.table_rows)
        if text:
            texts.append(text)
    if totals:
        order.printed_total = sum(totals, Decimal(0)) if len(totals) > 1 else totals[0]
        order.confidence["printed_total"] = 0.9
    currencies: Counter[str] = Counter()
    for sheet in visible:
        currencies.update(sheet.currencies)
    if order.currency is None and currencies:
        order.currency = currencies.most_common(1)[0][0]
        order.confidence["currency"] = 0.9
        order.provenance["currency"] = Provenance(source=source, text="number format")
    if order.currency is None:
        _currency_from_text(order, [rows for _s, rows, _g in read], source)
    find_header_fields("\n\n".join(texts), order, source)
    # Matching looks for the customer in the whole document, table included (a flat export
    # names its buyer only in its line columns).
    order.customer_hints.text = "\n\n".join(grid_text(rows, set()) for _s, rows, _g in read)
    return order


_CURRENCY_MARKS = (("€", "EUR"), ("EUR", "EUR"), ("£", "GBP"), ("GBP", "GBP"), ("CHF", "CHF"), ("USD", "USD"))


def _currency_from_text(order: Order, grids: list[list[list[Cell]]], source: str) -> None:
    """A currency written in the cells ('TOTAL EUR', '12,50 €'), when every mention agrees."""
    found: Counter[str] = Counter()
    where: dict[str, Cell] = {}
    for rows in grids:
        for row in rows:
            for cell in row:
                for mark, code in _CURRENCY_MARKS:
                    # a currency code stands alone, not inside an article code ('EUR-52050' is Eur'ohm's)
                    if mark in cell.text and (len(mark) == 1 or re.search(rf"(?<![-\w]){mark}\b(?!-\w)", cell.text)):
                        found[code] += 1
                        where.setdefault(code, cell)
    if len(found) == 1:
        code = next(iter(found))
        order.currency = code
        order.confidence["currency"] = 0.85
        cell = where[code]
        order.provenance["currency"] = (cell.provenance or Provenance()).model_copy(
            update={"source": source, "text": cell.text}
        )
