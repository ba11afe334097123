"""Findings and notifications: what a run says, independent of any output format."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any


class Level(IntEnum):
    """Finding levels, ordered so that ``>=`` means "at least as severe"."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


def mask_secret(value: str) -> str:
    """The only form in which a secret may appear in output: a prefix and a length."""
    return f"'{value[:4]}…' ({len(value)} chars)"


def secret_digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret in ``text`` by its masked form."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, f"{secret[:4]}…")
    return text


@dataclass(frozen=True)
class Span:
    """1-based start/end; ``col`` counts characters, ``col16`` UTF-16 units; end exclusive."""

    line: int
    col: int
    col16: int
    end_line: int
    end_col: int
    end_col16: int


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass
class Finding:
    rule: str
    level: Level
    path: str
    span: Span
    message: str
    source_line: str = ""  # the flagged line, secrets already masked
    fingerprint: str = ""
    related: tuple[Related, ...] = ()
    suppressed: bool = False
    suppression_reason: str = ""
    secret_hashes: tuple[str, ...] = ()
    # raw secrets stay in memory for the terminal's --show-secrets only; never serialised
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.col, self.rule)

    def to_cache(self) -> dict[str, Any]:
        data = asdict(self)
        data["level"] = int(self.level)
        data.pop("secrets")
        return data

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Finding:
        data = dict(data)
        data["level"] = Level(data["level"])
        data["span"] = Span(**data["span"])
        data["related"] = tuple(
            Related(Span(**r["span"]), r["message"]) for r in data.get("related", ())
        )
        data["secret_hashes"] = tuple(data.get("secret_hashes", ()))
        return cls(**data)


@dataclass(frozen=True)
class Notification:
    """Something the run could not do (a file not read, a rule that raised)."""

    message: str
    path: str = ""
    rule: str = ""
    level: str = "warning"  # SARIF notification level: error | warning | note

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


_SPACE = re.compile(r"\s+")


def normalise_line(text: str) -> str:
    """Whitespace-insensitive form of a line, so reindenting keeps fingerprints."""
    return _SPACE.sub(" ", text).strip()


def assign_fingerprints(findings: list[Finding], raw_lines: dict[int, str]) -> None:
    """Give each finding of one file a fingerprint stable under moved lines.

    hash(rule, path, normalised flagged line with secrets hashed, occurrence index
    of that same (rule, text) in the file)."""
    seen: dict[tuple[str, str], int] = {}
    for finding in sorted(findings, key=lambda f: (f.span.line, f.span.col, f.rule)):
        text = raw_lines.get(finding.span.line, "")
        for secret in finding.secrets:
            if secret:
                text = text.replace(secret, secret_digest(secret))
        key = (finding.rule, normalise_line(text))
        index = seen.get(key, 0)
        seen[key] = index + 1
        digest = hashlib.sha256(
            "\x1f".join((finding.rule, finding.path, key[1], str(index))).encode()
        ).hexdigest()
        finding.fingerprint = digest[:32]
