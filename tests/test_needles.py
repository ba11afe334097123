"""Mentions: one Aho-Corasick pass answers what per-word scans would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readylint import needles
from readylint.needles import Mentions

WORDS = needles.declare(b"pass", b"password", b"Key", b"apikey", b"aa")
PIECES = ["pass", "PassWord", "word", "api", "KEY", "key_", "aaa", " ", ".", "x", "$", "é"]


def find_ends(data: bytes, word: bytes) -> list[int]:
    lowered, word = data.lower(), word.lower()
    ends, at = [], lowered.find(word)
    while at != -1:
        ends.append(at + len(word))
        at = lowered.find(word, at + 1)
    return ends


def test_declared_and_undeclared_words() -> None:
    mentions = Mentions(b"const apiKey = PASSWORD; // undeclaredWord")
    assert b"key" in mentions and b"KEY" in mentions
    assert b"password" in mentions and b"pass" in mentions
    assert b"undeclaredword" in mentions  # answered with find
    assert b"aa" not in mentions and b"nowhere" not in mentions
    assert mentions.ends_of(b"key") == [12]
    assert mentions.any_key(needles.keys([b"aa", b"apikey"]))
    assert not mentions.any_key(needles.keys([b"aa"]))


def test_name_ends_and_starts() -> None:
    mentions = Mentions(b"req.headers.apiKey; x.key_ = keys; a.KEY")
    # `key_` and `keys` continue the identifier; apiKey and KEY end names
    assert mentions.name_ends([b"key"]) == [18, 40]
    assert mentions.starts([b"key", b"apikey"]) == [12, 15, 22, 29, 37]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_one_pass_equals_a_scan_per_word(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    mentions = Mentions(data)
    for word in (*WORDS, b"word", b"ke"):
        assert mentions.ends_of(word) == find_ends(data, word)
        assert (word in mentions) == (word.lower() in data.lower())


def test_any_name_wants_the_word_as_a_whole_name() -> None:
    words = needles.declare(b"end", b"json")
    assert Mentions(b"res.status(500).end();").any_name(words)
    assert Mentions(b"end").any_name(words)
    assert Mentions(b"return res.JSON").any_name(words)  # any case, as every needle
    assert not Mentions(b"list.append(x); s.endsWith('y'); pending; toJSONString").any_name(words)
    assert not Mentions("const résend = 1; $end; end_".encode()).any_name(words)
