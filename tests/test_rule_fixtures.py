"""Every rule fixture is a complete statement of what the linter says about it."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import (
    FIXTURES,
    actual_findings,
    describe,
    expected_findings,
    fixture_files,
    lint_directory,
)

RULE_FIXTURES = fixture_files("rules")


def _rel(path: Path, result_root: Path) -> str:
    return path.resolve().relative_to(result_root).as_posix()


@pytest.mark.parametrize(
    "fixture",
    RULE_FIXTURES,
    ids=[p.relative_to(FIXTURES / "rules").as_posix() for p in RULE_FIXTURES],
)
def test_fixture(fixture: Path) -> None:
    directory = FIXTURES / "rules" / fixture.relative_to(FIXTURES / "rules").parts[0]
    result = lint_directory(directory)
    crashes = [n for n in result.notifications if n.rule]
    assert not crashes, crashes
    expected = expected_findings(fixture)
    actual = actual_findings(result.findings, _rel(fixture, result.project_root))
    missing = expected - actual
    unexpected = actual - expected
    messages = {
        (f.span.line, f.rule): f.message for f in result.findings if f.path.endswith(fixture.name)
    }
    assert not missing and not unexpected, (
        f"missing: {describe(missing) or '-'}; unexpected: {describe(unexpected) or '-'} "
        f"{[messages.get(k) for k in unexpected]}"
    )


def test_every_file_rule_has_fixtures() -> None:
    from readylint.registry import all_rules

    for rule in all_rules():
        if rule.scope != "file":
            continue
        folder = FIXTURES / "rules" / rule.code
        assert folder.is_dir() and any(folder.iterdir()), f"{rule.code} has no fixtures"
        flagged = sum(
            1
            for f in folder.rglob("*")
            if f.is_file() and any(code == rule.code for (_, code) in expected_findings(f))
        )
        assert flagged, f"{rule.code} fixtures expect no finding"
