"""JSON text for outputs and the cache, written and read by orjson.

The standard library writes indented JSON with its pure-Python encoder: for a
run with ten thousand findings that was most of a warm run (SARIF: ~0.35 s of
encoding alone; orjson: ~0.01 s, byte for byte the same text). orjson refuses
strings that are not valid Unicode, such as a path with undecodable bytes kept
as surrogates; those documents are written by the standard library as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(document: Any, *, indent: bool = True, sort_keys: bool = False) -> str:
    """``json.dumps(document, indent=2 if indent else None, ensure_ascii=False)``."""
    option = (orjson.OPT_INDENT_2 if indent else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(document, option=option).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(
            document,
            indent=2 if indent else None,
            separators=None if indent else (",", ":"),
            ensure_ascii=False,
            sort_keys=sort_keys,
        )


def loads(text: str | bytes) -> Any:
    """``json.loads``; raises ``ValueError`` on a malformed document."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # a ValueError: but lone surrogates may still parse
        return json.loads(text)
