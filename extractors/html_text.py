"""Safe HTML to text, and HTML tables to rows of cells.

Uses the standard library's tokenizer only: it never fetches anything, never runs scripts and
expands only the fixed HTML character references (no DTD, so no entity bombs). Script, style
and other non-content elements are dropped with their content. Input is capped in size so a
hostile body cannot make the reader slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from extractors.tables import Cell
from orderintake.domain import Provenance

MAX_HTML_CHARS = 1_000_000  # an e-mail body larger than this is not a hand-written order (parse time bound)
MAX_COLSPAN = 50
MAX_QUOTE_MARKS = 10  # deeper quotes are shown at this depth: a hostile nesting must not grow every line
MAX_CELLS = 20_000  # cells kept per document; a table larger than this is not a typed order
MAX_ROW_CELLS = 100  # cells kept per row

# Elements whose content is never shown to a reader of the mail.
_SKIP = {
    "script",
    "style",
    "head",
    "title",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "applet",
    "frameset",
    "frame",
    "xml",
    "select",
    "option",
    "button",
    "textarea",
}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "address",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "pre",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "center",
    "body",
    "html",
    "hr",
    "caption",
    "blockquote",
    "table",
}


@dataclass
class HtmlTable:
    rows: list[list[Cell]]
    offset: int  # character offset in HtmlDocument.text where the table starts


@dataclass
class HtmlDocument:
    text: str
    tables: list[HtmlTable] = field(default_factory=list)


@dataclass
class _TableState:
    rows: list[list[Cell]] = field(default_factory=list)
    row: list[Cell] | None = None
    cell: list[str] | None = None
    colspan: int = 1
    offset: int = 0  # the table's number until the text is final


class _Converter(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.out: list[str] = []
        self.length = 0
        self.at_line_start = True
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.quote_depth = 0
        self.tables: list[HtmlTable] = []
        self.table_stack: list[_TableState] = []
        self.pre_depth = 0
        self.table_counter = 0
        self.cells = 0

    # --- text output -------------------------------------------------------------
    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.at_line_start and self.quote_depth:
            prefix = "> " * min(self.quote_depth, MAX_QUOTE_MARKS)
            self.out.append(prefix)
            self.length += len(prefix)
        self.out.append(text)
        self.length += len(text)
        self.at_line_start = text.endswith("\n")

    def _newline(self) -> None:
        if not self.at_line_start:
            self.out.append("\n")
            self.length += 1
            self.at_line_start = True

    # --- parser callbacks ----------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.skip_depth:
            if tag in _SKIP and tag not in _VOID:
                self.skip_depth += 1
                self.skip_stack.append(tag)
            return
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth = 1
                self.skip_stack = [tag]
            return
        if tag == "br":
            self._cell_text("\n") if self._in_cell() else self._emit("\n")
            return
        if tag == "pre":
            self.pre_depth += 1
        if tag == "blockquote":
            self._newline()
            self.quote_depth += 1
            return
        if tag == "table":
            self._newline()
            # a marker line, replaced by the table's offset once the text is final
            self._emit(f"\x00{len(self.table_stack)}:{self.table_counter}\x00\n")
            self.table_stack.append(_TableState(offset=self.table_counter))
            self.table_counter += 1
            return
        if tag == "tr" and self.table_stack:
            state = self.table_stack[-1]
            self._close_row(state)
            state.row = []
            return
        if tag in ("td", "th") and self.table_stack:
            state = self.table_stack[-1]
            if state.row is None:
                state.row = []
            self._close_cell(state)
            state.cell = []
            span = dict(attrs).get("colspan") or "1"
            state.colspan = int(span) if span.strip().isdigit() else 1
            state.colspan = max(1, min(state.colspan, MAX_COLSPAN))
            return
        if tag == "li":
            if self._in_cell():
                self._cell_text("\n- ")
            else:
                self._newline()
                self._emit("- ")
            return
        if tag in _BLOCK or tag == "tr":
            if self._in_cell():
                self._cell_text("\n")
            else:
                self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() == "br" and not self.skip_depth:
            self._cell_text("\n") if self._in_cell() else self._emit("\n")
        elif tag.lower() not in _SKIP:
            self.handle_starttag(tag, attrs)
            if tag.lower() not in _VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if self.skip_depth:
            if tag in self.skip_stack:
                while self.skip_stack:
                    self.skip_depth -= 1
                    if self.skip_stack.pop() == tag:
                        break
                if not self.skip_stack:
                    self.skip_depth = 0
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "blockquote":
            self._newline()
            self.quote_depth = max(0, self.quote_depth - 1)
            return
        if tag == "table" and self.table_stack:
            state = self.table_stack.pop()
            self._close_row(state)
            if state.rows:
                self.tables.append(HtmlTable(rows=state.rows, offset=state.offset))
            self._newline()
            return
        if tag in ("td", "th") and self.table_stack:
            self._close_cell(self.table_stack[-1])
            return
        if tag == "tr" and self.table_stack:
            self._close_row(self.table_stack[-1])
            return
        if tag in _BLOCK or tag == "li":
            if self._in_cell():
                self._cell_text("\n")
            else:
                self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre_depth:
            data = re.sub(r"[ \t\r\n\f\v]+", " ", data)
            if self.at_line_start and not self._in_cell():
                data = data.lstrip(" ")
        if self._in_cell():
            self._cell_text(data)
        else:
            self._emit(data)

    # --- tables ------------------------------------------------------------------------
    def _in_cell(self) -> bool:
        return bool(self.table_stack) and self.table_stack[-1].cell is not None

    def _cell_text(self, text: str) -> None:
        cell = self.table_stack[-1].cell
        if cell is not None:
            cell.append(text)

    def _close_cell(self, state: _TableState) -> None:
        if state.cell is None:
            return
        if (state.row is not None and len(state.row) >= MAX_ROW_CELLS) or self.cells >= MAX_CELLS:
            state.cell, state.colspan = None, 1
            return  # a hostile table: the cells past the limits are dropped
        text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in "".join(state.cell).split("\n"))
        text = re.sub(r"\n{2,}", "\n", text).strip()
        if state.row is None:
            state.row = []
        state.cell = None
        colspan, state.colspan = state.colspan, 1
        if len(state.row) >= MAX_ROW_CELLS or self.cells >= MAX_CELLS:
            return  # a hostile table: the cells past the limits are dropped
        cell = Cell(text=text, provenance=Provenance(source=self.source, text=text or None))
        state.row.append(cell)
        state.row.extend(Cell(text="") for _ in range(min(colspan - 1, MAX_ROW_CELLS - len(state.row))))
        self.cells += colspan

    def _close_row(self, state: _TableState) -> None:
        self._close_cell(state)
        if state.row is not None:
            if any(c.text for c in state.row):
                state.rows.append(state.row)
                # the table is also written as text, one row a line, so that a reader of the
                # text sees the rows where they stand between the paragraphs
                self._newline()
                self._emit(" | ".join(c.text.replace("\n", " ") for c in state.row))
                self._newline()
            state.row = None


def read_html(html: str, source: str = "") -> HtmlDocument:
    """The visible text of an HTML body (one paragraph, list item or table row a line) and its tables.

    Quoted parts (<blockquote>) are prefixed with "> " as a plain-text mail reader would show them.
    """
    converter = _Converter(source)
    try:
        converter.feed(html[:MAX_HTML_CHARS].replace("\x00", ""))
        if converter.rawdata.lstrip().startswith("<!--"):
            converter.rawdata = ""  # an unclosed comment hides the rest of the page, as in a browser
        converter.close()
    except Exception:  # noqa: BLE001 - the tokenizer is lenient; keep whatever was read so far
        pass
    # tables left open by a broken document are still tables
    while converter.table_stack:
        state = converter.table_stack.pop()
        converter._close_row(state)
        if state.rows:
            converter.tables.append(HtmlTable(rows=state.rows, offset=state.offset))
    text = "".join(converter.out)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    # replace each table's marker line by the table's character offset in the final text
    offsets: dict[int, int] = {}
    parts: list[str] = []
    length = 0
    for piece in re.split(rf"((?:> ){{0,{MAX_QUOTE_MARKS}}}\x00\d+:\d+\x00\n?)", text):
        marker = re.fullmatch(r"(?:> )*\x00\d+:(\d+)\x00\n?", piece)
        if marker:
            offsets[int(marker.group(1))] = length
            continue
        parts.append(piece)
        length += len(piece)
    text = "".join(parts)
    for table in converter.tables:
        table.offset = offsets.get(table.offset, 0)
    converter.tables.sort(key=lambda t: t.offset)
    return HtmlDocument(text=text, tables=converter.tables)


def html_to_text(html: str) -> str:
    """The visible text of an HTML document, one block a line."""
    return read_html(html).text
