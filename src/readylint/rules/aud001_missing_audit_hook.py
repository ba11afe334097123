"""AUD001 missing-audit-hook: an entity the code writes with no audit trail of its changes."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.entities import APPEND_ONLY_PATTERNS, matches_patterns
from readylint.facts import Fact
from readylint.facts.data import DataProject
from readylint.findings import Level
from readylint.project import ProjectReport
from readylint.rule import Option, ProjectContext, Rule

AUDITED_KINDS = frozenset({"entity", "child_entity", "schema"})
MAX_LISTED = 3


class MissingAuditHook(Rule):
    code = "AUD001"
    name = "missing-audit-hook"
    angle = "compliance"
    level = Level.WARNING
    summary = "an entity is written with no audit listener, subscriber or audit call"
    scope = "project"
    tags = ("compliance", "audit", "typeorm")
    precision = "high"
    facts = ("data",)
    options = (
        Option(
            "audit-functions",
            list,
            ["audit"],
            "a call whose callee text contains one of these (case-insensitive) is an "
            "audit call: this.auditService.record(...)",
        ),
        Option(
            "exclude-entities",
            list,
            list(APPEND_ONLY_PATTERNS),
            "fnmatch patterns on the class name (case-sensitive) of entities never flagged: "
            "audit logs and history tables",
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        data = DataProject(ctx.facts)
        audit = [str(p).lower() for p in ctx.options.get("audit-functions", ["audit"])]
        excluded = [str(p) for p in ctx.options.get("exclude-entities", APPEND_ONLY_PATTERNS)]
        writes_of: dict[str, list[Fact]] = {}
        audit_trail: set[str] = set()  # functions that write an audit or history entity
        for write in ctx.facts["writes"]:
            entity = write["entity"]
            if not entity or write["context"]:
                continue
            if matches_patterns(entity, excluded):
                audit_trail.add(write["function"])
            else:
                writes_of.setdefault(entity, []).append(write)
        audited = audit_trail | {
            f["id"]
            for f in ctx.facts["functions"]
            if any(p in call.lower() for call in f["calls"] for p in audit)
        }
        names = {f["id"]: f["name"] for f in ctx.facts["functions"]}
        for entity in ctx.facts["entities"]:
            name = entity["name"]
            if entity["kind"] not in AUDITED_KINDS or name not in writes_of:
                continue
            places = _unaudited(writes_of[name], audited)
            if not places:
                continue
            chain, complete = data.chain(name)
            if not complete or any(f["hooks"] for f in chain) or data.subscribed(name):
                continue  # a listener (or a base class we cannot see) records its changes
            listed = ", ".join(
                f"{names.get(w['function'], 'a function')} ({w['place']['path']}:"
                f"{w['place']['line']})"
                for w in places[:MAX_LISTED]
            )
            if len(places) > MAX_LISTED:
                listed += f" and {len(places) - MAX_LISTED} more"
            verb = "write" if len(places) > 1 else "writes"
            yield ProjectReport(
                entity["place"],
                f"{name} is written with no audit trail: no entity listener or subscriber "
                f"records its changes and {listed} {verb} it without an audit call, so nobody "
                f"can tell who changed what and when; add an EntitySubscriber for {name} "
                "(afterInsert/afterUpdate/afterRemove) or record an audit entry where it is "
                "written",
            )


def _unaudited(writes: list[Fact], audited: set[str]) -> list[Fact]:
    """The first write of each function that makes no audit call, in order."""
    seen: set[str] = set()
    places = []
    for write in sorted(writes, key=lambda w: (w["file"], w["place"]["line"])):
        function = write["function"]
        if function in audited or function in seen:
            continue
        seen.add(function)
        places.append(write)
    return places
