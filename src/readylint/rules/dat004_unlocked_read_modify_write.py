"""DAT004 unlocked-read-modify-write: a field changed from its own value, read without a lock."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.facts.data import DataProject
from readylint.findings import Level
from readylint.project import ProjectReport
from readylint.rule import ProjectContext, Rule

# a migration or a seed runs alone: nobody races it
SKIPPED_CONTEXTS = frozenset({"migration", "seed"})


class UnlockedReadModifyWrite(Rule):
    code = "DAT004"
    name = "unlocked-read-modify-write"
    angle = "data"
    level = Level.WARNING
    summary = "an entity field is changed from its own value after a read without a lock"
    scope = "project"
    tags = ("data-integrity", "typeorm", "concurrency")
    precision = "high"
    facts = ("data",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        data = DataProject(ctx.facts)
        for rmw in ctx.facts["rmw"]:
            if rmw["lock"] != "none" or rmw["context"] in SKIPPED_CONTEXTS:
                continue
            entity = rmw["entity"]
            # an unknown class does not stop the finding; a @VersionColumn does
            if entity and data.has_version(entity):
                continue
            target = f"{rmw['variable']}.{rmw['field']}"
            what = f"{entity} " if entity else ""
            yield ProjectReport(
                rmw["place"],
                f"{target} is changed from its own value after {rmw['read']} read the "
                f"{what}row without a lock and the entity has no @VersionColumn, so two "
                "concurrent requests can overwrite each other's change; use "
                "increment()/decrement(), or read it with lock: { mode: 'pessimistic_write' } "
                "inside a transaction",
            )
