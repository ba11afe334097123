"""Which words a file mentions, found in one pass for every rule and extractor.

Rules, fact extractors and shared analyses decide cheaply whether a file can
hold work for them by asking whether it mentions a word (``b"typeorm"``,
``b"helmet"``), case-insensitively. Asking each word with ``in`` scans the
file once per word: with ~100 words, most of them absent, that was a tenth of
a cold run. Instead every word is declared up front (``declare``) and one
Aho-Corasick automaton (ahocorasick-rs, a DFA) finds every occurrence of all of
them in a single pass over the file's lowered bytes, on the first question asked
about that file.

Words that were never declared still work: their occurrences are found with
``find`` and remembered for the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import ahocorasick_rs

_vocabulary: set[str] = set()
_automaton: Any = None  # (BytesAhoCorasick, its words) over the vocabulary, built lazily
_version = 0  # bumped when the vocabulary grows: a file scanned before scans again
# bytes that continue a JavaScript identifier (ASCII letters, digits, _ and $; and any
# non-ASCII byte, which may be part of a Unicode identifier)
_IDENTIFIER_BYTE = bytes(
    1 if b >= 0x80 or chr(b).isalnum() or chr(b) in "_$" else 0 for b in range(256)
)


def declare(*words: bytes) -> tuple[bytes, ...]:
    """Add ``words`` to the vocabulary found in one pass; returns them lowered, so a
    module can write ``NEEDLES = needles.declare(b"typeorm", b"Repository")``."""
    global _automaton, _version
    lowered = tuple(word.lower() for word in words)
    new = {word.decode("latin-1") for word in lowered if word} - _vocabulary
    if new:
        _vocabulary.update(new)
        _automaton = None  # rebuilt on the next file
        _version += 1
    return lowered


def keys(words: Iterable[bytes]) -> frozenset[str]:
    """Declare ``words`` and return them in the form ``Mentions.any_key`` takes."""
    return frozenset(word.decode("latin-1") for word in declare(*words))


def _current_automaton() -> Any:
    global _automaton
    if _automaton is None and _vocabulary:
        words = sorted(_vocabulary)
        # a DFA: twice as fast as the default automaton here, and ~100 words keep it small
        matcher = ahocorasick_rs.BytesAhoCorasick(
            [w.encode("latin-1") for w in words],
            implementation=ahocorasick_rs.Implementation.DFA,
        )
        _automaton = (matcher, words)
    return _automaton


class Mentions:
    """The declared words one file mentions (case-insensitively), found lazily, with
    where they occur."""

    __slots__ = ("_by_word", "_ends", "_found_version", "_lowered", "_starts", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._lowered: bytes | None = None
        self._ends: dict[str, list[int]] | None = None  # word -> offsets just past it
        self._found_version = -1
        # the answers given, by the word as asked: rules ask the same words again and again
        self._by_word: dict[bytes, list[int]] = {}
        self._starts: dict[bytes, list[int]] = {}

    @property
    def lowered(self) -> bytes:
        if self._lowered is None:
            self._lowered = self.data.lower()
        return self._lowered

    def _scan(self) -> dict[str, list[int]]:
        automaton = _current_automaton()
        ends: dict[str, list[int]] = {}
        if automaton is not None:
            matcher, words = automaton
            by_index: defaultdict[int, list[int]] = defaultdict(list)
            # overlapping: every occurrence of every word, by increasing end
            for index, _start, end in matcher.find_matches_as_indexes(
                self.lowered, overlapping=True
            ):
                by_index[index].append(end)
            ends = {words[index]: found for index, found in by_index.items()}
        self._ends = ends
        self._found_version = _version
        return ends

    def _found(self) -> dict[str, list[int]]:
        ends = self._ends
        if ends is None or self._found_version != _version:
            ends = self._scan()
        return ends

    def ends_of(self, word: bytes) -> list[int]:
        """Offsets just past each occurrence of ``word`` (in any case), ascending. (A
        word declared after the file was scanned is found again the same way.)"""
        known = self._by_word.get(word)
        if known is None:
            lowered = word.lower()
            key = lowered.decode("latin-1")
            if key in _vocabulary:
                known = self._found().get(key, [])
            else:  # undeclared: found with ``find``
                known = [at + len(lowered) for at in find_all(self.lowered, lowered)]
            self._by_word[word] = known
        return known

    def __contains__(self, word: bytes) -> bool:
        """Does the file mention ``word``, in any case?"""
        return bool(self.ends_of(word))

    def any(self, words: Iterable[bytes]) -> bool:
        return any(word in self for word in words)

    def any_key(self, keys: frozenset[str]) -> bool:
        """``any`` for words already declared, given as ``keys(words)``: one set
        operation instead of a lookup per word (asked for every rule in every file)."""
        return not self._found().keys().isdisjoint(keys)

    def starts(self, words: Iterable[bytes]) -> list[int]:
        """Sorted offsets where any of ``words`` starts (in any case); not to be changed
        (a word's list is shared by every caller that asks for it)."""
        runs = [found for found in map(self._starts_of, words) if found]
        if len(runs) <= 1:
            return runs[0] if runs else []
        return sorted(chain.from_iterable(runs))

    def _starts_of(self, word: bytes) -> list[int]:
        found = self._starts.get(word)
        if found is None:
            width = len(word)
            found = self._starts[word] = [end - width for end in self.ends_of(word)]
        return found

    def name_ends(self, words: Iterable[bytes]) -> list[int]:
        """Sorted offsets where a name ends in one of ``words`` (in any case): the byte
        after it cannot continue an identifier."""
        lowered = self.lowered
        size = len(lowered)
        ends = {
            end
            for word in words
            for end in self.ends_of(word)
            if end >= size or not _IDENTIFIER_BYTE[lowered[end]]
        }
        return sorted(ends)

    def any_name(self, words: Iterable[bytes]) -> bool:
        """Does one of ``words`` occur as a whole name (in any case): neither the byte
        before nor the byte after it can continue an identifier (``end``, not
        ``append`` or ``endsWith``)?"""
        lowered = self.lowered
        size = len(lowered)
        for word in words:
            width = len(word)
            for end in self.ends_of(word):
                start = end - width
                if (start == 0 or not _IDENTIFIER_BYTE[lowered[start - 1]]) and (
                    end >= size or not _IDENTIFIER_BYTE[lowered[end]]
                ):
                    return True
        return False

    def exact(self, word: bytes) -> bool:
        """``word`` with its case as written (provider prefixes such as ``AKIA``)."""
        return word in self and word in self.data


def find_all(data: bytes, literal: bytes) -> Iterator[int]:
    """Every offset where ``literal`` starts in ``data``, overlaps included."""
    at = data.find(literal)
    while at != -1:
        yield at
        at = data.find(literal, at + 1)
