"""JSON text: orjson's bytes are the standard library's, and what orjson refuses
(a path with undecodable bytes kept as surrogates) is still written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from readylint import jsontext

DOCUMENTS: list[Any] = [
    {"findings": [{"rule": "SEC001", "line": 3, "message": "clé « x »"}], "empty": [], "n": 9.1},
    {"path": "src/caf\udce9.ts"},  # os.fsdecode of a Latin-1 file name
    [],
    {"nested": {"a": [1, {"b": None, "c": True}]}},
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_indented_text_is_the_standard_librarys(document: Any) -> None:
    assert jsontext.dumps(document) == json.dumps(document, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_compact_text_reads_back(document: Any) -> None:
    text = jsontext.dumps(document, indent=False, sort_keys=True)
    assert "\n" not in text
    assert jsontext.loads(text) == document


def test_malformed_text_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        jsontext.loads('{"findings": [')
