"""Property-based tests: random mutations of the fixtures never make a rule or the
evaluator raise, and every finding's range lies inside the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readylint import parsing, queries
from readylint.config import Config
from readylint.discovery import Candidate
from readylint.engine import build_settings, lint_bytes, select_rules
from readylint.semantics import Semantics

FIXTURES = sorted(
    p
    for p in (Path(__file__).parent / "fixtures").rglob("*")
    if p.is_file() and p.suffix in (".ts", ".js", ".tsx", ".mjs", ".cjs")
)
CONFIG = Config()
SETTINGS = build_settings(CONFIG, [r for r in select_rules(CONFIG) if r.scope == "file"])
SETTINGS.fact_extractors = tuple(sorted({n for r in select_rules(CONFIG) for n in r.facts}))
TOKENS = [
    b"(",
    b")",
    b"{",
    b"}",
    b"[",
    b"]",
    b"'",
    b'"',
    b"`",
    b"${",
    b"=>",
    b";",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"await ",
    b"process.env.",
    b"||",
    b"?",
    b":",
]


@st.composite
def mutated_fixture(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(FIXTURES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(0, 40)))
        choice = draw(st.integers(0, 2))
        if choice == 0:
            del data[start:end]
        elif choice == 1:
            data[start:start] = draw(st.sampled_from(TOKENS))
        else:
            data[start:end] = data[start:end][::-1]
    return path.name, bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_fixture())
def test_rules_never_raise_and_ranges_stay_inside(case: tuple[str, bytes]) -> None:
    name, data = case
    result = lint_bytes(Candidate(name, name, name, True), data, SETTINGS)
    crashes = [n for n in result.notifications if n.rule]
    assert not crashes, crashes
    text = data.decode("utf-8", errors="replace")
    line_count = max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    for finding in result.findings:
        span = finding.span
        assert 1 <= span.line <= span.end_line <= line_count
        assert span.col >= 1 and span.end_col >= 1
        assert (span.line, span.col) <= (span.end_line, span.end_col)


EXPRESSIONS = st.recursive(
    st.sampled_from(
        ["'a'", "1", "x", "process.env.A", "this.f", "true", "null", "`t${x}`", "/r$/"]
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["||", "??", "+", "&&", "==="]), inner).map(" ".join),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"{{ k: {e}, ...o }}"),
        inner.map(lambda e: f"[{e}, {e}]"),
        inner.map(lambda e: f"config.get('K', {e})"),
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(EXPRESSIONS, st.sampled_from(["const", "let", "var"]))
def test_evaluator_never_raises(expression: str, keyword: str) -> None:
    code = f"{keyword} x = {expression};\nclass C {{ f = {expression}; m() {{ probe({expression}) }} }}\nprobe(x)\n"
    tree = parsing.parse("typescript", code.encode())
    names = tuple(sorted({*queries.SEMANTIC_CAPTURES, "call"}))
    captures = queries.run("typescript", names, tree.root_node)
    sem = Semantics(tree.root_node, captures)
    for call in captures["call"]:
        for arg in call.child_by_field_name("arguments").named_children:
            sem.value(arg)
