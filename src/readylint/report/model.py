"""The readiness scorecard's numbers, computed from one run.

An angle's score is the weighted share of its rules that ran and have no
finding; a rule weighs by its level after ``[levels]`` (error 3, warning 2,
note 1). Inline-suppressed findings do not count, and rules that did not run
(project rules when only files were given) are left out. The overall score is
the mean over angles that have rules; the verdict follows from it and from
the error-level findings. Scores are exact fractions here so that the shown
number (rounded down) and the status or verdict can never disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from readylint import __version__
from readylint.config import Config
from readylint.docs import doc_for
from readylint.engine import RunResult
from readylint.findings import Finding, Level
from readylint.rule import ANGLES, Rule

WEIGHTS = {Level.ERROR: 3, Level.WARNING: 2, Level.NOTE: 1}
READY_AT = 90  # an angle at or above is ✅; overall at or above (and no blocker) is READY
CONDITIONAL_AT = 60  # an angle at or above is ⚠️; overall at or above is CONDITIONAL
MAX_PLACES = 5  # places listed per gap; the count says how many there are

READY, CONDITIONAL, NOT_READY = "READY", "CONDITIONAL", "NOT READY"
PASS, WARN, FAIL, UNSCORED = "pass", "warn", "fail", "unscored"


@dataclass(frozen=True)
class Place:
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Check:
    """One rule that ran, as the scorecard sees it."""

    code: str
    name: str
    angle: str
    level: Level  # after [levels]
    summary: str  # what the rule looks for
    fix: str  # the one-line fix from the rule's doc
    findings: int = 0
    blockers: int = 0
    places: list[Place] = field(default_factory=list)  # the first MAX_PLACES

    @property
    def weight(self) -> int:
        return WEIGHTS[self.level]

    @property
    def passed(self) -> bool:
        return self.findings == 0


@dataclass
class AngleScore:
    angle: str
    checks: list[Check]  # gaps first (most severe, then by code), then passes

    @property
    def weight(self) -> int:
        return sum(check.weight for check in self.checks)

    @property
    def passed_weight(self) -> int:
        return sum(check.weight for check in self.checks if check.passed)

    @property
    def score(self) -> Fraction | None:
        """None when no rule of this angle ran: the angle is not scored."""
        if not self.checks:
            return None
        return Fraction(100 * self.passed_weight, self.weight)

    @property
    def status(self) -> str:
        return status_for(self.score)

    @property
    def passes(self) -> list[Check]:
        return [check for check in self.checks if check.passed]

    @property
    def gaps(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @property
    def blockers(self) -> int:
        return sum(check.blockers for check in self.checks)


@dataclass(frozen=True)
class Blocker:
    """An error-level finding: something to fix before production."""

    code: str
    name: str
    angle: str
    place: Place
    message: str


@dataclass
class Scan:
    """What was scanned and how: the report's evidence."""

    paths: list[str]
    files: int
    lines: int
    seconds: float
    rules_run: list[str]
    rules_not_run: list[str]  # selected, but project rules on files only
    suppressed: int
    notifications: int  # files not read, decoded or fully parsed; skipped files; ...
    rule_failures: int  # a rule that raised on a file: its evidence is incomplete
    version: str = __version__


@dataclass
class Readiness:
    subject: str
    generated: datetime
    angles: list[AngleScore]  # in ANGLES order, unscored angles included
    blockers: list[Blocker]  # ordered by angle, then rule, then place
    scan: Scan

    @property
    def scored_angles(self) -> list[AngleScore]:
        return [angle for angle in self.angles if angle.score is not None]

    @property
    def score(self) -> Fraction | None:
        scores = [angle.score for angle in self.angles if angle.score is not None]
        if not scores:
            return None
        return sum(scores, Fraction(0)) / len(scores)

    @property
    def verdict(self) -> str:
        """READY (≥ 90, no blocker), CONDITIONAL (≥ 60), else NOT READY.

        With no rule run there is no evidence, and no score: NOT READY."""
        score = self.score
        if score is not None and score >= READY_AT and not self.blockers:
            return READY
        if score is not None and score >= CONDITIONAL_AT:
            return CONDITIONAL
        return NOT_READY

    @property
    def status(self) -> str:
        return {READY: PASS, CONDITIONAL: WARN}.get(self.verdict, FAIL)


def status_for(score: Fraction | None) -> str:
    if score is None:
        return UNSCORED
    if score >= READY_AT:
        return PASS
    if score >= CONDITIONAL_AT:
        return WARN
    return FAIL


def shown(score: Fraction | None) -> float | None:
    """The score as shown everywhere: rounded down to one decimal, so that 89.96
    reads 89.9 (⚠️) and never 90.0 beside a ⚠️."""
    if score is None:
        return None
    return math.floor(score * 10) / 10


def build(
    result: RunResult,
    config: Config,
    paths: Sequence[Path | str] = (),
    selected: Iterable[Rule] = (),
    now: datetime | None = None,
) -> Readiness:
    """The scorecard of one run. ``selected`` is what was enabled, to name the
    rules that did not run; metadata comes from the rules themselves."""
    ran = {rule.code: rule for rule in result.rules_run}
    counted = [f for f in result.findings if not f.suppressed and f.rule in ran]
    checks = {code: _check(rule, config) for code, rule in ran.items()}
    for finding in counted:
        check = checks[finding.rule]
        check.findings += 1
        check.blockers += finding.level >= Level.ERROR
        if len(check.places) < MAX_PLACES:
            check.places.append(_place(finding))
    by_angle: dict[str, list[Check]] = defaultdict(list)
    for check in checks.values():
        by_angle[check.angle].append(check)
    # an unknown angle (never from the registry) still counts, after the known ones
    order = [*ANGLES, *sorted(set(by_angle) - set(ANGLES))]
    angles = [AngleScore(angle, sorted(by_angle[angle], key=_check_order)) for angle in order]
    ran_codes = sorted(ran)
    return Readiness(
        subject=_subject(paths, result.project_root),
        generated=(now or datetime.now(UTC)).replace(microsecond=0),
        angles=angles,
        blockers=_blockers(counted, checks, order),
        scan=Scan(
            paths=[str(p) for p in paths] or ["."],
            files=result.files_scanned,
            lines=result.lines_scanned,
            seconds=result.seconds,
            rules_run=ran_codes,
            rules_not_run=sorted({r.code for r in selected} - set(ran)),
            suppressed=sum(1 for f in result.findings if f.suppressed),
            notifications=len(result.notifications),
            rule_failures=sum(1 for n in result.notifications if n.rule and n.level == "error"),
        ),
    )


def _check(rule: Rule, config: Config) -> Check:
    doc = doc_for(rule.code)
    return Check(
        code=rule.code,
        name=rule.name,
        angle=rule.angle,
        level=config.levels.get(rule.code) or rule.level,
        summary=rule.summary,
        fix=doc.fix_line if doc is not None else "",
    )


def _check_order(check: Check) -> tuple[bool, int, str]:
    return (check.passed, -check.weight, check.code)


def _place(finding: Finding) -> Place:
    return Place(finding.path, finding.span.line, finding.span.col)


def _blockers(findings: list[Finding], checks: dict[str, Check], order: list[str]) -> list[Blocker]:
    rank = {angle: index for index, angle in enumerate(order)}
    blockers = [
        Blocker(f.rule, checks[f.rule].name, checks[f.rule].angle, _place(f), f.message)
        for f in findings
        if f.level >= Level.ERROR
    ]
    return sorted(
        blockers,
        key=lambda b: (rank[b.angle], b.code, b.place.path, b.place.line, b.place.column),
    )


def _subject(paths: Sequence[Path | str], project_root: Path) -> str:
    """What the report is about: the folder given, else the project root's name."""
    if len(paths) == 1:
        name = Path(paths[0]).resolve().name
        if name:
            return name
    return project_root.name or str(project_root)
