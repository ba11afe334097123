"""On the bundled example, each implemented rule reports exactly what it plants."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from readylint.config import Config
from readylint.engine import run, select_rules
from readylint.registry import rules_by_code

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ticketing-api"


def planted() -> Counter[tuple[str, int, str]]:
    rows: Counter[tuple[str, int, str]] = Counter()
    for row in (EXAMPLE / "EXPECTED").read_text(encoding="utf-8").splitlines():
        if row.strip():
            where, code = row.split()
            path, line = where.rsplit(":", 1)
            rows[(path, int(line), code)] += 1
    return rows


def test_example_reports_exactly_what_it_plants() -> None:
    config = Config()
    result = run([EXAMPLE], config, select_rules(config))
    implemented = set(rules_by_code())
    ran = {r.code for r in result.rules_run}
    prefix = EXAMPLE.resolve().relative_to(result.project_root).as_posix() + "/"
    actual = Counter(
        (f.path.removeprefix(prefix), f.span.line, f.rule)
        for f in result.findings
        if not f.suppressed
    )
    expected = Counter({k: n for k, n in planted().items() if k[2] in implemented and k[2] in ran})
    assert not [n for n in result.notifications if n.rule], result.notifications
    assert actual == expected, f"missing {expected - actual}, unexpected {actual - expected}"
