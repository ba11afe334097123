"""Project rules on small fixture projects, one situation each, linted as directories."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from harness import FIXTURES, actual_findings, describe, expected_findings, lint_directory

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())


def project_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file() and not p.name.endswith(".expect"))


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_project_fixture(project: Path) -> None:
    result = lint_directory(project, "all")
    assert not [n for n in result.notifications if n.rule], result.notifications
    problems = []
    for path in project_files(project):
        rel = path.resolve().relative_to(result.project_root).as_posix()
        expected = expected_findings(path)
        actual = actual_findings(result.findings, rel)
        if expected != actual:
            problems.append(
                f"{path.relative_to(project)}: missing {describe(expected - actual) or '-'}; "
                f"unexpected {describe(actual - expected) or '-'}"
            )
    assert not problems, "\n".join(problems)


def test_project_rules_do_not_run_on_file_lists() -> None:
    from readylint.config import Config
    from readylint.engine import run, select_rules

    app = FIXTURES / "projects" / "express-liveness-only" / "src" / "app.js"
    config = Config()
    result = run([app], config, select_rules(config))
    assert all(r.scope == "file" for r in result.rules_run)
    assert not [f for f in result.findings if f.rule.startswith("INF")]


def test_facts_are_plain_picklable_json_data() -> None:
    from readylint.config import Config
    from readylint.discovery import discover
    from readylint.engine import build_settings, lint_file, select_rules

    config = Config()
    rules = select_rules(config)
    settings = build_settings(config, rules)
    settings.fact_extractors = tuple(sorted({n for r in rules for n in r.facts}))
    for candidate in discover([FIXTURES / "projects"]).files:
        facts = lint_file(candidate, settings).facts
        assert pickle.loads(pickle.dumps(facts)) == facts
        assert json.loads(json.dumps(facts)) == facts


def test_http_project_answers_from_its_indexes_what_a_full_scan_would() -> None:
    """``matching_routes`` and ``has_setting`` (indexed, linear in the number of apps)
    agree with filtering ``routes`` and ``settings`` for every app of every fixture
    project, all linted together so that apps and unowned routes mix."""
    from readylint.config import Config
    from readylint.discovery import discover
    from readylint.engine import build_settings, lint_file, select_rules
    from readylint.facts import ProjectFacts
    from readylint.project import HttpProject, path_matches

    config = Config()
    rules = select_rules(config)
    settings = build_settings(config, rules)
    settings.fact_extractors = ("http",)
    facts = ProjectFacts()
    for candidate in discover([FIXTURES / "projects"]).files:
        facts.add(candidate.path, lint_file(candidate, settings).facts)
    http = HttpProject.of(facts)
    assert HttpProject.of(facts) is http  # one analysis shared by the project rules
    assert len(http.apps) >= 3 and facts["routes"] and facts["settings"]
    kinds = {s["what"] for s in facts["settings"]}
    for app in http.apps:
        routes = http.routes(app)
        for paths in (["/ready", "/readyz"], ["/health", "/healthz", "/live"], ["/metrics"]):
            expected = [r for r in routes if path_matches(r.full_path, paths)]
            assert http.matching_routes(app, paths) == expected
        for what in kinds:
            assert http.has_setting(app, what) == bool(http.settings(app, what))
