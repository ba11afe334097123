"""The values the same-file evaluator can know.

Each value remembers the node it was read from, so a finding about a literal
held in a constant is reported at the literal, once, not at every use.
``Unknown`` is the honest answer for anything else and is never a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node


@dataclass(frozen=True)
class Value:
    node: Node | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Unknown(Value):
    reason: str = ""


@dataclass(frozen=True)
class Str(Value):
    value: str = ""


@dataclass(frozen=True)
class Num(Value):
    value: float = 0.0


@dataclass(frozen=True)
class Bool(Value):
    value: bool = False


@dataclass(frozen=True)
class Null(Value):
    pass


@dataclass(frozen=True)
class Undefined(Value):
    pass


@dataclass(frozen=True)
class Regex(Value):
    pattern: str = ""
    flags: str = ""


@dataclass(frozen=True)
class Template(Value):
    """A template literal or concatenation with parts that are not all known."""

    parts: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Func(Value):
    """A function or arrow function; ``node`` is the function node."""


@dataclass(frozen=True)
class EnvRead(Value):
    """``process.env.NAME``, optionally with a fallback: ``|| x``, ``?? x``, a default."""

    name: str = ""
    fallback: Value | None = None


@dataclass(frozen=True)
class ConfigRead(Value):
    """``config.get('key')`` / ``configService.get('key', fallback)``."""

    key: str = ""
    fallback: Value | None = None
    required: bool = False  # getOrThrow


@dataclass(frozen=True)
class Choice(Value):
    """``cond ? a : b``: which branch runs is not known here."""

    condition: Node | None = field(default=None, compare=False, repr=False)
    consequence: Value | None = None
    alternative: Value | None = None


@dataclass(frozen=True)
class Obj(Value):
    """An object literal. Property values are evaluated on demand."""

    keys: tuple[str, ...] = ()
    has_spread: bool = False
    _pairs: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)
    _values: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)
    _evaluate: Callable[[Node], Value] | None = field(default=None, compare=False, repr=False)

    def has(self, key: str) -> bool:
        return key in self._values

    def get(self, key: str) -> Value | None:
        """The value of ``key``, or None when the literal does not have it."""
        node = self._values.get(key)
        if node is None or self._evaluate is None:
            return None
        return self._evaluate(node)

    def pair(self, key: str) -> Node | None:
        """The ``key: value`` node (or shorthand property) for reporting."""
        return self._pairs.get(key)

    def value_node(self, key: str) -> Node | None:
        return self._values.get(key)


@dataclass(frozen=True)
class Arr(Value):
    items: tuple[Value, ...] = ()
    has_spread: bool = False


def is_known(value: Value | None) -> bool:
    return value is not None and not isinstance(value, Unknown)


def literal_string(value: Value | None) -> str | None:
    return value.value if isinstance(value, Str) else None
