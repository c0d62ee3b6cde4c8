"""Who sent the order, from every clue the document gives; nobody rather than the wrong customer.

Each clue is evidence for some customers with a weight (how rarely such a clue misleads); clues
of different kinds add up as independent signals. A customer is chosen when its evidence is
strong and no other customer has strong evidence of its own (evidence that also points to the
chosen one, such as a price list several customers share, does not make a rival).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from matching.catalog import COMPANY_WORDS, Catalog, name_tokens
from matching.normalize import (
    EMAIL_IN_TEXT,
    SIRET_IN_TEXT,
    VAT_IN_TEXT,
    email_domain,
    fast_fold,
    is_public_domain,
    norm_code,
    norm_siret,
    norm_vat,
    siren_of_vat,
    valid_siren,
    valid_siret,
    valid_vat,
)
from orderintake.domain import Order

ACCEPT = 0.8  # combined evidence needed to name a customer
RIVAL = 0.5  # another customer with this much evidence of its own makes the choice unsafe
DISTINCT = 0.5  # evidence the chosen customer needs that the next best does not share

W_BUYER_ID = 0.9
W_BUYER_ID_TEXT = 0.8  # "Client : 41100234" printed on the document
W_ID_TEXT_BARE = 0.3
W_VAT = 0.95
W_SIRET = 0.95
W_SIREN = 0.85
W_SENDER_DOMAIN = 0.9
W_TEXT_DOMAIN = 0.6
W_ITEMS_MANY = 0.85
W_ITEMS_ONE = 0.5
W_NAME_EXACT = 0.85  # the buyer's name as the master data has it
W_NAME = 0.75  # a name given as the buyer's, or printed after "Client :"
W_NAME_TEXT = 0.6  # the whole name somewhere in the text
W_NAME_PARTIAL = 0.4  # most of its rare words close together
W_ACRONYM = 0.45  # "HFM" for Habitat Flandre Métropole
W_ACRONYM_DOMAIN = 0.6  # ...that is also its e-mail domain's name (hfm-habitat.fr)
W_ADDRESS = 0.5
W_POSTAL = 0.25  # its postal code (many customers may share one)
W_PRICES_ALL = 0.7  # five lines or more carry the contract prices of its price list
W_PRICES_MANY = 0.6  # three or four lines do
W_PRICES_FEW = 0.35

_ID_LABEL = re.compile(
    r"(client|customer|cust\.?|kunde|kunden|klant|debiteur|débiteur|compte|account|acct|code|n°|no\.?|nr\.?|"
    r"numéro|numero|buyer|acheteur|besteller)\W{0,12}$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(
    r"(client|customer|kunde|klant|acheteur|buyer|besteller|donneur d.ordre|factur\w* a|bill to|sold to|"
    r"invoice to|ordered by|commande par|besteld door|auftraggeber|raison sociale|societe|company)\W{0,6}$",
)
_WEB = re.compile(
    r"\b(?:www\.)?([a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:fr|be|com|eu|net|org|de|nl|lu|ch))\b"
)
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3,5})(?![A-Za-z0-9])")


@dataclass
class Evidence:
    customer_id: str
    signal: str  # buyer_id, vat, siret, siren, email_domain, text_domain, customer_items, name...
    weight: float
    detail: str


@dataclass
class CustomerMatch:
    customer_id: str | None
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    runner_up: str | None = None
    runner_up_score: float = 0.0


def _combine(items: Sequence[Evidence]) -> float:
    miss = 1.0
    for ev in items:
        miss *= 1.0 - ev.weight
    return 1.0 - miss


def identify_customer(
    order: Order, catalog: Catalog, line_skus: Sequence[str | None] | None = None
) -> CustomerMatch:
    """The customer of `order`, or None when unsure. `line_skus`: the lines' products found without
    knowing the customer, to recognise a customer by its contract prices."""
    evidence = collect_evidence(order, catalog, line_skus)
    # one weight per customer and kind of clue: the same VAT number printed twice is one clue
    best_by_kind: dict[tuple[str, str], Evidence] = {}
    for ev in evidence:
        key = (ev.customer_id, ev.signal)
        if key not in best_by_kind or ev.weight > best_by_kind[key].weight:
            best_by_kind[key] = ev
    per_customer: dict[str, list[Evidence]] = defaultdict(list)
    for (cid, _), ev in best_by_kind.items():
        per_customer[cid].append(ev)
    if not per_customer:
        return CustomerMatch(None)
    ranked = sorted(per_customer, key=lambda c: (-_combine(per_customer[c]), c))
    best = ranked[0]
    best_score = _combine(per_customer[best])
    rival, rival_score = None, 0.0
    for cid in ranked[1:]:
        score = _combine(_own(per_customer[cid], per_customer[best]))
        if score > rival_score:
            rival, rival_score = cid, score
    # What sets the best apart from the next one must itself be a real clue: a price list that
    # several customers share plus a postal code does not pick one of them.
    distinct = _combine(_own(per_customer[best], per_customer[ranked[1]])) if len(ranked) > 1 else best_score
    chosen = best if best_score >= ACCEPT and rival_score < RIVAL and distinct >= DISTINCT else None
    kept = [ev for ev in evidence if ev.customer_id in (best, rival)]
    return CustomerMatch(chosen, round(best_score, 4), kept, rival, round(rival_score, 4))


def _own(evidence: list[Evidence], other: list[Evidence]) -> list[Evidence]:
    """The clues in `evidence` that do not also point to the other customer."""
    shared = {(ev.signal, ev.detail) for ev in other}
    return [ev for ev in evidence if (ev.signal, ev.detail) not in shared]


def collect_evidence(
    order: Order, catalog: Catalog, line_skus: Sequence[str | None] | None = None
) -> list[Evidence]:
    hints = order.customer_hints
    text = hints.text or ""
    out: list[Evidence] = []

    def add(cids: set[str] | None, signal: str, weight: float, detail: str) -> None:
        for cid in sorted(cids or ()):
            out.append(Evidence(cid, signal, weight, detail))

    # the seller's customer number
    for buyer_id in hints.buyer_ids:
        cid = catalog.by_id_norm.get(norm_code(buyer_id))
        add({cid} if cid else None, "buyer_id", W_BUYER_ID, f"customer number {buyer_id}")
    for m in re.finditer(r"(?<![\w-])([A-Za-z0-9][A-Za-z0-9\-]{2,})(?![\w-])", text):
        cid = catalog.by_id_norm.get(norm_code(m.group(1)))
        if cid and any(c.isdigit() for c in m.group(1)):
            labelled = bool(_ID_LABEL.search(text[max(0, m.start() - 30) : m.start()]))
            add(
                {cid},
                "buyer_id",
                W_BUYER_ID_TEXT if labelled else W_ID_TEXT_BARE,
                f"customer number {m.group(1)}",
            )

    # VAT, SIRET, SIREN: only numbers whose check key is right count (a misread digit names nobody)
    vats = [norm_vat(vat) for vat in hints.vat_numbers]
    vats += [norm_vat(m.group(1)) for m in VAT_IN_TEXT.finditer(text.upper())]
    for vat in dict.fromkeys(v for v in vats if valid_vat(v)):
        found = catalog.by_vat.get(vat)
        add(found, "vat", W_VAT, f"VAT {vat}")
        siren = siren_of_vat(vat)
        if not found and siren:  # a customer known by its SIRET but not its VAT number
            add(catalog.by_siren.get(siren), "siren", W_SIREN, f"SIREN {siren} (VAT {vat})")
    sirets = [norm_siret(s) for s in hints.sirets]
    sirets += [norm_siret(m.group(1)) for m in SIRET_IN_TEXT.finditer(text)]
    for siret in dict.fromkeys(sirets):
        if valid_siret(siret) and siret in catalog.by_siret:
            add(catalog.by_siret[siret], "siret", W_SIRET, f"SIRET {siret}")
        elif len(siret) in (9, 14) and valid_siren(siret[:9]):
            add(catalog.by_siren.get(siret[:9]), "siren", W_SIREN, f"SIREN {siret[:9]}")

    # e-mail and web domains: the sender's, then any in the text
    sender_domain = email_domain(hints.sender_email)
    if sender_domain and not is_public_domain(sender_domain):
        add(
            _customers_of_domain(catalog, sender_domain),
            "email_domain",
            W_SENDER_DOMAIN,
            f"sender @{sender_domain}",
        )
    text_domains = {m.group(1).lower() for m in EMAIL_IN_TEXT.finditer(text)}
    text_domains |= {m.group(1).lower() for m in _WEB.finditer(text.lower())}
    for domain in sorted(text_domains):
        if not is_public_domain(domain):
            add(
                _customers_of_domain(catalog, domain),
                "text_domain",
                W_TEXT_DOMAIN,
                f"{domain} in the document",
            )

    out.extend(_item_evidence(order, catalog))
    out.extend(_name_evidence(hints.names, text, catalog))
    out.extend(_acronym_evidence(text, catalog))
    out.extend(_address_evidence(hints.addresses, text, catalog))
    if line_skus is not None:
        out.extend(_price_evidence(order, catalog, line_skus))
    return out


def _customers_of_domain(catalog: Catalog, domain: str) -> set[str]:
    parts = domain.split(".")
    for start in range(len(parts) - 1):  # 'achats.phd-papeteries.com' belongs to 'phd-papeteries.com'
        found = catalog.by_domain.get(".".join(parts[start:]))
        if found:
            return found
    return set()


def _item_evidence(order: Order, catalog: Catalog) -> list[Evidence]:
    """Part numbers of the lines that only one customer uses are that customer's signature."""
    votes: dict[str, int] = defaultdict(int)
    for line in order.lines:
        key = norm_code(line.customer_sku)
        if not key or catalog.products_by_code(line.customer_sku):
            continue  # our own codes say nothing about who writes them
        owners = catalog.item_owners.get(key, set())
        if len(owners) == 1:
            votes[next(iter(owners))] += 1
    if len(votes) != 1:
        return []  # none, or codes of several customers: no clear signature
    cid, count = next(iter(votes.items()))
    weight = W_ITEMS_MANY if count >= 2 else W_ITEMS_ONE
    return [Evidence(cid, "customer_items", weight, f"{count} of its own part numbers")]


def _word_weight(catalog: Catalog, word: str) -> float:
    n = max(len(catalog.customers), 1)
    return math.log(1 + n / catalog.name_word_df.get(word, 1))


def _name_evidence(names: list[str], text: str, catalog: Catalog) -> list[Evidence]:
    out: list[Evidence] = []
    for name in _name_parts(names):
        hint_words = [w for w in name_tokens(name) if w not in COMPANY_WORDS and len(w) > 1]
        near = {cid for w in hint_words for cid in catalog.by_name_word.get(w, set())}
        for cid in sorted(near):
            words = catalog.full_name_words[cid]
            if set(words) == set(hint_words):
                out.append(Evidence(cid, "name", W_NAME_EXACT, f"name '{name}'"))
                continue
            # most of the customer's name in the hint, and most of the hint in the customer's name
            if _covered(catalog, words, hint_words) >= 0.9 and _covered(catalog, hint_words, words) >= 0.6:
                out.append(Evidence(cid, "name", W_NAME, f"name '{name}'"))

    # In the free text a name counts as a phrase ("Watt Else", not "watt" somewhere), more when
    # it follows a label such as "Client :".
    folded = fast_fold(text)
    spans = [(m.group(0), m.start()) for m in re.finditer(r"[a-z0-9]+", folded)]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, (word, _) in enumerate(spans):
        positions[word].append(i)
    candidates = sorted({cid for w in positions for cid in catalog.by_name_word.get(w, set())})
    for cid in candidates:
        words = catalog.name_words[cid]
        start = None if len(words) == 1 and len(words[0]) < 6 else _phrase_at(words, positions)
        if start is not None:
            offset = spans[start][1]
            labelled = bool(_NAME_LABEL.search(folded[max(0, offset - 40) : offset]))
            out.append(
                Evidence(
                    cid,
                    "name",
                    W_NAME if labelled else W_NAME_TEXT,
                    f"name '{' '.join(words)}' in the document",
                )
            )
            continue
        partial = _partial_name(catalog, catalog.full_name_words[cid], positions)
        if partial:
            out.append(
                Evidence(cid, "name", W_NAME_PARTIAL, f"words '{partial}' of its name in the document")
            )
    return out


def _name_parts(names: list[str]) -> list[str]:
    """Each name hint, and its parts around a dash or bar: 'WATT ELSE - de WE 26/1' names Watt Else,
    'Dupont SA | Service achats' names Dupont SA."""
    out: list[str] = []
    for name in names:
        out.append(name)
        parts = [p.strip() for p in re.split(r"\s[-–—|]\s", name) if p.strip()]
        if len(parts) > 1:
            out.extend(parts)
    return out


def _covered(catalog: Catalog, words: list[str], by: list[str]) -> float:
    """Share of `words` (weighted by rarity) found in `by`, a misread letter allowed."""
    weights = [_word_weight(catalog, w) for w in words]
    hit = sum(
        weight
        for word, weight in zip(words, weights, strict=True)
        if word in by or (len(word) > 3 and any(fuzz.ratio(word, other) >= 90 for other in by))
    )
    return hit / sum(weights) if weights else 0.0


def _phrase_at(words: list[str], positions: dict[str, list[int]]) -> int | None:
    """Where all `words` stand in the text, in order, each within three words of the previous one."""
    if not words or any(w not in positions for w in words):
        return None
    for start in positions[words[0]]:
        at = start
        for word in words[1:]:
            nxt = [p for p in positions[word] if at < p <= at + 3]
            if not nxt:
                break
            at = nxt[0]
        else:
            return start
    return None


def _partial_name(catalog: Catalog, words: list[str], positions: dict[str, list[int]]) -> str:
    """Most of the name's rare words (by weight), at least three, close together in the text: two
    words of a name are too often a common phrase of the trade ('courants faibles')."""
    present = [w for w in words if w in positions]
    if len(present) < 3:
        return ""
    weights = {w: _word_weight(catalog, w) for w in words}
    if sum(weights[w] for w in present) / sum(weights.values()) < 0.6:
        return ""
    spots = sorted((p, w) for w in present for p in positions[w])
    # the smallest window of 12 words holding every present word
    for i, (p, _) in enumerate(spots):
        inside = {w for q, w in spots[i:] if q - p <= 12}
        if inside == set(present):
            return " ".join(present)
    return ""


def _acronym_evidence(text: str, catalog: Catalog) -> list[Evidence]:
    out = []
    for acronym in sorted({m.group(1).lower() for m in _ACRONYM.finditer(text)}):
        owners = catalog.by_acronym.get(acronym, set())
        if len(owners) > 1:
            # 'HFM' is Habitat Flandre Métropole's own name (hfm-habitat.fr) and, by chance, the
            # initials of Hôtel Fontaine Mâcon: the customer that uses it as a name owns it
            owners = {cid for cid in owners if _uses_acronym(catalog, cid, acronym)}
        # 'HEM' is Hainaut Élec Maintenance's initials but also the town in 'Commune de Hem'
        if len(owners) == 1 and not catalog.by_name_word.get(acronym, set()) - owners:
            cid = next(iter(owners))
            weight = W_ACRONYM_DOMAIN if acronym in catalog.domain_labels.get(cid, set()) else W_ACRONYM
            out.append(Evidence(cid, "acronym", weight, f"'{acronym.upper()}' in the document"))
    return out


def _uses_acronym(catalog: Catalog, cid: str, acronym: str) -> bool:
    """The customer writes the acronym itself: in its e-mail domain or in capitals in its name."""
    if acronym in catalog.domain_labels.get(cid, set()):
        return True
    return acronym.upper() in re.findall(r"\b[A-Z]{3,5}\b", catalog.customers[cid].name)


def _address_evidence(addresses: list[str], text: str, catalog: Catalog) -> list[Evidence]:
    """The customer's own street and postal code written on the document; or only its postal code."""
    out: list[Evidence] = []
    haystack = " " + " ".join(name_tokens(" \n ".join([*addresses, text]))) + " "
    words = haystack.split()
    for postal in sorted(set(re.findall(r"(?<= )\d{4,5}(?= )", haystack))):
        entries = catalog.by_postal.get(postal, [])
        for cid, street in entries:
            if _street_in(street, words):
                out.append(Evidence(cid, "address", W_ADDRESS, f"address {catalog.customers[cid].address}"))
            else:
                weight = W_POSTAL / len(entries)
                out.append(Evidence(cid, "postal", weight, f"postal code {postal}"))
    return out


def _street_in(street: list[str], words: list[str]) -> bool:
    """The street words in order, close together, allowing a misread letter ('veme' for 'verne')."""

    def same(a: str, b: str) -> bool:
        return a == b or (len(a) > 3 and fuzz.ratio(a, b) >= 75)

    for i, word in enumerate(words):
        if not same(street[0], word):
            continue
        at, ok = i, True
        for part in street[1:]:
            nxt = [j for j in range(at + 1, min(at + 4, len(words))) if same(part, words[j])]
            if not nxt:
                ok = False
                break
            at = nxt[0]
        if ok:
            return True
    return False


def _price_evidence(order: Order, catalog: Catalog, line_skus: Sequence[str | None]) -> list[Evidence]:
    """Lines priced exactly at a price list's contract price (that differs from the list price)."""
    hits: dict[str, int] = defaultdict(int)
    priced = 0
    for line, sku in zip(order.lines, line_skus, strict=False):
        if not sku or line.unit_price is None or line.quantity is None or sku not in catalog.products:
            continue
        priced += 1
        list_price = catalog.products[sku].list_price
        for price_list in catalog.lists_of_sku.get(sku, ()):
            rows = [r for r in catalog.prices[(price_list, sku)] if r.min_qty <= line.quantity]
            if not rows:
                continue
            price = rows[-1].price
            if _close(price, list_price) or not _close(price, line.unit_price):
                continue
            hits[price_list] += 1
    out = []
    for price_list, count in sorted(hits.items()):
        if count >= 2 and count * 2 >= priced:
            weight = W_PRICES_ALL if count >= 5 else W_PRICES_MANY if count >= 3 else W_PRICES_FEW
            for cid in sorted(catalog.customers_of_list.get(price_list, ())):
                out.append(
                    Evidence(cid, "prices", weight, f"{count} lines at the prices of list {price_list}")
                )
    return out


def _close(a: Decimal, b: Decimal) -> bool:
    return a > 0 and abs(a - b) / a <= Decimal("0.005")
