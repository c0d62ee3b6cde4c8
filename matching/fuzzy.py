"""Finding products by what the customer wrote about them.

An inverted index (word -> products, as numpy arrays) gives every product sharing a word with the
line a rough score in one vectorised pass; only the best of them are scored in full, so a search
stays within a millisecond or two on a catalogue of 100,000 products. The score says how much of
the customer's text the product name explains (weighted by how rare each word is) and, less, how
much of the product name the customer mentioned.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from matching.normalize import (
    also_means,
    analyse_many,
    is_numeric_token,
    number_of,
    query_words,
    read_word,
    unit_of,
    word_pieces,
)

SHORTLIST = 60  # products scored in full per search, at most
ALSO_DEGREE = 0.9  # a foreign word read as its second French meaning ('bag' as 'sachet')
COMPOUND_MIN = 7  # letters of an unknown word worth splitting into the words of a compound
LINKS = ("s", "en", "n", "e")  # joints of German and Dutch compounds (Toilette-n-papier)
ROUGH_MARGIN = 1e-4  # full scores are rounded to 4 decimals: a rough score may be that much below
MAX_EXPANSIONS = 40  # vocabulary words an abbreviation may stand for
Q_SHARE, P_SHARE = 0.7, 0.3  # weight of "the text is explained" and "the name is mentioned" in a score
OCR_DEGREE = 0.75  # a code read through an OCR look-alike ('ic6on' for 'ic60n')
# Letters OCR and handwriting confuse with digits. A cable section is canonical 'NxS' whatever its
# writing ('3G2,5' -> '3x2.5'), so its 'x' stands for a 'G' that a scan may show as '6'.
_OCR_SHAPE = str.maketrans("oqilzsgbx", "001125686")

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# a reading of a query word: its products, its gains to the text's and the name's side, a mask of
# the products when they are many (a membership test is then one lookup)
_Reading = tuple[IntArray, float, float, BoolArray | None]


@dataclass(frozen=True)
class Candidate:
    sku: str
    score: float
    coverage: float = 0.0  # how much of the text the product explains, in [0, 1]


@dataclass(frozen=True)
class _Term:
    """A query word, with what scoring needs to know about it."""

    token: str
    weight: float
    measure: str | None
    readings: dict[int, float]  # vocabulary word id -> how sure that reading is
    ranked: tuple[tuple[int, float], ...]  # the same, surest first


@dataclass(frozen=True)
class _Entry:
    """One product as scoring sees it (rebuilt from the index arrays for the few products scored)."""

    index: int
    primary: tuple[int, ...]  # the name's word ids, in order, once each
    expanded: frozenset[int]  # primary words and the pieces of hyphenated ones
    measures: frozenset[str]  # units of its number words ('a' for 16a, 'd' for d20), for conflicts


class ProductIndex:
    def __init__(self) -> None:
        self._skus: list[str] = []
        self._names: list[str] = []
        self._units: list[str] = []
        self._prefixes: list[str] = []  # brand prefix of the sku, lower case ('sch'), '' when none
        self._by_sku: dict[str, int] = {}
        self._frozen = False
        # built by freeze()
        self._vocab: list[str] = []  # sorted: abbreviations are looked up by bisection
        self._ids: dict[str, int] = {}
        self._idf = np.zeros(0)
        self._idf_list: list[float] = []
        self._unknown_idf = 1.0
        self._primary: list[tuple[int, ...]] = []  # per product: its name's word ids, in order, once each
        self._extra: list[tuple[int, ...]] = []  # per product: pieces of hyphenated words not in _primary
        self._measures: list[frozenset[str]] = []  # per product: units of its number words
        self._postings_ptr = np.zeros(1, dtype=np.int64)
        self._postings = np.zeros(0, dtype=np.int32)
        self._name_weight_inv = np.zeros(0)  # 1 / sum of the idf of a name's words
        self._unit_codes = np.zeros(0, dtype=np.int16)
        self._unit_ids: dict[str, int] = {}
        self._by_prefix: dict[str, IntArray] = {}
        self._dense: dict[int, BoolArray] = {}
        self._dense_prefix: dict[str, BoolArray] = {}
        self._measure: list[str | None] = []  # per word id
        self._numeric: list[bool] = []  # per word id
        self._by_number: dict[str, list[str]] = {}
        self._by_initial: dict[str, list[str]] = {}  # word vocabulary by first letter
        self._by_shape: dict[str, list[int]] = {}  # codes by their OCR shape (see _ocr_shape)
        self._expansions: dict[str, dict[int, float]] = {}
        self._term_cache: dict[str, list[_Term]] = {}

    def __len__(self) -> int:
        return len(self._skus)

    def add(self, sku: str, name: str, unit: str, prefix: str) -> None:
        """Index a product (a sku added again replaces its earlier name)."""
        at = self._by_sku.get(sku)
        if at is None:
            self._by_sku[sku] = len(self._skus)
            self._skus.append(sku)
            self._names.append(name)
            self._units.append(unit)
            self._prefixes.append(prefix.lower())
        else:
            self._names[at], self._units[at], self._prefixes[at] = name, unit, prefix.lower()
        self._frozen = False

    # ------------------------------------------------------------------ building

    def freeze(self) -> None:
        """Analyse every name and build the word tables once every product is added."""
        n = len(self._skus)
        analysed = analyse_many(self._names)
        ids: dict[str, int] = {}
        primary_lists: list[list[int]] = []
        expanded_lists: list[list[int]] = []
        for words, pieces in analysed:
            primary = [ids.setdefault(w, len(ids)) for w in dict.fromkeys(words)]
            primary_lists.append(primary)
            if pieces:
                extra = [ids.setdefault(p, len(ids)) for p in dict.fromkeys(pieces)]
                expanded_lists.append(list(dict.fromkeys(primary + extra)))
            else:
                expanded_lists.append(primary)
        # word ids in alphabetical order, so that a prefix of a word is a range of ids
        order = sorted(ids, key=ids.__getitem__)
        alphabetical = sorted(range(len(order)), key=order.__getitem__)
        renumber = np.empty(len(order), dtype=np.int32)
        renumber[np.asarray(alphabetical, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        self._vocab = sorted(order)
        self._ids = {w: i for i, w in enumerate(self._vocab)}
        primary_ptr, primary_ids = _csr(primary_lists, renumber)
        expanded_ptr, expanded_ids = _csr(expanded_lists, renumber)
        new_id = renumber.tolist()
        self._primary = [tuple([new_id[i] for i in words]) for words in primary_lists]
        self._extra = [
            tuple([new_id[i] for i in words[len(primary):]]) if len(words) > len(primary) else ()
            for primary, words in zip(primary_lists, expanded_lists, strict=True)
        ]

        # postings: the products of each word, from the (product, word) pairs sorted by word
        counts = np.diff(expanded_ptr)
        owners = np.repeat(np.arange(n, dtype=np.int32), counts)
        by_word = np.argsort(expanded_ids, kind="stable")
        self._postings = owners[by_word]
        df = np.bincount(expanded_ids, minlength=len(self._vocab))
        self._postings_ptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        self._idf = np.log1p(max(n, 1) / np.maximum(df, 1))
        self._idf_list = self._idf.tolist()  # plain floats for the per-product scoring loop
        # A word no product uses is as telling as a rare one, but it may also be the customer's filler.
        self._unknown_idf = float(np.sort(self._idf)[len(self._idf) // 2]) if len(self._idf) else 1.0

        name_weight = np.bincount(
            np.repeat(np.arange(n), np.diff(primary_ptr)), weights=self._idf[primary_ids], minlength=n
        )
        self._name_weight_inv = np.divide(
            1.0, name_weight, out=np.zeros(n), where=name_weight > 0
        )
        self._unit_ids = {}
        self._unit_codes = np.asarray(
            [self._unit_ids.setdefault(u, len(self._unit_ids) + 1) if u else 0 for u in self._units],
            dtype=np.int16,
        )
        prefixes: dict[str, list[int]] = defaultdict(list)
        for i, prefix in enumerate(self._prefixes):
            if prefix:
                prefixes[prefix].append(i)
        self._by_prefix = {p: np.asarray(v, dtype=np.int32) for p, v in prefixes.items()}
        # the words (and brand prefixes) of many products, as masks: see _shortlist
        many = _common(n)
        self._dense = {int(w): _mask(self._word_products(int(w)), n) for w in np.flatnonzero(df > many)}
        self._dense_prefix = {p: _mask(v, n) for p, v in self._by_prefix.items() if len(v) > many}

        self._numeric = [is_numeric_token(w) for w in self._vocab]
        self._measure = [unit_of(w) if num else None for w, num in zip(self._vocab, self._numeric, strict=True)]
        shared: dict[frozenset[str], frozenset[str]] = {}
        self._measures = []
        for word_ids in self._primary:
            measures = frozenset(m for m in (self._measure[i] for i in word_ids) if m)
            self._measures.append(shared.setdefault(measures, measures))
        by_number: dict[str, list[str]] = defaultdict(list)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for word, numeric in zip(self._vocab, self._numeric, strict=True):
            if not numeric:
                by_initial[word[0]].append(word)
            num = number_of(word)
            if num is not None and num != word:
                by_number[num].append(word)
        self._by_number, self._by_initial = dict(by_number), dict(by_initial)
        by_shape: dict[str, list[int]] = defaultdict(list)
        for i, (word, numeric) in enumerate(zip(self._vocab, self._numeric, strict=True)):
            if numeric and len(word) >= 4:
                by_shape[_ocr_shape(word)].append(i)
        self._by_shape = dict(by_shape)
        self._expansions = {}
        self._term_cache = {}
        self._frozen = True

    def _ready(self) -> None:
        if not self._frozen:
            self.freeze()

    # ------------------------------------------------------------------ words

    def idf(self, token: str) -> float:
        self._ready()
        i = self._ids.get(token)
        return self._idf_list[i] if i is not None else self._unknown_idf

    def _expand(self, token: str) -> dict[int, float]:
        """Vocabulary words this query word may stand for, with how sure that reading is."""
        cached = self._expansions.get(token)
        if cached is None:
            if len(self._expansions) > 100_000:
                self._expansions.clear()
            cached = self._expansions[token] = self._readings(token)
        return cached

    def _readings(self, token: str) -> dict[int, float]:
        found: dict[int, float] = {}
        own = self._ids.get(token)
        if own is not None:
            found[own] = 1.0
        elif len(token) >= 4 and is_numeric_token(token):  # a code misread: 'ic6on', '362.5' for '3g2,5'
            for other_id in self._by_shape.get(_ocr_shape(token), []):
                found.setdefault(other_id, OCR_DEGREE)
        if is_numeric_token(token):
            if token.isdigit() or number_of(token) == token:
                for other in self._by_number.get(token, []):  # '16' written for 'd16' or '16a'
                    found.setdefault(self._ids[other], 0.7)
            return found
        if len(token) >= 3:  # abbreviations: 'disj' -> 'disjoncteur', 'diff' -> 'differentiel'
            start = bisect.bisect_left(self._vocab, token)
            for i in range(start, min(start + MAX_EXPANSIONS, len(self._vocab))):
                if not self._vocab[i].startswith(token):
                    break
                if not self._numeric[i]:
                    found.setdefault(i, 0.9)
        if not found and len(token) >= 5:  # typing mistakes and near spellings
            near = self._by_initial.get(token[0], [])
            for other, ratio, _ in process.extract(token, near, scorer=fuzz.ratio, limit=3, score_cutoff=85):
                found.setdefault(self._ids[other], 0.85 * ratio / 100)
        return found

    def _terms(self, text: str) -> list[_Term]:
        self._ready()
        cached = self._term_cache.get(text)
        if cached is not None:
            return cached
        words: dict[str, tuple[str, ...]] = {}  # token -> the other words it may stand for
        for word in query_words(text):
            if is_numeric_token(word.token) or self._known(word.token, word.also):
                words.setdefault(word.token, word.also)
                continue
            # a word the catalogue does not have may be a compound of words it has
            for token, also in self._parts(word.raw) or [(word.token, word.also)]:
                words.setdefault(token, also)
        terms = []
        for token, also in words.items():
            numeric = is_numeric_token(token)
            weight = self.idf(token) * (1.5 if numeric else 1.0)
            readings = self._expand(token)
            extra = [self._ids[a] for a in also if a in self._ids and self._ids[a] not in readings]
            if extra:
                readings = {**readings, **dict.fromkeys(extra, ALSO_DEGREE)}
            ranked = tuple(sorted(readings.items(), key=lambda r: -r[1]))
            terms.append(_Term(token, weight, unit_of(token) if numeric else None, readings, ranked))
        if len(self._term_cache) > 4096:
            self._term_cache.clear()
        self._term_cache[text] = terms
        return terms

    def _known(self, token: str, also: tuple[str, ...] = ()) -> bool:
        return bool(self._expand(token)) or any(a in self._ids for a in also)

    def _in_vocabulary(self, token: str | None, also: tuple[str, ...]) -> bool:
        return token is not None and (token in self._ids or any(a in self._ids for a in also))

    def _parts(self, raw: str) -> list[tuple[str, tuple[str, ...]]]:
        """The known words inside an unknown one: the pieces of 'z-falz', the parts of a Dutch or
        German compound ('pizzadoos' -> pizza, boite; 'vinylhandschuhe' -> vinyl, gant)."""
        pieces = word_pieces(raw)
        if len(pieces) > 1:
            out: list[tuple[str, tuple[str, ...]]] = []
            for piece in pieces:
                token = read_word(piece)
                if token is None:
                    continue
                if not is_numeric_token(token) and not self._known(token, also_means(piece)):
                    split = self._compound(piece) if len(piece) >= COMPOUND_MIN else None
                    if split:
                        out.extend(split)
                        continue
                out.append((token, also_means(piece)))
            return out if any(self._in_vocabulary(t, a) for t, a in out) else []
        if len(raw) >= COMPOUND_MIN and raw.isalpha():
            return self._compound(raw) or []
        return []

    def _compound(self, raw: str, depth: int = 0) -> list[tuple[str, tuple[str, ...]]] | None:
        """A compound split where its head (the last part) is the longest known word; the first
        part known too, or itself a compound, or left unknown when the head is long enough."""
        for cut in range(3, len(raw) - 2):
            head = raw[cut:]
            head_token, head_also = read_word(head), also_means(head)
            if not self._in_vocabulary(head_token, head_also):
                continue
            assert head_token is not None
            first = raw[:cut]
            for stripped in (first, *(first[: -len(link)] for link in LINKS if first.endswith(link))):
                token = read_word(stripped)
                if len(stripped) >= 3 and self._in_vocabulary(token, also_means(stripped)):
                    assert token is not None
                    return [(token, also_means(stripped)), (head_token, head_also)]
            if depth < 2 and len(first) >= COMPOUND_MIN:
                inner = self._compound(first, depth + 1)
                if inner and all(self._in_vocabulary(t, a) for t, a in inner):
                    return [*inner, (head_token, head_also)]
            if len(head) >= 4:
                return [(read_word(first) or first, also_means(first)), (head_token, head_also)]
        return None

    def _word_products(self, word: int) -> IntArray:
        return self._postings[self._postings_ptr[word] : self._postings_ptr[word + 1]]

    def _entry(self, index: int) -> _Entry:
        primary = self._primary[index]
        extra = self._extra[index]
        return _Entry(index, primary, frozenset(primary + extra if extra else primary), self._measures[index])

    # ------------------------------------------------------------------ search

    def unexplained_numbers(self, text: str, sku: str) -> list[str]:
        """Number tokens of `text` (16a, 3x2.5, ip65...) that the product's name does not have."""
        self._ready()
        idx = self._by_sku.get(sku)
        if idx is None:
            return []
        expanded = self._entry(idx).expanded
        missing = []
        for token in dict.fromkeys(w.token for w in query_words(text)):
            if is_numeric_token(token) and not self._explained(token, expanded):
                missing.append(token)
        return missing

    def _explained(self, token: str, expanded: frozenset[int], depth: int = 0) -> bool:
        """Whether a number word of the customer's is in the product's name, written another way:
        '4mm' for '4 mm²', '68mm' for 'Ø68 mm', '1p32a' for '1P 32A'."""
        if any(i in expanded for i in self._expand(token)):
            return True
        for other in (token.replace("mm2", "mm"), token.replace("mm", "mm2") if "mm2" not in token else token):
            i = self._ids.get(other)
            if other != token and i is not None and i in expanded:
                return True
        number = number_of(token)
        if number is not None and number != token:
            # the same number in the name, bare or as a diameter ('Ø68' + 'mm'), not as another unit
            unit = unit_of(token)
            for i in expanded:
                word = self._vocab[i]
                if self._numeric[i] and number_of(word) == number:
                    theirs = unit_of(word)
                    if word == number or theirs == unit or {theirs, unit} in ({"mm", "mm2"}, {"d", "mm"}):
                        return True
        if re.fullmatch(r"[09]\d{1,3}", token) and self._ids.get("d" + token[1:]) in expanded:
            return True  # 'Ø32' read by OCR as '932' or '032'
        parts = re.findall(r"\d+(?:\.\d+)?[a-z]*", token)
        return (
            depth == 0
            and len(parts) > 1
            and "".join(parts) == token
            and all(self._explained(part, expanded, depth + 1) for part in parts)
        )

    def score_sku(self, text: str, sku: str, unit: str | None = None) -> float:
        """How well `text` describes the product `sku` (0 when the sku is not indexed)."""
        terms = self._terms(text)
        idx = self._by_sku.get(sku)
        if idx is None or not terms:
            return 0.0
        return self._score(terms, self._entry(idx), unit)

    def search(self, text: str, unit: str | None = None, limit: int = 5) -> list[Candidate]:
        terms = self._terms(text)
        if not terms:
            return []
        scored: list[Candidate] = []
        floor = -1.0
        for index, rough in self._shortlist(terms, unit):
            # the rough score is never below the full one: past the limit-th best, nothing can enter
            if rough < floor - ROUGH_MARGIN:
                break
            score, coverage = self._score_parts(terms, self._entry(index), unit)
            scored.append(Candidate(self._skus[index], score, coverage))
            if len(scored) >= limit:
                floor = heapq.nlargest(limit, (c.score for c in scored))[-1]
        scored.sort(key=lambda c: (-c.score, c.sku))
        return scored[:limit]

    def _shortlist(self, terms: list[_Term], unit: str | None) -> list[tuple[int, float]]:
        """(product, rough score) of the products whose rough score is best, best first. The rough
        score is the full score without the conflicts of sizes and counting a name's word once per
        query word that reads it: each word's best reading in the product, weighted as in _score.

        Rare words collect the candidates; words found in much of the catalogue ('gobelet',
        'carton') only add to the candidates already found, so a search touches a few thousand
        products rather than most of the catalogue."""
        n = len(self._skus)
        q_total = sum(t.weight for t in terms)
        if n == 0 or q_total <= 0:
            return []
        readings = [self._term_readings(term) for term in terms]
        sizes = [sum(len(r[0]) for r in term) for term in readings]
        common = _common(n)
        order = [i for i in sorted(range(len(terms)), key=sizes.__getitem__) if sizes[i]]
        if not order:
            return []
        gathered = [i for i in order if sizes[i] <= common or i == order[0]]
        hits = [_best_reading(readings[i]) for i in gathered]
        where = np.concatenate([h[0] for h in hits])
        candidates, slot = np.unique(where, return_inverse=True)
        q_hit = _weighted_count(slot, np.concatenate([h[1] for h in hits]), len(candidates))
        p_hit = _weighted_count(slot, np.concatenate([h[2] for h in hits]), len(candidates))
        for i in order:
            if i in gathered:
                continue
            q_best = np.zeros(len(candidates))
            p_best = np.zeros(len(candidates))
            for products, q_gain, p_gain, dense in readings[i]:
                inside = dense[candidates] if dense is not None else _members(candidates, products)
                better = inside & (q_best < q_gain)
                q_best[better] = q_gain
                p_best[better] = p_gain
            q_hit += q_best
            p_hit += p_best
        rough = (Q_SHARE / q_total) * q_hit + P_SHARE * p_hit * self._name_weight_inv[candidates]
        if unit:
            code = self._unit_ids.get(unit, -1)
            codes = self._unit_codes[candidates]
            rough[(codes != code) & (codes != 0)] *= 0.9
        if len(candidates) > SHORTLIST:
            # among equal scores, the product added first (deterministic)
            best = np.argpartition(-(rough - candidates * 1e-12), SHORTLIST - 1)[:SHORTLIST]
            candidates, rough = candidates[best], rough[best]
        ranked = np.argsort(-rough, kind="stable")
        return list(zip(candidates[ranked].tolist(), rough[ranked].tolist(), strict=True))

    def _term_readings(self, term: _Term) -> list[_Reading]:
        """(products, gain to the text's side, gain to the name's side, the products as a mask when
        they are many) of each reading of a word."""
        parts: list[_Reading] = []
        for word, degree in term.readings.items():
            lo, hi = self._postings_ptr[word], self._postings_ptr[word + 1]
            parts.append(
                (self._postings[lo:hi], term.weight * degree, self._idf_list[word], self._dense.get(word))
            )
        if len(term.token) >= 4:  # the brand, abbreviated in our sku: 'hager' for HAG-...
            for size in (2, 3, 4):
                owners = self._by_prefix.get(term.token[:size])
                if owners is not None:
                    mask = self._dense_prefix.get(term.token[:size])
                    parts.append((owners, term.weight * 0.9, 0.0, mask))
        return parts

    def unmentioned_numbers(self, text: str, sku: str) -> frozenset[str]:
        """Number words of the product's name that no word of `text` reads ('30' and '25' of 'Sac
        poubelle 110 L noir 30 µ - rouleau de 25' for 'black bin bags 110 litres')."""
        idx = self._by_sku.get(sku)
        if idx is None:
            return frozenset()
        entry = self._entry(idx)
        read = {w for term in self._terms(text) for w in term.readings if w in entry.expanded}
        return frozenset(self._vocab[w] for w in entry.primary if self._numeric[w] and w not in read)

    def _score(self, terms: list[_Term], entry: _Entry, unit: str | None) -> float:
        return self._score_parts(terms, entry, unit)[0]

    def _score_parts(self, terms: list[_Term], entry: _Entry, unit: str | None) -> tuple[float, float]:
        """(score, share of the text explained)."""
        q_total = q_hit = 0.0
        used: set[int] = set()
        prefix = self._prefixes[entry.index]
        for term in terms:
            weight = term.weight
            degree, word = 0.0, -1
            for other, d in term.ranked:
                if other in entry.expanded:
                    degree, word = d, other
                    break
            if degree == 0.0:
                if prefix and len(term.token) >= 4 and term.token.startswith(prefix):
                    degree = 0.9  # the brand, abbreviated in our sku: 'hager' for HAG-..., 'courant' for COU-...
                elif term.measure and term.measure in entry.measures:
                    weight *= 2  # '20A' asked, '16A' offered: a different product, not a vaguer one
            q_total += weight
            q_hit += weight * degree
            if word >= 0:
                used.add(word)
        p_total = p_hit = 0.0
        idf = self._idf_list
        for word in entry.primary:
            weight = idf[word]
            p_total += weight
            if word in used:
                p_hit += weight
        q_cov = q_hit / q_total if q_total else 0.0
        p_cov = p_hit / p_total if p_total else 0.0
        score = Q_SHARE * q_cov + P_SHARE * p_cov
        product_unit = self._units[entry.index]
        if unit and product_unit and unit != product_unit:
            score *= 0.9
            q_cov *= 0.9  # a product sold in another unit explains the line less
        return round(score, 4), round(q_cov, 4)


def _ocr_shape(token: str) -> str:
    """A code as OCR may show it: look-alike letters as digits, no punctuation."""
    return token.translate(_OCR_SHAPE).replace(".", "").replace("-", "")


def _best_reading(parts: list[_Reading]) -> tuple[IntArray, FloatArray, FloatArray]:
    """Products of a word's readings, each once with its best reading's gains."""
    if len(parts) == 1:
        where, q, p, _ = parts[0]
        return where, np.full(len(where), q), np.full(len(where), p)
    parts = sorted(parts, key=lambda part: -part[1])  # the best reading first, kept by np.unique
    where = np.concatenate([part[0] for part in parts])
    q_all = np.concatenate([np.full(len(part[0]), part[1]) for part in parts])
    p_all = np.concatenate([np.full(len(part[0]), part[2]) for part in parts])
    unique, first = np.unique(where, return_index=True)
    return unique.astype(np.int32), q_all[first], p_all[first]


def _weighted_count(slots: npt.NDArray[np.integer[Any]], weights: FloatArray, size: int) -> FloatArray:
    """The sum of the weights that fall in each slot."""
    return np.asarray(np.bincount(slots, weights=weights, minlength=size), dtype=np.float64)


def _common(n: int) -> int:
    """Products sharing a word beyond which the word only re-ranks the candidates of rarer ones."""
    return max(2000, n // 20)


def _mask(products: IntArray, n: int) -> BoolArray:
    mask = np.zeros(n, dtype=bool)
    mask[products] = True
    return mask


def _members(candidates: IntArray, products: IntArray) -> BoolArray:
    """Which candidates are among `products` (both sorted)."""
    if not len(products):
        return np.zeros(len(candidates), dtype=bool)
    at = np.searchsorted(products, candidates)
    at[at == len(products)] = 0
    return products[at] == candidates


def _csr(lists: list[list[int]], renumber: IntArray) -> tuple[npt.NDArray[np.int64], IntArray]:
    """Offsets and values of a list of id lists, ids renumbered."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    flat = np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(ptr[-1]))
    return ptr, renumber[flat] if len(flat) else flat

