"""DAT005 hard-delete-soft-deletable: delete()/remove() on an entity meant to be soft-deleted."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.facts.data import DataProject
from readylint.findings import Level
from readylint.project import ProjectReport
from readylint.rule import ProjectContext, Rule

HARD_DELETES = {"delete": "softDelete", "remove": "softRemove"}


class HardDeleteSoftDeletable(Rule):
    code = "DAT005"
    name = "hard-delete-soft-deletable"
    angle = "data"
    level = Level.WARNING
    summary = "delete()/remove() on an entity that has a @DeleteDateColumn"
    scope = "project"
    tags = ("data-integrity", "typeorm", "soft-delete")
    precision = "high"
    facts = ("data",)

    def check_project(self, ctx: ProjectContext) -> Iterator[ProjectReport]:
        data = DataProject(ctx.facts)
        for write in ctx.facts["writes"]:
            method = write["method"]
            entity = write["entity"]
            # migrations, seeds and hooks clean up on purpose; so does a purge
            if method not in HARD_DELETES or not entity or write["context"] or write.get("hard"):
                continue
            column = data.delete_date(entity)
            if column is None:
                continue
            yield ProjectReport(
                write["place"],
                f"{write['label']} deletes {entity} rows for good, although {entity} has a "
                f"@DeleteDateColumn ({column}) and is meant to be soft-deleted, so the rows and "
                f"their history are lost; call {HARD_DELETES[method]}() instead",
            )
