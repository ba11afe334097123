"""Markdown and HTML scorecards from Jinja2 templates (``templates/``).

The templates hold the layout; this module holds the words and numbers they
share, so that markdown, HTML and JSON say the same thing.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

import jinja2
from markupsafe import Markup, escape

from readylint.report.model import (
    CONDITIONAL_AT,
    FAIL,
    MAX_PLACES,
    PASS,
    READY_AT,
    UNSCORED,
    WARN,
    WEIGHTS,
    Readiness,
    shown,
)

MAX_BLOCKERS = 50  # listed in markdown and HTML; `readylint check` lists every finding
SYMBOLS = {PASS: "✅", WARN: "⚠️", FAIL: "❌", UNSCORED: "➖"}  # GitHub renders these emoji
HTML_SYMBOLS = {PASS: "✓", WARN: "⚠", FAIL: "✗", UNSCORED: "–"}  # in common text fonts, print well
STATUS_WORDS = {PASS: "ready", WARN: "conditional", FAIL: "not ready", UNSCORED: "no rules ran"}
# `_` inside a word (JWT_SECRET) is no emphasis on GitHub; escaping it would only add noise
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


def percent(score: Fraction | None) -> str:
    value = shown(score)
    if value is None:
        return "—"
    return f"{value:g}%"


def markdown_text(text: str) -> str:
    """Plain text inside markdown: no accidental emphasis, links, HTML or table cells."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_code(text: str) -> str:
    """An inline code span (outside tables) that survives backticks in the text."""
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


def doc_html(text: str) -> Markup:
    """A line of rule-doc markdown (the one-line fix) as HTML: code spans, emphasis
    and link text; everything else escaped."""
    html = str(escape(text))
    html = _CODE_SPAN.sub(r"<code>\1</code>", html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _LINK.sub(r"\1", html)
    return Markup(html)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("readylint.report", "templates"),
        # HTML escapes every value; markdown escapes by the filters above
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        percent=percent,
        md=markdown_text,
        doc_html=doc_html,
        mdcode=markdown_code,
        plural=plural,
        seconds=seconds,
    )
    env.globals.update(
        symbols=SYMBOLS,
        html_symbols=HTML_SYMBOLS,
        status_words=STATUS_WORDS,
        weights={level.label: weight for level, weight in WEIGHTS.items()},
        ready_at=READY_AT,
        conditional_at=CONDITIONAL_AT,
        max_places=MAX_PLACES,
        max_blockers=MAX_BLOCKERS,
        shown=shown,
    )
    return env


def render_markdown(report: Readiness) -> str:
    text = environment().get_template("report.md.j2").render(report=report)
    # the template may leave runs of blank lines between blocks; markdown needs one
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def render_html(report: Readiness) -> str:
    return environment().get_template("report.html.j2").render(report=report)
