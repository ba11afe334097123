"""The ``readylint`` command line (click)."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from readylint import __version__
from readylint.config import FAIL_ON, Config, ConfigError, load_config
from readylint.docs import doc_for
from readylint.engine import RunResult, run, select_rules
from readylint.findings import Level
from readylint.output import formatter, visible
from readylint.registry import all_rules, is_known_selector

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class UsageProblem(Exception):
    """A problem the user can fix; reported in one line, exit 2."""


def _fail(message: str) -> NoReturn:
    click.echo(f"readylint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def guarded(function: F) -> F:
    """One-line reason and exit 2 for errors; a traceback only with --debug."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (ConfigError, UsageProblem) as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if kwargs.get("debug"):
                traceback.print_exc()
            _fail(f"internal error: {exc.__class__.__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def _debug_logging(enabled: bool) -> None:
    """--debug: what the run does (files, cache, timings) on stderr; never source text."""
    if enabled:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="readylint: debug: %(message)s"
        )


def _cache_dir(config: Config, option: Path | None, disabled: bool) -> Path | None:
    """--cache-dir, else the config's cache-dir (relative to the project root)."""
    if disabled:
        return None
    return option if option is not None else Path(config.cache_dir)


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    for code in codes:
        if not is_known_selector(code):
            raise UsageProblem(f"unknown rule code or prefix: {code}")
    return codes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="readylint")
def main() -> None:
    """readylint: what stands between a Node.js backend and production."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
@click.option("--select", help="Rule codes or prefixes (SEC, SEC001); replaces the config's.")
@click.option("--extend-select", help="Codes or prefixes added to the selection.")
@click.option("--ignore", help="Codes or prefixes to leave out.")
@click.option("--config", "config_path", type=click.Path(path_type=Path))
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Default: error.")
@click.option(
    "--baseline", type=click.Path(path_type=Path), help="Report only findings not in this file."
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path),
    help="Record the current findings in this file and exit 0.",
)
@click.option("--category", help="SARIF automationDetails.id (GitHub code scanning category).")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly.")
@click.option("--report-unused-disables", is_flag=True)
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True)
@click.option("--cache-dir", type=click.Path(path_type=Path))
@click.option("--show-secrets", is_flag=True, help="Print secrets whole (terminal text only).")
@click.option("--quiet", is_flag=True, help="No code frames.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--debug", is_flag=True)
@guarded
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    config_path: Path | None,
    fail_on: str | None,
    baseline: Path | None,
    write_baseline: Path | None,
    category: str | None,
    force_exclude: bool,
    report_unused_disables: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    show_secrets: bool,
    quiet: bool,
    statistics: bool,
    debug: bool,
) -> None:
    """Lint PATHS (default: the current directory)."""
    known = _load_baseline(baseline) if baseline is not None and write_baseline is None else None
    _debug_logging(debug)
    targets = list(paths) or [Path(".")]
    config = load_config(config_path, targets[0])
    rules = select_rules(config, _codes(select), _codes(extend_select), _codes(ignore))
    # cached findings keep no raw secret, so --show-secrets lints afresh
    cache = _cache_dir(config, cache_dir, no_cache or show_secrets)
    result = run(targets, config, rules, force_exclude, report_unused_disables, jobs, cache)
    if write_baseline is not None:
        _write_baseline(write_baseline, result, quiet)
        sys.exit(EXIT_OK)
    if known is not None and baseline is not None:
        result = _without_baseline(result, known, baseline, quiet)
    render = formatter(output_format)
    to_terminal = output is None and output_format == "text"
    text = render(
        result,
        colour=to_terminal and sys.stdout.isatty(),
        show_secrets=show_secrets and output_format == "text" and output is None,
        quiet=quiet,
        statistics=statistics,
        category=category,
    )
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        if output_format != "text" and not quiet:
            click.echo(_summary(result), err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(exit_code(result, fail_on or config.fail_on, report_unused_disables))


def _load_baseline(path: Path) -> Counter[str]:
    from readylint.baseline import BaselineError, load

    try:
        return load(path)
    except BaselineError as exc:
        raise UsageProblem(str(exc)) from None


def _write_baseline(path: Path, result: RunResult, quiet: bool) -> None:
    from readylint.baseline import write

    count = write(path, result.findings)
    if not quiet:
        click.echo(f"readylint: wrote {count} finding(s) to the baseline {path}", err=True)


def _without_baseline(result: RunResult, known: Counter[str], path: Path, quiet: bool) -> RunResult:
    from readylint.baseline import apply

    result, absorbed = apply(result, known)
    if absorbed and not quiet:
        click.echo(f"readylint: {absorbed} finding(s) in the baseline {path} not shown", err=True)
    return result


def _summary(result: RunResult) -> str:
    from readylint.output.text import summary_line

    return summary_line(result)


def exit_code(result: RunResult, fail_on: str, report_unused_disables: bool = False) -> int:
    if fail_on == "never":
        return EXIT_OK
    threshold = Level.parse(fail_on)
    failing = any(f.level >= threshold for f in visible(result))
    unused = report_unused_disables and any(
        n.rule == "unused-disable" for n in result.notifications
    )
    return EXIT_FINDINGS if failing or unused else EXIT_OK


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
@click.option("--select", help="Rule codes or prefixes (SEC, SEC001); replaces the config's.")
@click.option("--ignore", help="Codes or prefixes to leave out.")
@click.option("--config", "config_path", type=click.Path(path_type=Path))
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True)
@click.option("--debug", is_flag=True)
@guarded
def report(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    select: str | None,
    ignore: str | None,
    config_path: Path | None,
    jobs: int | None,
    no_cache: bool,
    debug: bool,
) -> None:
    """The readiness scorecard of PATHS (default: .) by angle, with a verdict.

    Same analysis, config and inline suppressions as check, but no baseline:
    the report judges the whole codebase. Exits 0 unless it cannot run."""
    from readylint.report import build, renderer

    targets = list(paths) or [Path(".")]
    config = load_config(config_path, targets[0])
    rules = select_rules(config, _codes(select), None, _codes(ignore))
    result = run(targets, config, rules, jobs=jobs, cache_dir=_cache_dir(config, None, no_cache))
    scorecard = build(result, config, targets, rules)
    text = renderer(output_format)(scorecard)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"readylint: wrote {output}: {scorecard.verdict}", err=True)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, angle, level, scope."""
    rules = all_rules()
    if output_format == "json":
        rows = [
            {
                "code": r.code,
                "name": r.name,
                "angle": r.angle,
                "level": r.level.label,
                "scope": r.scope,
                "summary": r.summary,
            }
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rules:
        click.echo(
            f"{r.code}  {r.name:<32} {r.angle:<15} {r.level.label:<8} {r.scope:<8} {r.summary}"
        )


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print a rule's documentation."""
    doc = doc_for(code.upper())
    if doc is None:
        _fail(f"unknown rule: {code}")
    click.echo(doc.markdown.rstrip("\n"))


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only way).")
def lsp(stdio: bool) -> None:
    """Start the language server over stdio (editors: see docs/editors.md)."""
    try:  # pygls is optional: `check` must work without it
        from readylint.lsp import serve
    except ImportError as exc:
        _fail(f"the language server needs pygls: pip install 'readylint[lsp]' ({exc})")
    serve()
