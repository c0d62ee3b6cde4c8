"""French part-of-speech tags from spaCy's fr_core_news_sm, loaded lazily and cheaply.

Only the tagging layers are loaded (tok2vec, morphologizer, attribute_ruler): no parser, no named
entities, no lemmatizer. The model's own French tokenizer is not built either: importing it
compiles one huge regular expression (about 3.5 s of CPU), and the lemmatizer's lookup tables
need that French class and take about 1 s more. The caller gives the words (it has tokenised
the text with the character offsets it needs), so the pipeline runs under spaCy's language-neutral
class with a tokenizer that only splits on spaces: the tags are the same as with the full model.
Measured on the 2-core machine: about 0.9 s for `import spacy` plus the load (up to 2 s when the
machine is busy), once per process, then about 3 ms to tag a sentence. Callers ask for tags only
where rules are unsure (see freetext._doubtful_tail), so most e-mails never load it.

When spaCy or the model is not installed, or ORDERINTAKE_NLP=0, `tag` returns None and the
callers keep to their rules.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MODEL = "fr_core_news_sm"
_EXCLUDED = ["parser", "senter", "ner", "lemmatizer"]
_TOKENIZER_NAME = "orderintake_words.v1"

_lock = threading.Lock()
_pipeline: Any = None
_failed = False
load_seconds: float | None = None  # measured once, for logs and benchmarks


@dataclass(frozen=True)
class Tag:
    """One word's coarse part of speech (Universal POS: NOUN, VERB, ADP...) and verb form."""

    word: str
    pos: str
    verb_form: str = ""  # "Inf", "Fin", "Part" for verbs, "" otherwise


def enabled() -> bool:
    return os.environ.get("ORDERINTAKE_NLP", "1").strip().lower() not in ("0", "false", "no", "off")


def _words_tokenizer_factory() -> Callable[[Any], Any]:
    from spacy.tokens import Doc

    class _WordsTokenizer:
        """Splits on spaces only: callers pass words they have already cut."""

        def __init__(self, vocab: Any) -> None:
            self.vocab = vocab

        def __call__(self, text: str) -> Any:
            return Doc(self.vocab, words=text.split(" ") if text else [])

        # spaCy serialises the tokenizer with the pipeline; there is nothing to save or load
        def to_disk(self, *_args: Any, **_kwargs: Any) -> None:
            return None

        def from_disk(self, *_args: Any, **_kwargs: Any) -> _WordsTokenizer:
            return self

        def to_bytes(self, *_args: Any, **_kwargs: Any) -> bytes:
            return b""

        def from_bytes(self, *_args: Any, **_kwargs: Any) -> _WordsTokenizer:
            return self

    def create(nlp: Any) -> _WordsTokenizer:
        return _WordsTokenizer(nlp.vocab)

    return create


def _load() -> Any:
    global _pipeline, _failed, load_seconds
    if _pipeline is not None or _failed:
        return _pipeline
    with _lock:
        if _pipeline is not None or _failed:
            return _pipeline
        start = time.perf_counter()
        try:
            import spacy
            from spacy.util import registry

            if _TOKENIZER_NAME not in registry.tokenizers:
                registry.tokenizers.register(_TOKENIZER_NAME, func=_words_tokenizer_factory)
            _pipeline = spacy.load(
                MODEL,
                exclude=_EXCLUDED,
                config={"nlp": {"lang": "xx", "tokenizer": {"@tokenizers": _TOKENIZER_NAME}}},
            )
        except Exception:  # noqa: BLE001 - no spaCy, no model, an incompatible version: rules only
            _failed = True
            _pipeline = None
        load_seconds = time.perf_counter() - start
    return _pipeline


def available() -> bool:
    """True when the French tagger can be used (loads it on first call)."""
    return enabled() and _load() is not None


@lru_cache(maxsize=2048)
def _tag_cached(words: tuple[str, ...]) -> tuple[Tag, ...] | None:
    nlp = _load()
    if nlp is None:
        return None
    try:
        doc = nlp(" ".join(words))
    except Exception:  # noqa: BLE001 - a tagging failure leaves the rules in charge
        return None
    if len(doc) != len(words):
        return None
    out = []
    for token in doc:
        forms = token.morph.get("VerbForm")
        out.append(Tag(token.text, token.pos_, forms[0] if forms else ""))
    return tuple(out)


def tag(words: Sequence[str]) -> list[Tag] | None:
    """Part-of-speech tags of French `words` (one per word), or None without the tagger."""
    if not words or not enabled():
        return None
    clean = tuple(re.sub(r"\s+", "_", w) or "_" for w in words)[:400]
    found = _tag_cached(clean)
    return list(found) if found is not None else None


_TOKEN = re.compile(r"(?:qu|[dljmnst]|jusqu|lorsqu|puisqu)['’]|\w+(?:[-./,'’+²]\w+)*|[^\w\s]", re.I)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """French words with their character offsets: elided articles apart ("d'" "essuie-tout"),
    codes and sizes whole ("3G2,5", "221-413", "4,8x200")."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
