"""Rule docs and rule modules are checked against each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from readylint.config import Config
from readylint.discovery import Candidate
from readylint.docs import all_docs, docs_dir
from readylint.engine import build_settings, lint_bytes, select_rules
from readylint.registry import all_rules

RULES = all_rules()
DOCS = all_docs()
REQUIRED_SECTIONS = ("why", "bad", "good", "how to fix")


def lint_snippet(code: str, name: str = "example.ts"):
    config = Config()
    rules = [r for r in select_rules(config) if r.scope == "file"]
    candidate = Candidate(name, name, name, True)
    return lint_bytes(candidate, code.encode(), build_settings(config, rules)).findings


def test_every_rule_has_a_doc_and_every_doc_a_rule() -> None:
    codes = {r.code for r in RULES}
    assert codes - set(DOCS) == set(), "rules without a doc"
    assert set(DOCS) - codes == set(), "docs without a rule"


def test_doc_file_names_match_code_and_name() -> None:
    for rule in RULES:
        path = docs_dir() / f"{rule.code}-{rule.name}.md"
        assert path.is_file(), f"expected {path.name}"
        doc = DOCS[rule.code]
        assert doc.name == rule.name


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_doc_sections_and_examples(rule) -> None:
    doc = DOCS[rule.code]
    for section in REQUIRED_SECTIONS:
        assert doc.sections.get(section, "").strip(), f"{rule.code}: missing '## {section}'"
    assert doc.fix_line, f"{rule.code}: 'How to fix' needs a one-line summary"
    if rule.scope != "file":
        return
    bad = lint_snippet(doc.bad_example)
    assert any(f.rule == rule.code for f in bad), f"{rule.code}: the bad example is not flagged"
    good = lint_snippet(doc.good_example)
    assert good == [], f"{rule.code}: the good example is flagged: {[f.message for f in good]}"


def test_readme_rule_table_lists_every_rule() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table -->", 1)[1].split("<!-- /rules-table -->", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    listed = [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in rows]
    expected = [(r.code, r.name, r.angle, r.level.label) for r in RULES]
    assert listed == expected, "update the README's rule table"
