"""Header fields of an order read from a document's plain text.

Interface (stable): find_header_fields(text, order, source="") fills, where still None,
order.po_number, order_date, requested_delivery_date, currency, delivery_address,
printed_total and order.customer_hints, from text whose lines are separated by newlines.

The text may keep the page layout (columns placed by position, as `layout.render_text`
writes it): runs of two or more spaces or a tab separate columns, so a value is looked for
after its label on the same line, then in the next column, then under the label. Labels are
French, English, German and Dutch. Each value found gets a confidence (0.97 after an
explicit label, lower when guessed) and a provenance (line text and character span).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from extractors.layout import header_roles
from extractors.parsing import WEEKDAYS, find_dates, parse_number
from orderintake.domain import Order, Provenance

# ------------------------------------------------------------------------------ text model


def _fold(text: str) -> str:
    """Lower case without accents, same length as `text` (offsets stay valid)."""
    import unicodedata

    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in base if not unicodedata.combining(c)).lower()
        out.append(base if len(base) == 1 else char.lower()[:1] or " ")
    return "".join(out)


@dataclass(frozen=True)
class _Seg:
    line: int
    start: int
    end: int
    text: str


class _Doc:
    """Lines, their folded form, column segments and offsets into the original text."""

    def __init__(self, text: str) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        self.lines = self.text.split("\n")
        self.folded = [_fold(line) for line in self.lines]
        self.offsets: list[int] = []
        position = 0
        for line in self.lines:
            self.offsets.append(position)
            position += len(line) + 1
        self.segs = [self._segments(i, line) for i, line in enumerate(self.lines)]

    @staticmethod
    def _segments(index: int, line: str) -> list[_Seg]:
        return [_Seg(index, m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", line)]

    def seg_at(self, line: int, column: int) -> _Seg | None:
        for seg in self.segs[line]:
            if seg.start <= column < seg.end:
                return seg
        return None

    def blank(self, line: int) -> bool:
        return not self.lines[line].strip()

    def provenance(self, line: int, start: int, end: int, source: str) -> Provenance:
        offset = self.offsets[line]
        return Provenance(source=source, span=(offset + start, offset + end), text=self.lines[line][start:end].strip())


def _compile(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


# A "label:" somewhere in a value means the value ends there ("... Béthune Votre interlocuteur : X").
_NEXT_LABEL = re.compile(r"(?:^|\s)(?:[^\W\d_][\w.'’-]*\s){0,3}[^\W\d_][\w.'’-]*\s?:(?:\s|$)")
_SEPARATORS = " \t:;#*.-–—/|=>"
_NUMBER_WORDS = re.compile(r"^(?:n\s?[°ºo]\.?|no\.?|nr\.?|num(?:ero|ber|mer)?\.?|#)\s*", re.IGNORECASE)


@dataclass
class _Found:
    value: object
    score: float
    line: int
    start: int
    end: int

    def better_than(self, other: _Found | None) -> bool:
        return other is None or self.score > other.score


def _confidence(score: float) -> float:
    if score >= 3:
        return 0.97
    if score >= 2:
        return 0.9
    if score >= 1:
        return 0.75
    return 0.6


def _value_regions(doc: _Doc, line: int, start: int, end: int, below: bool = True) -> list[tuple[_Seg, str]]:
    """Where a label's value can be: rest of its segment, next segment, segment under the label."""
    out: list[tuple[_Seg, str]] = []
    seg = doc.seg_at(line, start)
    if seg is not None:
        rest_start = end
        rest = doc.lines[line][rest_start : seg.end]
        if rest.strip(_SEPARATORS):
            out.append((_Seg(line, rest_start, seg.end, rest), "inline"))
        following = [s for s in doc.segs[line] if s.start >= seg.end]
        if following:
            out.append((following[0], "next"))
    if below:
        for next_line in range(line + 1, min(line + 3, len(doc.lines))):
            if doc.blank(next_line):
                continue
            for candidate in doc.segs[next_line]:
                if candidate.start <= end + 6 and candidate.end >= start - 2:
                    out.append((candidate, "below"))
                    break
            break
    return out


def _strip_label_prefix(text: str, labels: list[re.Pattern[str]]) -> tuple[str, int]:
    """Remove separators, 'n°' words and repeated (translated) labels at the start of a value."""
    original = text
    for _ in range(4):
        before = text
        text = text.lstrip(_SEPARATORS)
        text = _NUMBER_WORDS.sub("", text)
        folded = _fold(text)
        for label in labels:
            match = label.match(folded)
            if match and match.end() > 0:
                text = text[match.end() :]
                break
        if text == before:
            break
    return text, len(original) - len(text)


# ------------------------------------------------------------------------------ PO number

_PO_STRONG = _compile(
    [
        r"\b(?:n\s?[°ºo]|no\.?|num(?:ero)?\.?|nr\.?|#)\s*(?:de\s+|du\s+|d'|of\s+)?(?:la\s+|notre\s+|votre\s+)?"
        r"(?:commande|cde|cmde|bon de commande|order|bestellung)\b|(?:bc|p\.?o\.?)(?=\s*[:#]|\s+\S)",
        r"\bbon\s+de\s+commande\s*(?:n\s?[°ºo]|no\.?|nr\.?|num(?:ero)?|#|:)",
        r"\bcommande\s*(?:fournisseur|d'achat|achat|client)?\s*[*\s]*(?:n\s?[°ºo]|no\.?|nr\.?|num(?:ero)?|#|:)",
        r"\b(?:ref(?:erence)?\.?|numero|n°)\s+(?:de\s+|du\s+)?(?:la\s+|notre\s+)?"
        r"(?:commande|bon de commande)\b",
        r"\bnotre\s+(?:commande|bon de commande)\b",
        r"\bpurchase\s*order\s*(?:n\s?[°ºo]\.?|no\.?|number|nr\.?|#|ref\.?|id)?",
        r"\bp\.?\s?o\.?\s*(?:n\s?[°ºo]\.?|no\.?|number|nr\.?|#|ref\.?)(?=\W|$)",
        r"\border\s*(?:n\s?[°ºo]\.?|no\.?|number|nr\.?|#|ref(?:erence)?|id)(?=\W|$)",
        r"\bbestell(?:ung)?\s*-?\s*(?:n\s?[°ºo]\.?|nr\.?|nummer|no\.?)",
        r"\bbestel(?:l)?nummer\b",
        r"\bbestelbon\s*(?:n\s?[°ºo]\.?|nr\.?|nummer)?",
        r"\bbestelling\s*(?:nr\.?|nummer)\b",
        r"\bordernummer\b",
        r"\bengagement\s+juridique\b",
    ]
)
_PO_WEAK = _compile(
    [
        r"\bbon\s+de\s+commande\b",
        r"\b(?:ordre|demande|bon)\s+d'achat\b",
        r"\bcommande\b",
        r"\bpurchase\s+order\b",
        r"\border\b",
        r"\bbestellung\b",
        r"\bbestelbon\b",
        r"\bbestelling\b",
        r"(?<!\S)n\s?[°º](?=\s|$)",
        r"\b(?:numero|number|nummer)\b",
    ]
)
_PO_NOT_BEFORE = re.compile(
    r"\b(devis|offre|quote|quotation|angebot|offerte|facture|invoice|rechnung|factuur|client|customer|kunde|"
    r"klant|fournisseur|supplier|vendor|lieferant|leverancier|siret|siren|tva|vat|btw|tel|telephone|fax|page|"
    r"marche|bl|bordereau|compte|account|contrat|contract|lot|dossier|affaire|engagement comptable|"
    r"bons|telefon|phone|iban|bic|rcs|naf|ape|projet|project|tarif)\b[^\n]{0,12}$"
)
_PO_NOT_AFTER = re.compile(
    r"^\s*(?:de\s+|du\s+|d')?(fournisseur|supplier|client|customer|tva|siret|siren|page|tel|telephone|fax|"
    r"compte|account|marche|lot|devis|facture|invoice|bl|dossier|affaire|lieferant|leverancier|kunde|klant|"
    r"magasin)\b"
)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/._]*[A-Za-z0-9]$")


def _po_code(text: str) -> tuple[str, int] | None:
    """The first token of `text` if it looks like an order number, with its offset."""
    match = re.match(r"\s*(\S+)", text)
    if not match:
        return None
    token = match.group(1).strip(",;.)(«»\"'")
    if not (3 <= len(token) <= 30) or not _CODE.match(token) or not any(c.isdigit() for c in token):
        return None
    if find_dates(token) and find_dates(token)[0][1] == (0, len(token)):
        return None
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{2})", token) or re.fullmatch(r"(?:19|20)\d{2}", token):
        return None
    if re.fullmatch(r"\d{14}", token) or re.fullmatch(r"0\d{9}", token):
        return None  # SIRET, phone number
    if re.fullmatch(r"\d{1,2}[hH:]\d{2}", token):
        return None
    return token, match.start(1) + match.group(1).find(token)


_ORDER_TITLE = re.compile(
    r"^(?:bon\s+de\s+commande|commande|(?:ordre|demande|bon)\s+d'achat|purchase\s+order|order|bestellung|bestelbon"
    r"|bestelling)\b"
)


def _under_order_title(doc: _Doc, line: int, column: int) -> bool:
    """A title such as 'BON DE COMMANDE' on one of the two lines above, over the same column."""
    for above in range(max(0, line - 2), line):
        for seg in doc.segs[above]:
            if seg.start - 25 <= column <= seg.end + 25 and _ORDER_TITLE.match(_fold(seg.text)):
                return True
    return False


def _titled_code(doc: _Doc, line: int, label: re.Match[str], gap: int) -> bool:
    """An order word opening its block ('Bon de commande', 'Commande', 'Order') with the code right after it."""
    seg = doc.seg_at(line, label.start())
    if seg is None or doc.folded[line][seg.start : label.start()].strip() or gap > 3:
        return False
    return _ORDER_TITLE.match(label.group(0)) is not None


def _find_po(doc: _Doc) -> _Found | None:
    best: _Found | None = None
    for strength, patterns in ((3.0, _PO_STRONG), (1.5, _PO_WEAK)):
        for index, folded in enumerate(doc.folded):
            for pattern in patterns:
                for match in pattern.finditer(folded):
                    if _PO_NOT_BEFORE.search(folded[: match.start()]):
                        continue
                    if _PO_NOT_AFTER.match(folded[match.end() :]):
                        continue
                    words_after = False
                    for region, where in _value_regions(doc, index, match.start(), match.end()):
                        value, skipped = _strip_label_prefix(region.text, _PO_STRONG + _PO_WEAK)
                        if where == "inline" and _PO_NOT_AFTER.match(_fold(value)):
                            break
                        code = _po_code(value)
                        if code is None:
                            if where == "inline" and value.strip():
                                # a label of a few words ("N° de commande", misread by OCR) may have
                                # its value in the next column; a sentence has not
                                if len(value.split()) > 3 or re.search(r"\d", value):
                                    break
                                words_after = True
                            continue
                        if where == "below" and words_after:
                            continue
                        score = strength - (0.4 if where == "below" else 0.0) - (0.5 if words_after else 0.0)
                        gap = skipped + code[1] if where == "inline" else 0  # 'next': the segment right of it
                        if strength < 3 and where != "below" and _titled_code(doc, index, match, gap):
                            score = 2.5  # 'BON DE COMMANDE BC-AME-26-0213': the title names its number
                        if pattern.pattern.startswith("(?<!\\S)n"):
                            # a bare "N°" says little, unless it stands under the order's title
                            score = 2.5 if _under_order_title(doc, index, match.start()) else score - 0.5
                        start = region.start + skipped + code[1]
                        found = _Found(code[0], score, region.line, start, start + len(code[0]))
                        if found.better_than(best):
                            best = found
                        break
    return best


# ------------------------------------------------------------------------------ dates

_NOT_ORDER_DATE = (
    r"(?!\s*(?:de\s+|d'|du\s+|of\s+|der\s+|van\s+)?(?:la\s+)?(?:livr|besoin|echeance|validite|souhait|limite|"
    r"exp|paiement|reglement|factur|reception|naissance|fin|delivery|due|required|requested|liefer|lever|"
    r"valid|impression|print|edition|d'edition))"
)
_ORDER_DATE_STRONG = _compile(
    [
        r"\bdate\s*(?:de\s+|d'|du\s+)?(?:la\s+)?"
        r"(?:commande|cde|cmde|emission|creation|bon de commande|bon)\b",
        r"\border\s*date\b",
        r"\bdate\s+of\s+(?:the\s+)?order\b",
        r"\bdate\s+ordered\b",
        r"\bbestell?datum\b",
        r"\borderdatum\b",
        r"\bdatum\s+(?:der\s+)?bestellung\b",
        r"\bdatum\s+bestelling\b",
        r"\bemise?\s+le\b",
        r"\betablie?\s+le\b",
        r"\b(?:commande|cde|order|bestellung|bestelling)\s+(?:du|vom|of|dated|van)\b",
        r"\bpassee?\s+le\b",
    ]
)
_ORDER_DATE_BARE = _compile([r"\bdate\b" + _NOT_ORDER_DATE, r"\bdatum\b" + _NOT_ORDER_DATE, r"\bdated\b"])
_DELIVERY_STRONG = _compile(
    [
        r"\bdate\s*(?:de\s+|d'|du\s+)?(?:la\s+)?livraison\b",
        r"\bdate\s*(?:de\s+)?livr\.?",
        r"\bdate\s*souhaitee\b",
        r"\blivraison\s*(?:souhaitee|prevue|demandee|imperative|desiree|au plus tard|pour|le)\b",
        r"\bdelai\s*(?:de\s+livraison|souhaite|demande|impose)?\b",
        r"\bdate\s+de\s+besoin\b",
        r"\bbesoin\s+(?:le|pour|au)\b",
        r"\b(?:a\s+)?livrer\s+(?:le|pour|avant|au plus tard)\b",
        r"\bdelivery\s*(?:date|deadline|on|by|before)\b",
        r"\b(?:requested|required|desired|wished|expected)\s*(?:delivery)?\s*(?:date|by|on)?\b",
        r"\bdeliver\s+(?:by|on|before)\b",
        r"\bneed(?:ed)?\s+(?:by|on)\b",
        r"\bship\s*(?:date|by)\b",
        r"\bdue\s+date\b",
        r"\bliefer(?:termin|datum)\b",
        r"\bliefern\s+(?:bis|am)\b",
        r"\bwunsch(?:liefer)?termin\b",
        r"\banliefer(?:datum|termin|ung\s+am)\b",
        r"\b(?:gewenste\s+)?lever(?:ings)?datum\b",
        r"\bleveren\s+(?:op|voor)\b",
    ]
)
_DELIVERY_BARE = _compile([r"\blivraison\b", r"\bdelivery\b", r"\blieferung\b", r"\blevering\b", r"\blivrer\b"])
_DELIVERY_WORDS = re.compile(r"\b(livr\w*|deliver\w*|liefer\w*|lever\w*)\b")


def _first_date(text: str) -> tuple[dt.date, tuple[int, int]] | None:
    found = find_dates(text)
    for date, span in found:
        if 2000 <= date.year <= 2100:
            return date, span
    return None


def _dated(
    doc: _Doc,
    patterns: list[re.Pattern[str]],
    strength: float,
    best: _Found | None,
    exclude: re.Pattern[str] | None = None,
    whole_line: bool = False,
) -> _Found | None:
    for index, folded in enumerate(doc.folded):
        for pattern in patterns:
            for match in pattern.finditer(folded):
                if exclude is not None and exclude.search(folded[max(0, match.start() - 40) : match.end() + 25]):
                    continue
                regions = _value_regions(doc, index, match.start(), match.end())
                if whole_line:
                    rest = doc.lines[index][match.end() :]
                    regions = [(_Seg(index, match.end(), len(doc.lines[index]), rest), "inline")]
                for region, where in regions:
                    text = region.text
                    cut = _NEXT_LABEL.search(text[1:]) if where == "inline" else None
                    if cut and not whole_line:
                        text = text[: cut.start() + 1]
                    found = _first_date(text)
                    if found is None:
                        # a value of words may hold the date further on ("sur chantier le 17/11"),
                        # but a long sentence ends the search for this label
                        if where == "inline" and not whole_line and len(text) > 60:
                            break
                        continue
                    date, span = found
                    score = strength - (0.4 if where == "below" else 0.0)
                    candidate = _Found(date, score, region.line, region.start + span[0], region.start + span[1])
                    if candidate.better_than(best):
                        best = candidate
                    break
    return best


def _date_after_po(doc: _Doc, po: _Found | None) -> _Found | None:
    """'N° CF-26-0612 du 06/11/2026', or 'le 06/11/2026' on the line under the number."""
    if po is None:
        return None
    tail = doc.folded[po.line][po.end :]
    match = re.match(r"\s*(?:[-–,]\s*)?(?:du|le|vom|of|dated|van|from|d\.d\.)\s", tail)
    if match:
        found = _first_date(doc.lines[po.line][po.end + match.end() :][:30])
        if found:
            start = po.end + match.end() + found[1][0]
            return _Found(found[0], 2.8, po.line, start, start + found[1][1] - found[1][0])
    for index in range(po.line + 1, min(po.line + 4, len(doc.lines))):
        for match in re.finditer(r"(?<!\S)(?:du|le|vom|of|dated|van|date\s*:?)\s+", doc.folded[index]):
            if abs(match.start() - po.start) > 60:
                continue
            found = _first_date(doc.lines[index][match.end() :][:30])
            if found and found[1][0] == 0:
                start = match.end()
                return _Found(found[0], 2.6, index, start, start + found[1][1])
    return None


def _plausible_delivery(delivery: _Found | None, order_date: _Found | None) -> _Found | None:
    """A delivery date years away from the order date is a misprint or an OCR slip of the year."""
    if delivery is None or order_date is None:
        return delivery
    wanted, ordered = delivery.value, order_date.value
    if not isinstance(wanted, dt.date) or not isinstance(ordered, dt.date):
        return delivery
    if -31 <= (wanted - ordered).days <= 400:
        return delivery
    for year in (ordered.year, ordered.year + 1):
        try:
            fixed = wanted.replace(year=year)
        except ValueError:
            continue
        if 0 <= (fixed - ordered).days <= 200:
            return _Found(fixed, min(delivery.score, 0.5), delivery.line, delivery.start, delivery.end)
    return _Found(wanted, min(delivery.score, 0.5), delivery.line, delivery.start, delivery.end)


def _letter_date(doc: _Doc) -> _Found | None:
    """'Lille, le 9 novembre 2026' (a letter's place and date)."""
    for index, folded in enumerate(doc.folded):
        for match in re.finditer(r"[a-z)\]'’-],\s+(?:le\s+|den\s+)?(?=\d)", folded):
            prefix = folded[max(0, match.start() - 30) : match.start()]
            if _DELIVERY_WORDS.search(prefix):
                continue
            found = _first_date(doc.lines[index][match.end() : match.end() + 25])
            if found and found[1][0] == 0:
                start = match.end()
                return _Found(found[0], 2.0, index, start, start + found[1][1])
    return None


_DEADLINE_BEFORE = re.compile(
    r"\b(?:pour|avant|d'ici|au plus tard|by|before|until|no later than|bis|spatestens|uiterlijk|voor)\s+"
    r"(?:le\s+|the\s+|den\s+|zum\s+|op\s+)?(?:[a-z]+\s+)?$"
)
_DEADLINE_AFTER = re.compile(r"\s*(?:au plus tard|dernier delai|at the latest|spatestens|uiterlijk)\b")


def _sentence_delivery(doc: _Doc) -> _Found | None:
    """A date in a sentence about delivery ('livrer ... pour le lundi 9 novembre 2026')."""
    flat = "\n".join(doc.folded)
    for date, span in find_dates("\n".join(doc.lines)):
        window = flat[max(0, span[0] - 160) : span[0]]
        keywords = list(_DELIVERY_WORDS.finditer(window))
        if not keywords:
            continue
        keyword = keywords[-1]
        between = window[keyword.end() :]
        if find_dates(between) or "\n\n" in between:
            continue
        line = flat.count("\n", 0, span[0])
        start = span[0] - doc.offsets[line]
        # 'livrer ... pour le lundi 9 novembre 2026 au plus tard': the date is the delivery's own
        tight = _DEADLINE_BEFORE.search(between) or _DEADLINE_AFTER.match(flat[span[1] : span[1] + 30])
        return _Found(date, 2.5 if tight else 1.0, line, start, start + span[1] - span[0])
    return None


# up to two words between the label and the day: 'Délai impératif : jeudi', 'Livraison souhaitée pour lundi'
_DAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_WEEKDAY_VALUE = re.compile(r"[^\w\n]*(?:[a-z'’]+[^\w\n]+){0,2}?(" + _DAY_NAMES + r")\b")

_WEEKDAY_RANGE = re.compile(r"\s*(?:au|a|to|bis|tot|-|–)\s*(?:" + _DAY_NAMES + r")\b")


def _weekday_delivery(doc: _Doc, order_date: _Found | None) -> _Found | None:
    """'Délai impératif : jeudi' with no date: the first such day after the order date.

    Low score: the day is read, the week is inferred, so the reviewer confirms it."""
    if order_date is None or not isinstance(order_date.value, dt.date):
        return None
    for index, folded in enumerate(doc.folded):
        for pattern in _DELIVERY_STRONG:
            for match in pattern.finditer(folded):
                day = _WEEKDAY_VALUE.match(folded, match.end())
                if day is None or _WEEKDAY_RANGE.match(folded, day.end()):
                    continue  # 'livraison du lundi au vendredi': opening days, not a date
                ahead = (WEEKDAYS[day.group(1)] - order_date.value.weekday() - 1) % 7 + 1
                return _Found(order_date.value + dt.timedelta(days=ahead), 1.0, index, day.start(1), day.end(1))
    return None


def _first_any_date(doc: _Doc, exclude: set[dt.date]) -> _Found | None:
    for index, line in enumerate(doc.lines):
        for date, span in find_dates(line):
            if date in exclude or not 2000 <= date.year <= 2100:
                continue
            if _DELIVERY_WORDS.search(doc.folded[index][: span[0]]):
                continue
            return _Found(date, 0.5, index, span[0], span[1])
    return None


# ------------------------------------------------------------------------------ currency, total

_CURRENCY_LABEL = re.compile(r"\b(?:devise|currency|wahrung|munt|valuta|monnaie|wahrungscode)\b\s*[:/]?\s*([a-z]{3})\b")
_CURRENCY_MARKS: dict[str, re.Pattern[str]] = {
    "EUR": re.compile(r"€|(?<![-\w])eur\b(?!-\w)|\beuros?\b"),  # not a code: EUR-52050
    "USD": re.compile(r"\$|\busd\b"),
    "GBP": re.compile(r"£|\bgbp\b"),
    "CHF": re.compile(r"\bchf\b"),
}
_TOTAL_STRONG = _compile(
    [
        r"\b(?:sous-)?total\s*(?:general\s+|global\s+|net\s+)?(?:de\s+la\s+)?(?:commande\s+|cde\s+|net\s+)?"
        r"(?:h\.?\s?t\.?|hors\s+tax\w*|hors\s+tva|net)(?=\W|$)",
        r"\bmontant\s*(?:total\s*)?(?:net\s*)?(?:h\.?\s?t\.?|hors\s+tax\w*)(?=\W|$)",
        r"\bvaleur\s+totale\s+(?:nette\s*)?(?:h\.?\s?t\.?)?",
        r"\bnet\s+total\b",
        r"\btotal\s+net\b",
        r"\btotal\s*\(?(?:excl\.?|excluding|before|w/o|without|ex\.?)\s*(?:vat|tax|taxes|gst)\b",
        r"\bsub-?total\s*\(?(?:excl\.?|excluding|before)\s*(?:vat|tax)",
        r"\bgesamt\s*-?\s*netto\b|\bsumme\s+netto\b|\bnetto\s*-?\s*(?:summe|betrag|gesamt)\b|\bgesamtnetto\b",
        r"\btotaal\s*\(?(?:excl\.?|exclusief|zonder)\s*(?:btw)\b",
        r"\bnetto\s+totaal\b|\btotaal\s+netto\b",
    ]
)
_TOTAL_WEAK = _compile(
    [
        r"\bsous-?total\b",
        r"\bsub-?total\b",
        r"\btotal\b(?!\s*(?:ttc|tva|vat|btw|mwst|incl|brut))",
        r"\btotaal\b(?!\s*(?:incl|btw))",
        r"\bsumme\b",
        r"\bgesamt(?:betrag|summe)?\b",
    ]
)
_TOTAL_NOT = re.compile(
    r"\b(ttc|tva|vat|btw|mwst|ust|incl\w*|brut|a reporter|report|ubertrag|carried|a payer|"
    r"acompte|page|poids|weight|gewicht|quantit\w*|qty|menge|lignes|lines)\b"
)
_AMOUNT = re.compile(
    r"(?<![\w,.])-?\d{1,3}(?:[ \u00a0\u202f.']\d{3})+(?:,\d{1,3})?(?![\d])"
    r"|(?<![\w,.])-?\d{1,3}(?:,\d{3})+(?:\.\d{1,3})?(?![\d])"
    r"|(?<![\w,.])-?\d+(?:[.,]\d{1,3})?(?![\d])"
)


def _find_currency(doc: _Doc) -> _Found | None:
    for index, folded in enumerate(doc.folded):
        match = _CURRENCY_LABEL.search(folded)
        if match and match.group(1).upper() in {
            "EUR",
            "USD",
            "GBP",
            "CHF",
            "SEK",
            "DKK",
            "PLN",
            "CZK",
            "NOK",
        }:
            return _Found(match.group(1).upper(), 3.0, index, match.start(1), match.end(1))
    counts: dict[str, tuple[int, int, int, int]] = {}
    for index, folded in enumerate(doc.folded):
        for code, pattern in _CURRENCY_MARKS.items():
            for match in pattern.finditer(folded):
                count, line, start, end = counts.get(code, (0, index, match.start(), match.end()))
                counts[code] = (count + 1, line, start, end)
    if not counts:
        return None
    code, (_count, line, start, end) = max(counts.items(), key=lambda item: item[1][0])
    return _Found(code, 2.0, line, start, end)


def _find_total(doc: _Doc) -> _Found | None:
    best: _Found | None = None
    for strength, patterns in ((3.0, _TOTAL_STRONG), (1.0, _TOTAL_WEAK)):
        for index, folded in enumerate(doc.folded):
            for pattern in patterns:
                for match in pattern.finditer(folded):
                    if _TOTAL_NOT.search(folded[match.start() : match.end() + 12]) and strength < 3:
                        continue
                    if re.search(r"\b(a reporter|report|ubertrag|carried)\b", folded[: match.start()]):
                        continue
                    rest = doc.lines[index][match.end() :]
                    rest_folded = folded[match.end() :]
                    stop = _TOTAL_NOT.search(rest_folded)
                    if stop and strength >= 3 and re.match(r"\W*$", rest_folded[: stop.start()]) is None:
                        rest = rest[: stop.start()]
                    amounts = [m for m in _AMOUNT.finditer(rest) if parse_number(m.group(0)) is not None]
                    amounts = [m for m in amounts if not rest[m.end() : m.end() + 2].strip().startswith("%")]
                    if not amounts:
                        continue
                    last = amounts[-1]
                    value = parse_number(last.group(0))
                    if value is None or value < 0:
                        continue
                    start = match.end() + last.start()
                    found = _Found(value, strength, index, start, match.end() + last.end())
                    # the last total of the document wins among equals (a later page's total)
                    if best is None or found.score >= best.score:
                        best = found
    return best


# ------------------------------------------------------------------------------ address blocks

_DELIVERY_ADDRESS = _compile(
    [
        r"\badresse\s+(?:de\s+)?livraison\b",
        r"\blieu\s+de\s+(?:livraison|chantier|reception|dechargement)\b",
        r"\b(?:a\s+)?livrer\s+(?:a|au|chez|sur)\b",
        # 'À livrer pour le 19/11 à notre atelier : <address>'
        r"\blivr\w*\b[^:\n]{0,60}?\b(?:a|au|chez|sur)\s+(?:notre|nos|votre|l')?\s*"
        r"(?:atelier|depot|magasin|site|chantier|entrepot|usine|agence|siege|adresse suivante)\s*:",
        r"\blivraison\s+(?:a|au|chez|sur le site|sur site)\b(?!\s*(?:j|\d))",
        # 'Livraison pour le 24/11 à : <address>', 'Livraison souhaitée le 24/11 à l'adresse du dépôt : <address>'
        r"\blivr\w*\b[^:\n]{0,60}?\s(?:a|au|chez)\s*(?:l'adresse\b[^:\n]{0,40})?:",
        r"\badresse\s+(?:du\s+)?chantier\b",
        r"\bdelivery\s+(?:address|location|point|to)\b",
        r"\bdeliver\s+to\b",
        r"\bship(?:ping)?\s*(?:to|address)\b",
        r"\bconsignee\b",
        r"\bsite\s+address\b",
        r"\bliefer\s*(?:anschrift|adresse|ort)\b",
        r"\banliefer(?:adresse|anschrift|ung\s+an)\b",
        r"\bwarenempfanger\b",
        r"\bliefern\s+an\b",
        r"\blever(?:ings)?adres\b",
        r"\bafleveradres\b",
        r"\bleveren\s+(?:aan|op)\b",
        r"\bleveringsplaats\b",
        r"\badres\s+(?:van\s+)?levering\b",
    ]
)
# "Livraison : <address>" (also used for a date: the value must look like an address)
_DELIVERY_ADDRESS_SHORT = _compile(
    [r"^\s*(?:(?:chantier|site|lieu|adresse)\s*/\s*)?(?:livraison|delivery|lieferung|levering)\b\s*:?"]
)
_DELIVERY_ADDRESS_BARE = _compile([r"^\s*livraison\s*:?\s*$", r"^\s*delivery\s*:?\s*$", r"^\s*lieferung\s*:?\s*$"])
_ADDRESS_ABOVE = re.compile(
    r"\b(?:a\s+l'adresse\s+ci-dessus|adresse\s+ci-dessus|above\s+address|address\s+above|"
    r"obige\s+adresse|bovenstaand\s+adres)\b"
)
_POSTCODE_CITY = re.compile(r"(?:^|[\s,–-])(?:[A-Z]{1,2}-?)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-Za-zÀ-ÿ'’][\w'’ -]+")
_STREET = re.compile(
    r"\b(rue|avenue|av\.|bd|boulevard|chemin|route|place|impasse|allee|quai|zi|za|zac|parc|"
    r"street|st\.|road|rd\.|lane|straat|laan|weg|steenweg|plein|strasse|str\.|gasse|platz|"
    r"chaussee|lieu-dit|bp|cs)\b"
)
_COUNTRIES = re.compile(
    r"^(france|belgique|belgium|belgie|deutschland|germany|allemagne|nederland|netherlands|"
    r"pays-bas|luxembourg|suisse|schweiz|switzerland|espagne|spain|italie|italy)$"
)
_PHONE = re.compile(r"(?:\+\d{2}\s?|\b0)\d(?:[\s.]?\d{2}){4}\b")
_SELLER_LABELS = re.compile(
    r"^\s*(?:fournisseur|supplier|vendor|seller|lieferant|leverancier|destinataire|"
    r"a l'attention(?: de)?|attn\.?|to)\b\s*(?:/\s*[\w ]+)?\s*:?"
)
_BUYER_LABELS = re.compile(
    r"^\s*(?:client|customer|emetteur|expediteur|donneur d'ordre|besteller|kunde|"
    r"klant|bill to|invoice (?:address|to)|adresse de facturation|facturation|"
    r"rechnungs(?:adresse|anschrift)|factu(?:ur|ratie)adres|sold to|"
    r"auftraggeber|commanditaire)\b\s*(?:/\s*[\w ]+)?\s*:?"
)
_LEGAL_FORM = re.compile(
    r"\b(sas|sasu|sarl|eurl|sa|snc|sci|scop|sca|gie|nv|bv|bvba|srl|sprl|cv|vof|gmbh|ag|kg|"
    r"ohg|ug|ltd|limited|inc|llc|plc|spa|sl)\b\.?",
    re.IGNORECASE,
)
_ANY_LABEL = re.compile(r"^\s*[^\W\d_][\w.'’ -]{0,40}?\s?:(?:\s|$)")


def _is_label_text(text: str) -> bool:
    folded = _fold(text)
    if _ANY_LABEL.match(folded):
        return True
    for pattern in _DELIVERY_STRONG + _ORDER_DATE_STRONG + _PO_STRONG + _DELIVERY_ADDRESS:
        if pattern.match(folded.strip()):
            return True
    if any(p.match(folded) for p in _DELIVERY_ADDRESS_BARE):
        return True
    return bool(_SELLER_LABELS.match(folded) or _BUYER_LABELS.match(folded))


def _sibling_heading(label: str, value: str) -> bool:
    """'FOURNISSEUR      LIVRAISON': two column headings side by side, not a label and its value."""
    return label.isupper() and value.isupper() and len(value.split()) <= 2 and not re.search(r"\d", value)


def _block_below(
    doc: _Doc, line: int, column: int, right: int | None, max_lines: int = 6, party: bool = False
) -> list[tuple[int, _Seg]]:
    """Lines of the block under a label starting at `column` (up to a blank, a label or another block)."""
    out: list[tuple[int, _Seg]] = []
    skipped = 0
    index = line + 1
    while index < len(doc.lines) and len(out) < max_lines:
        if doc.blank(index):
            if out:
                break
            index += 1
            skipped += 1
            if skipped > 1:
                break
            continue
        seg = next((s for s in doc.segs[index] if abs(s.start - column) <= 3), None)
        if seg is None:
            covering = doc.seg_at(index, column)
            if covering is not None or skipped >= 2:
                break
            skipped += 1
            index += 1
            continue
        if right is not None and seg.start >= right:
            break
        text = seg.text
        if right is not None and seg.end > right + 2:
            text = doc.lines[index][seg.start : right].rstrip()
        if len(header_roles(doc.lines[index])) >= 3:
            break
        identity = bool(_VAT.search(text) or _SIRET.search(text) or _EMAIL.search(text) or _PHONE.search(text))
        if party and identity:
            out.append((index, _Seg(index, seg.start, seg.start + len(text), text)))
            index += 1
            continue  # a party block goes on with its VAT number, SIRET, phone, e-mail
        if _is_label_text(text) or _first_date(text) is not None:
            break
        out.append((index, _Seg(index, seg.start, seg.start + len(text), text)))
        if _POSTCODE_CITY.search(text) and not _STREET.search(_fold(text)) and not party:
            following = index + 1
            if following < len(doc.lines):
                nxt = next((s for s in doc.segs[following] if abs(s.start - column) <= 3), None)
                if nxt is not None and _COUNTRIES.match(_fold(nxt.text).strip()):
                    out.append((following, nxt))
            break
        index += 1
    return out


def _right_bound(doc: _Doc, line: int, seg: _Seg) -> int | None:
    following = [s for s in doc.segs[line] if s.start >= seg.end]
    return following[0].start - 1 if following else None


def _clean_address(parts: list[str]) -> str | None:
    cleaned: list[str] = []
    hyphenated = False
    for part in parts:
        part = _PHONE.sub("", part)
        part = re.sub(r"\S+@\S+", "", part)
        part = re.sub(r"\s+", " ", part).replace("\ufffe", "-").replace("\u00ad", "-")
        # 'Sainte-' / 'Anne, 35000 Rennes': a word cut at the end of a line is one word
        joins = hyphenated and cleaned
        hyphenated = bool(re.search(r"\w-$", part.strip()))
        part = part.strip(" ,;·–") if hyphenated else part.strip(" ,;·–-")
        if not part:
            continue
        if joins:
            cleaned[-1] += part
        else:
            cleaned.append(part)
    if not cleaned:
        return None
    out = cleaned[0]
    for part in cleaned[1:]:
        # a postcode at the end of a line and its town on the next one stay together
        out += " " + part if re.search(r"\b\d{4,5}$", out) and part[:1].isalpha() else ", " + part
    # '35000 Rennes (accès par la cour).': a remark after the town is not part of the address
    out = re.sub(r"(\b\d{4,5}\s+[^\W\d][\w'’ -]*?)\s*\([^)]*\)?\s*\.?$", r"\1", out)
    return out.rstrip(" .-")


def _find_delivery_address(doc: _Doc) -> _Found | None:
    best: _Found | None = None
    for strength, patterns in (
        (3.0, _DELIVERY_ADDRESS),
        (2.0, _DELIVERY_ADDRESS_SHORT),
        (1.5, _DELIVERY_ADDRESS_BARE),
    ):
        for index, folded in enumerate(doc.folded):
            for pattern in patterns:
                if strength < 3:
                    seg_matches = [(s, pattern.match(_fold(s.text))) for s in doc.segs[index]]
                    matches = [(s.start + m.start(), s.start + m.end()) for s, m in seg_matches if m]
                else:
                    matches = [(m.start(), m.end()) for m in pattern.finditer(folded)]
                for start, end in matches:
                    found = _address_at(doc, index, start, end, strength)
                    if found is not None and found.better_than(best):
                        best = found
            if best is not None and best.score >= 3:
                return best
    return best


def _address_at(doc: _Doc, index: int, start: int, end: int, strength: float) -> _Found | None:
    seg = doc.seg_at(index, start)
    if seg is None:
        return None
    rest, skipped = _strip_label_prefix(doc.lines[index][end : seg.end], _DELIVERY_ADDRESS)
    value_start = end + skipped
    cut = _NEXT_LABEL.search(" " + rest)
    if cut:
        rest = rest[: max(cut.start() - 1, 0)]
    parts: list[str] = []
    last_line = index
    following = [s for s in doc.segs[index] if s.start >= seg.end]
    if not rest.strip() and following and following[0].start - seg.end <= 30 and strength >= 2:
        candidate = following[0].text
        stripped = candidate.lstrip(_SEPARATORS)
        if (
            stripped
            and not _is_label_text(candidate)
            and _first_date(candidate) is None
            and not _sibling_heading(seg.text, candidate)
        ):
            rest = stripped
            value_start = following[0].start + len(candidate) - len(stripped)
            cut = _NEXT_LABEL.search(" " + rest)
            if cut:
                rest = rest[: max(cut.start() - 1, 0)]
    if rest.strip():
        if _ADDRESS_ABOVE.search(_fold(rest)):
            return None
        # "Chantier X,    5 allée Y,    59300 Z": a list cut by wide spaces goes on in the next column
        position = value_start + len(rest)
        while rest.rstrip().endswith(","):
            nxt = next((s for s in doc.segs[index] if s.start >= position), None)
            if nxt is None or nxt.start - position > 10 or _is_label_text(nxt.text):
                break
            rest = rest.rstrip() + " " + nxt.text
            position = nxt.end
        parts.append(rest)
        # an inline value may go on under itself ("LIVRER A : ..., 1 RUE X," / "62510 ARQUES")
        if rest.rstrip().endswith(",") or not _POSTCODE_CITY.search(rest):
            more = _block_below(doc, index, value_start, None, max_lines=3)
            if not more:
                # a paragraph wrapped back to the margin ("..., 44800" / "Saint-Herblain")
                more = _block_below(doc, index, seg.start, None, max_lines=1)
            for line, below in more:
                parts.append(below.text)
                last_line = line
    else:
        right = following[0].start - 1 if following else None
        for line, below in _block_below(doc, index, seg.start, right):
            parts.append(below.text)
            last_line = line
    address = _clean_address(parts)
    if address is None or _first_date(address) is not None:
        return None
    if strength < 3 and not _looks_like_address(address):
        return None
    score = strength if _looks_like_address(address) else strength - 1.5
    return _Found(address, score, index, start, len(doc.lines[last_line]) if last_line == index else seg.end)


def _looks_like_address(text: str) -> bool:
    return bool(_POSTCODE_CITY.search(text) or _STREET.search(_fold(text)))


_LETTER_DELIVERY = re.compile(
    r"\b(?:livrer|livrez|livreront|deliver|liefern|leveren)\b[^.:;]{0,80}?\s"
    r"(?:au|aux|a la|a l'|chez|sur|to|at|an|nach|naar|bij|op)\s+(?=\S)"
)
_LETTER_PLACE_END = re.compile(
    r"\s(?:pour|avant|d'ici|des|le\s+\d|au plus tard|entre|by|before|on|bis|am|voor|tegen)\b|[.;:!?](?:\s|$)"
)


def _sentence_address(doc: _Doc, blocks: list[_Block]) -> _Found | None:
    """'... livrer les fournitures au Centre Technique Municipal (quai n°2, rue X) pour le ...'."""
    flat = " ".join(doc.lines)
    folded = " ".join(doc.folded)
    for match in _LETTER_DELIVERY.finditer(folded):
        tail = folded[match.end() : match.end() + 160]
        end = _LETTER_PLACE_END.search(tail)
        place = re.sub(r"\s+", " ", flat[match.end() : match.end() + (end.start() if end else len(tail))]).strip()
        if not place or not (place[0].isupper() or _STREET.search(_fold(place))) or len(place) < 5:
            continue
        if not _POSTCODE_CITY.search(place):
            town = _town_of(place, blocks)
            if town:
                place = f"{place}, {town}"
        line = sum(1 for offset in doc.offsets if offset <= match.end()) - 1
        return _Found(place, 1.0, max(line, 0), 0, len(doc.lines[max(line, 0)]))
    return None


def _town_of(place: str, blocks: list[_Block]) -> str | None:
    """The postcode and town printed in a block that names `place` ('Centre Technique Municipal')."""
    folded_place = _fold(place)
    for block in blocks:
        named = False
        for _, seg in block.lines:
            folded = _fold(seg.text).strip()
            if len(folded) >= 8 and folded in folded_place:
                named = True
            if named and _POSTCODE_CITY.search(seg.text) and not _STREET.search(folded):
                return seg.text.strip()
    return None


# ------------------------------------------------------------------------------ parties, hints

_VAT = re.compile(
    r"\b(?:FR\s?[0-9A-HJ-NP-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}|BE\s?[01]\d{3}[.\s]?\d{3}[.\s]?\d{3}|DE\s?\d{9}|"
    r"NL\s?\d{9}\s?B\d{2}|LU\s?\d{8}|ATU\s?\d{8}|IT\s?\d{11}|ES\s?[A-Z0-9]\d{7}[A-Z0-9]|CHE[-\s]?\d{3}\.\d{3}\.\d{3})\b"
)
_SIRET = re.compile(r"(?<![\d\w])\d{3}\s?\d{3}\s?\d{3}\s?\d{5}(?![\d\w])")
_SIREN = re.compile(r"\b(?:siren|rcs\s+[a-z' -]{2,30}?)\s*:?\s*(?:[ab]\s+)?(\d{3}\s?\d{3}\s?\d{3})(?!\s?\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BUYER_ID = re.compile(
    r"\b(?:n[°o]\s*(?:de\s+)?client|code\s+client|client\s*n[°o]|ref(?:erence)?\.?\s+client|votre\s+code\s+client|"
    r"compte\s+client|client|customer\s*(?:no\.?|number|id|code|account)?|account\s*(?:no\.?|number)|"
    r"kunden\s*-?\s*(?:nr\.?|nummer)|kundennummer|klant\s*(?:nr\.?|nummer)|klantnummer)\s*:?\s*([A-Z0-9][\w-]{2,20})",
    re.IGNORECASE,
)
_QUOTE_TITLE = re.compile(r"^\s*(?:devis|offre de prix|proposition commerciale|quotation|quote|angebot|offerte)\b")


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


@dataclass
class _Block:
    kind: str  # "seller", "buyer", "letterhead"
    lines: list[tuple[int, _Seg]]

    def covers(self, line: int, column: int) -> bool:
        return any(index == line and seg.start - 2 <= column <= seg.end + 2 for index, seg in self.lines)

    @property
    def texts(self) -> list[str]:
        return [seg.text for _, seg in self.lines]


def _party_blocks(doc: _Doc) -> list[_Block]:
    blocks: list[_Block] = []
    for index in range(len(doc.lines)):
        for seg in doc.segs[index]:
            folded = _fold(seg.text)
            for kind, pattern in (("seller", _SELLER_LABELS), ("buyer", _BUYER_LABELS)):
                match = pattern.match(folded)
                if not match:
                    continue
                rest = seg.text[match.end() :].strip(_SEPARATORS)
                members: list[tuple[int, _Seg]] = []
                column = seg.start
                following = [s for s in doc.segs[index] if s.start >= seg.end]
                if rest:
                    members.append((index, _Seg(index, seg.end - len(rest), seg.end, rest)))
                    if not re.fullmatch(r"[\w./-]{2,20}", rest):
                        column = seg.end - len(rest)  # "Client : 41100234" keeps the block under the label
                elif (
                    following
                    and following[0].start - seg.end <= 30
                    and not _is_label_text(following[0].text)
                    and not _sibling_heading(seg.text, following[0].text)
                ):
                    value = following[0]
                    text = value.text.lstrip(_SEPARATORS)
                    column = value.end - len(text)
                    members.append((index, _Seg(index, column, value.end, text)))
                right = None if members else _right_bound(doc, index, seg)
                members.extend(_block_below(doc, index, column, right, party=True))
                if members:
                    blocks.append(_Block(kind, members))
                break
    return blocks


def _letterhead(doc: _Doc, blocks: list[_Block]) -> _Block | None:
    """The sender's block at the top of the first page: the first lines of the left-most text."""
    members: list[tuple[int, _Seg]] = []
    for index in range(min(len(doc.lines), 40)):
        if not doc.segs[index]:
            if len(members) >= 2 and any(_POSTCODE_CITY.search(seg.text) for _, seg in members):
                break
            continue
        seg = doc.segs[index][0]
        if any(block.covers(index, seg.start) for block in blocks):
            if members:
                break
            continue
        label = next((m for p in _PO_STRONG[:3] for m in [p.search(_fold(seg.text))] if m), None)
        if label is not None:
            head = seg.text[: label.start()].strip(_SEPARATORS)
            head = re.sub(r"(?i)\b(bon de commande|commande|order|purchase order|bestellung)\s*$", "", head).strip()
            if len(head) >= 3:
                members.append((index, _Seg(index, seg.start, seg.start + len(head), head)))
            continue
        if _first_date(seg.text):
            continue
        members.append((index, seg))
        if len(members) >= 8:
            break
    return _Block("letterhead", members) if members else None


def _address_around(block: _Block) -> str | None:
    """Name, street and town of a party block (the lines down to its postcode line)."""
    parts: list[str] = []
    previous = None
    for index, seg in block.lines:
        if previous is not None and index - previous > 1:
            if any(_POSTCODE_CITY.search(p) for p in parts):
                break
            if not any(_STREET.search(_fold(p)) for p in parts):
                parts = []  # a new paragraph of the block: the address is the one with the town
        previous = index
        text = seg.text
        folded = _fold(text)
        if len(text.strip()) <= 2:
            continue
        if (
            _VAT.search(text)
            or _SIRET.search(text)
            or _EMAIL.search(text)
            or re.search(r"\b(tel|fax|siret|tva|vat)\b", folded)
        ):
            if parts and _POSTCODE_CITY.search(parts[-1]):
                break
            continue
        parts.append(text)
        if _POSTCODE_CITY.search(text):
            break
    if not any(_POSTCODE_CITY.search(p) for p in parts):
        return None
    return _clean_address([p for p in parts if not re.search(r"[·|]", p) or _POSTCODE_CITY.search(p)])


def _buyer_address(doc: _Doc, blocks: list[_Block]) -> _Found | None:
    """A form that names the client and its address but no delivery place: the goods go to the
    client. A guess, however likely (it may be a billing address), so a person confirms it."""
    for block in blocks:
        if block.kind != "buyer":
            continue
        text = _address_around(block)
        if text is None:
            continue
        name = _block_name(block)
        if name and _fold(name) not in _fold(text):
            text = f"{name}, {text}"
        line = block.lines[0][0]
        return _Found(text, 1.0, line, 0, len(doc.lines[line]))
    return None


def _fill_hints(doc: _Doc, order: Order, blocks: list[_Block], letterhead: _Block | None, quote: bool) -> None:
    hints = order.customer_hints
    seller_blocks = [b for b in blocks if b.kind == "seller"]
    if quote and letterhead is not None:
        seller_blocks.append(letterhead)

    def in_seller(line: int, column: int) -> bool:
        return any(block.covers(line, column) for block in seller_blocks)

    def add(values: list[str], value: str) -> None:
        if value and value not in values:
            values.append(value)

    for index, line in enumerate(doc.lines):
        for match in _VAT.finditer(line):
            if not in_seller(index, match.start()):
                add(hints.vat_numbers, re.sub(r"[\s.\-]", "", match.group(0)).upper())
        for match in _SIRET.finditer(line):
            digits = re.sub(r"\s", "", match.group(0))
            labelled = re.search(r"siret\W*$", _fold(line[: match.start()]))
            if (labelled or _luhn(digits)) and not in_seller(index, match.start()):
                add(hints.sirets, digits)
        for match in _SIREN.finditer(_fold(line)):
            digits = re.sub(r"\s", "", match.group(1))
            if not in_seller(index, match.start()) and not any(s.startswith(digits) for s in hints.sirets):
                add(hints.sirets, digits)
        for match in _EMAIL.finditer(line):
            if not in_seller(index, match.start()):
                _add_email(order, match.group(0).strip(".").lower())
        for match in _BUYER_ID.finditer(line):
            if re.search(r"\d", match.group(1)) and not in_seller(index, match.start()):
                add(hints.buyer_ids, match.group(1))
    buyer_blocks = [b for b in blocks if b.kind == "buyer"]
    if letterhead is not None and not quote:
        buyer_blocks.insert(0, letterhead)
    for block in buyer_blocks:
        name = _block_name(block)
        if name:
            add(hints.names, name)
        address = _address_around(block)
        if address:
            add(hints.addresses, address)
    for index in range(len(doc.lines)):
        for seg in doc.segs[index]:
            if _LEGAL_FORM.search(seg.text) and not in_seller(index, seg.start) and len(seg.text) < 90:
                name = re.split(r"\s[·|–]\s|\s-\s(?=SIRET|TVA|RCS)", seg.text)[0].strip()
                if 3 <= len(name) <= 70 and not re.search(r"\d{5}", name):
                    add(hints.names, name)
    if order.delivery_address:
        first = order.delivery_address.split(",")[0].strip()
        if _LEGAL_FORM.search(first):
            add(hints.names, first)


def _add_email(order: Order, email: str) -> None:
    hints = order.customer_hints
    # CustomerHints has no list of e-mails: the first one is the sender's, others go to the text
    if hints.sender_email is None:
        hints.sender_email = email


def _block_name(block: _Block) -> str | None:
    for _, seg in block.lines:
        text = seg.text.strip()
        folded = _fold(text)
        if not text or _first_date(text) or _VAT.search(text) or re.search(r"\d{4,}|@", text):
            continue
        if re.match(r"^(tel|fax|e-?mail|siret|tva|vat|www)\b", folded):
            continue
        if _STREET.search(folded) and re.search(r"\d", text):
            continue
        if len(text) < 3:
            continue
        return re.split(r"\s[·|–]\s", text)[0]
    return None


# ------------------------------------------------------------------------------ entry point


def find_header_fields(text: str, order: Order, source: str = "") -> None:
    """Fill the header fields of `order` that are still None from `text`."""
    order.customer_hints.text = order.customer_hints.text or text
    if not text.strip():
        return
    doc = _Doc(text)

    def put(field: str, found: _Found | None) -> None:
        if found is None or getattr(order, field) is not None:
            return
        setattr(order, field, found.value)
        order.confidence[field] = _confidence(found.score)
        order.provenance[field] = doc.provenance(found.line, found.start, found.end, source)

    po = _find_po(doc)
    put("po_number", po)

    delivery = _dated(doc, _DELIVERY_STRONG, 3.0, None)
    delivery = _dated(doc, _DELIVERY_BARE, 2.0, delivery, whole_line=True)
    delivery = delivery if delivery is not None else _sentence_delivery(doc)

    order_date = _dated(doc, _ORDER_DATE_STRONG, 3.0, None)
    after_po = _date_after_po(doc, po)
    if after_po is not None and after_po.better_than(order_date):
        order_date = after_po
    bare = _dated(doc, _ORDER_DATE_BARE, 2.0, None, exclude=re.compile(r"\b(livr|deliver|liefer|lever|besoin)"))
    same_as_delivery = (
        delivery is not None
        and bare is not None
        and (bare.value, bare.line)
        == (
            delivery.value,
            delivery.line,
        )
    )
    if bare is not None and not same_as_delivery and bare.better_than(order_date):
        order_date = bare
    letter = _letter_date(doc)
    if letter is not None and letter.better_than(order_date):
        order_date = letter
    if order_date is None:
        exclude = {delivery.value} if delivery is not None and isinstance(delivery.value, dt.date) else set()
        order_date = _first_any_date(doc, exclude)
    if (
        delivery is not None
        and order_date is not None
        and delivery.value == order_date.value
        and delivery.line == order_date.line
        and delivery.start == order_date.start
    ):
        delivery = None  # one date read twice: it is the order's date
    delivery = _plausible_delivery(delivery, order_date)
    if delivery is None:
        delivery = _weekday_delivery(doc, order_date)
    put("order_date", order_date)
    put("requested_delivery_date", delivery)

    currency = _find_currency(doc)
    put("currency", currency)

    total = _find_total(doc)
    if total is not None and isinstance(total.value, Decimal):
        put("printed_total", total)

    blocks = _party_blocks(doc)
    quote = any(_QUOTE_TITLE.match(_fold(line)) for line in doc.lines[:60])
    letterhead = _letterhead(doc, blocks)

    address = _find_delivery_address(doc)
    if address is None and any(_ADDRESS_ABOVE.search(f) for f in doc.folded):
        # "livraison à l'adresse ci-dessus": the buyer's own address printed at the top
        buyers = [b for b in blocks if b.kind == "buyer"]
        source_block = buyers[0] if quote and buyers else letterhead
        text_address = _address_around(source_block) if source_block is not None else None
        if text_address and source_block is not None:
            line = source_block.lines[0][0]
            address = _Found(text_address, 2.0, line, 0, len(doc.lines[line]))
    if address is None:
        address = _sentence_address(doc, ([letterhead] if letterhead else []) + blocks)
    if address is None:
        address = _buyer_address(doc, blocks)
    put("delivery_address", address)

    _fill_hints(doc, order, blocks, letterhead, quote)
