"""Finding products by what the customer wrote about them.

An inverted index (token -> products) shortlists the products that share rare words with the
line; only that shortlist is scored, so a search stays fast on a catalogue of 100,000 products.
The score says how much of the customer's text the product name explains (weighted by how rare
each word is) and, less, how much of the product name the customer mentioned.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from matching.normalize import analyse, is_numeric_token, number_of, tokens, unit_of

SHORTLIST = 60  # products scored in full per search
MAX_EXPANSIONS = 40  # vocabulary words an abbreviation may stand for


@dataclass(frozen=True)
class Candidate:
    sku: str
    score: float


@dataclass
class _Entry:
    sku: str
    unit: str
    prefix: str  # brand prefix of the sku, lower case ('sch'), '' when none
    primary: list[str]  # the name's tokens
    expanded: frozenset[str]  # primary tokens and the pieces of hyphenated ones
    measures: frozenset[str]  # units of its number tokens ('a' for 16a, 'd' for d20), for conflicts


@dataclass(frozen=True)
class _Term:
    """A query word, with what scoring needs to know about it."""

    token: str
    weight: float
    measure: str | None
    readings: dict[str, float]


class ProductIndex:
    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._by_sku: dict[str, int] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._vocab: list[str] = []
        self._by_number: dict[str, list[str]] = defaultdict(list)
        self._by_initial: dict[str, list[str]] = defaultdict(list)  # word vocabulary by first letter
        self._expansions: dict[str, dict[str, float]] = {}
        self._idf: dict[str, float] = {}
        self._unknown_idf = 1.0

    def add(self, sku: str, name: str, unit: str, prefix: str) -> None:
        words, pieces = analyse(name)
        primary = list(dict.fromkeys(words))
        expanded = frozenset(primary) | frozenset(pieces)
        idx = len(self._entries)
        self._by_sku[sku] = idx
        measures = frozenset(m for m in (unit_of(t) for t in primary) if m)
        self._entries.append(_Entry(sku, unit, prefix.lower(), primary, expanded, measures))
        for token in expanded:
            self._postings[token].append(idx)

    def freeze(self) -> None:
        """Compute word weights and lookup tables once every product is added."""
        n = max(len(self._entries), 1)
        self._idf = {t: math.log(1 + n / len(posts)) for t, posts in self._postings.items()}
        self._vocab = sorted(self._postings)
        self._by_number.clear()
        self._by_initial.clear()
        self._expansions.clear()
        for token in self._vocab:
            if not is_numeric_token(token):
                self._by_initial[token[0]].append(token)
            num = number_of(token)
            if num is not None and num != token:
                self._by_number[num].append(token)
        # A word no product uses is as telling as a rare one, but it may also be the customer's filler.
        values = sorted(self._idf.values())
        self._unknown_idf = values[len(values) // 2] if values else 1.0

    # ------------------------------------------------------------------ search

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._unknown_idf)

    def _expand(self, token: str) -> dict[str, float]:
        """Vocabulary words this query word may stand for, with how sure that reading is."""
        cached = self._expansions.get(token)
        if cached is None:
            if len(self._expansions) > 100_000:
                self._expansions.clear()
            cached = self._expansions[token] = self._readings(token)
        return cached

    def _readings(self, token: str) -> dict[str, float]:
        found: dict[str, float] = {}
        if token in self._postings:
            found[token] = 1.0
        if is_numeric_token(token):
            if token.isdigit() or number_of(token) == token:
                for other in self._by_number.get(token, []):  # '16' written for 'd16' or '16a'
                    found.setdefault(other, 0.7)
            return found
        if len(token) >= 3:  # abbreviations: 'disj' -> 'disjoncteur', 'diff' -> 'differentiel'
            start = bisect.bisect_left(self._vocab, token)
            for other in self._vocab[start : start + MAX_EXPANSIONS]:
                if not other.startswith(token):
                    break
                if not is_numeric_token(other):
                    found.setdefault(other, 0.9)
        if not found and len(token) >= 5:  # typing mistakes and near spellings
            near = self._by_initial.get(token[0], [])
            for other, ratio, _ in process.extract(token, near, scorer=fuzz.ratio, limit=3, score_cutoff=85):
                if not is_numeric_token(other):
                    found.setdefault(other, 0.85 * ratio / 100)
        return found

    def unexplained_numbers(self, text: str, sku: str) -> list[str]:
        """Number tokens of `text` (16a, 3x2.5, ip65...) that the product's name does not have."""
        idx = self._by_sku.get(sku)
        if idx is None:
            return []
        entry = self._entries[idx]
        missing = []
        for token in dict.fromkeys(tokens(text)):
            if not is_numeric_token(token):
                continue
            if not any(word in entry.expanded for word in self._expand(token)):
                missing.append(token)
        return missing

    def _terms(self, text: str) -> list[_Term]:
        terms = []
        for token in dict.fromkeys(tokens(text)):
            numeric = is_numeric_token(token)
            weight = self.idf(token) * (1.5 if numeric else 1.0)
            terms.append(_Term(token, weight, unit_of(token) if numeric else None, self._expand(token)))
        return terms

    def score_sku(self, text: str, sku: str, unit: str | None = None) -> float:
        """How well `text` describes the product `sku` (0 when the sku is not indexed)."""
        idx = self._by_sku.get(sku)
        terms = self._terms(text)
        if idx is None or not terms:
            return 0.0
        return self._score(terms, self._entries[idx], unit)

    def search(self, text: str, unit: str | None = None, limit: int = 5) -> list[Candidate]:
        terms = self._terms(text)
        shortlist = self._shortlist([t.readings for t in terms]) if terms else []
        scored = [
            Candidate(self._entries[i].sku, self._score(terms, self._entries[i], unit)) for i in shortlist
        ]
        scored.sort(key=lambda c: (-c.score, c.sku))
        return scored[:limit]

    def _shortlist(self, all_readings: list[dict[str, float]]) -> list[int]:
        """Products sharing the most (rare) words with the query. Rare words collect candidates;
        words found in much of the catalogue ('disjoncteur', 'c') only re-rank them."""

        def size(readings: dict[str, float]) -> int:
            return sum(len(self._postings.get(word, ())) for word in readings)

        common = max(2000, len(self._entries) // 20)
        rough: dict[int, float] = defaultdict(float)
        deferred = []
        for readings in sorted(all_readings, key=size):
            if rough and size(readings) > common:
                deferred.append(readings)
                continue
            best_for_product: dict[int, float] = {}
            for word, degree in readings.items():
                gain = self.idf(word) * degree
                for idx in self._postings.get(word, ()):
                    if gain > best_for_product.get(idx, 0.0):
                        best_for_product[idx] = gain
            for idx, gain in best_for_product.items():
                rough[idx] += gain
        for readings in deferred:
            gains = [(word, self.idf(word) * degree) for word, degree in readings.items()]
            for idx in rough:
                expanded = self._entries[idx].expanded
                rough[idx] += max((g for word, g in gains if word in expanded), default=0.0)
        return heapq.nlargest(SHORTLIST, rough, key=lambda i: (rough[i], -i))

    def _score(self, terms: list[_Term], entry: _Entry, unit: str | None) -> float:
        q_total = q_hit = 0.0
        used: set[str] = set()
        for term in terms:
            weight = term.weight
            degree, word = 0.0, ""
            for other, d in term.readings.items():
                if d > degree and other in entry.expanded:
                    degree, word = d, other
            if degree == 0.0:
                if entry.prefix and len(term.token) >= 4 and term.token.startswith(entry.prefix):
                    degree = (
                        0.9  # the brand, abbreviated in our sku: 'hager' for HAG-..., 'courant' for COU-...
                    )
                elif term.measure and term.measure in entry.measures:
                    weight *= 2  # '20A' asked, '16A' offered: a different product, not a vaguer one
            q_total += weight
            q_hit += weight * degree
            if word:
                used.add(word)
        p_total = p_hit = 0.0
        for token in entry.primary:
            weight = self.idf(token)
            p_total += weight
            if token in used:
                p_hit += weight
        q_cov = q_hit / q_total if q_total else 0.0
        p_cov = p_hit / p_total if p_total else 0.0
        score = 0.7 * q_cov + 0.3 * p_cov
        if unit and entry.unit and unit != entry.unit:
            score *= 0.9
        return round(score, 4)
