"""Terminal output: one header line per finding, a code frame, a summary line."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from readylint.engine import RunResult
from readylint.findings import Finding, Level, mask_secret
from readylint.output import visible

LEVEL_COLOUR = {Level.ERROR: "red", Level.WARNING: "yellow", Level.NOTE: "cyan"}


def _unmask(text: str, finding: Finding) -> str:
    for secret in finding.secrets:
        text = text.replace(mask_secret(secret), repr(secret)).replace(f"{secret[:4]}…", secret)
    return text


def _frame(finding: Finding, line_text: str, colour: bool) -> list[str]:
    number = str(finding.span.line)
    gutter = " " * len(number)
    width = (
        finding.span.end_col - finding.span.col
        if finding.span.end_line == finding.span.line
        else len(line_text) - finding.span.col + 1
    )
    caret_line = " " * (finding.span.col - 1) + "^" * max(1, width)
    if colour:
        caret_line = click.style(caret_line, fg=LEVEL_COLOUR[finding.level], bold=True)
    return [
        f" {gutter} |",
        f" {number} | {line_text.expandtabs(1)}",
        f" {gutter} | {caret_line}",
    ]


def render(
    result: RunResult,
    colour: bool = False,
    show_secrets: bool = False,
    quiet: bool = False,
    statistics: bool = False,
    **_: Any,
) -> str:
    out: list[str] = []
    shown = visible(result)
    for f in shown:
        message = _unmask(f.message, f) if show_secrets else f.message
        line_text = _unmask(f.source_line, f) if show_secrets else f.source_line
        location = f"{f.path}:{f.span.line}:{f.span.col}:"
        code = f"{f.rule} [{f.level.label}]"
        if colour:
            location = click.style(location, bold=True)
            code = click.style(code, fg=LEVEL_COLOUR[f.level], bold=True)
        out.append(f"{location} {code} {message}")
        if not quiet:
            out.extend(_frame(f, line_text, colour))
            for related in f.related:
                out.append(
                    f"   = {f.path}:{related.span.line}:{related.span.col}: {related.message}"
                )
            out.append("")
    for n in result.notifications:
        where = f"{n.path}: " if n.path else ""
        out.append(f"readylint: {n.level}: {where}{n.message}")
    if statistics and shown:
        out.append("")
        for code, count in sorted(Counter(f.rule for f in shown).items()):
            out.append(f"{count:6d}  {code}")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def summary_line(result: RunResult) -> str:
    shown = visible(result)
    files = f"{result.files_scanned} file{'s' if result.files_scanned != 1 else ''}"
    if not shown:
        return f"No findings in {files}."
    levels = Counter(f.level for f in shown)
    parts = [
        f"{levels[level]} {level.label}{'s' if levels[level] != 1 else ''}"
        for level in (Level.ERROR, Level.WARNING, Level.NOTE)
        if levels[level]
    ]
    noun = "finding" if len(shown) == 1 else "findings"
    return f"Found {len(shown)} {noun} ({', '.join(parts)}) in {files}."
