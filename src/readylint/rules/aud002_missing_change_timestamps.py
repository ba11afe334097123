"""AUD002 missing-change-timestamps: an entity whose rows carry no created/updated time."""

from __future__ import annotations

from collections.abc import Iterator

from readylint.entities import (
    APPEND_ONLY_PATTERNS,
    ENTITY_CAPTURES,
    EntityClass,
    EntityProperty,
    file_entities,
    matches_patterns,
)
from readylint.findings import Level
from readylint.rule import FileContext, Option, Report, Rule

# Property or column names that hold the time, compared lower-case without
# '_': the spec's createdAt/created_at plus the spellings teams really use
# (a creation time named createdOn is not a missing creation time).
CREATED_NAMES = frozenset(
    {
        "createdat", "created", "createdon", "createddate", "createdate", "creationdate",
        "createdtime", "createtime", "creationtime", "createdatetime", "createddatetime",
        "datecreated", "timecreated", "createat", "createdts", "insertedat", "insertedon",
        "createdtimestamp", "creationtimestamp", "createtimestamp", "inserttime",
    }
)  # fmt: skip
UPDATED_NAMES = frozenset(
    {
        "updatedat", "updated", "updatedon", "updateddate", "updatedate", "updatedtime",
        "updatetime", "updatedatetime", "updateddatetime", "dateupdated", "timeupdated",
        "updateat", "updatedts", "lastupdated", "lastupdatedat", "lastupdatedon",
        "modifiedat", "modified", "modifiedon", "modifieddate", "datemodified",
        "lastmodified", "lastmodifiedat", "lastmodifiedon", "lastmodifieddate", "changedat",
        "updatedtimestamp", "updatetimestamp", "modifiedtime", "modificationdate", "lastupdate",
        "datelastmodified", "datelastupdated",
    }
)  # fmt: skip
MAX_CHAIN = 16  # same-file base classes and embedded classes followed, at most


class MissingChangeTimestamps(Rule):
    code = "AUD002"
    name = "missing-change-timestamps"
    angle = "compliance"
    level = Level.NOTE
    summary = "TypeORM entity has no creation or update timestamp column"
    tags = ("compliance", "audit", "typeorm")
    precision = "high"
    captures = ENTITY_CAPTURES
    needles = (b"Entity",)
    options = (
        Option(
            "append-only-entities",
            list,
            list(APPEND_ONLY_PATTERNS),
            "fnmatch patterns on the class name (case-sensitive) of entities whose rows "
            "never change; they need only a creation timestamp",
        ),
    )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        entities = file_entities(ctx)
        # classes a same-file entity may extend or embed (the first of a name wins)
        by_name: dict[str, EntityClass] = {}
        for entity in entities:
            if entity.name and entity.kind != "schema":
                by_name.setdefault(entity.name, entity)
        patterns = [str(p) for p in ctx.options.get("append-only-entities", APPEND_ONLY_PATTERNS)]
        for entity in entities:
            # @ChildEntity shares its parent's table, @ViewEntity is a query,
            # and an @Entity of some other library is not ours to judge
            if entity.kind != "entity" or not entity.is_orm:
                continue
            stamps = _timestamps(entity, by_name)
            if stamps is None:
                continue  # a base class or embedded class elsewhere may hold them
            message = _message(entity, *stamps, matches_patterns(entity.name, patterns))
            if message is not None:
                yield Report(entity.name_range, message)


def _timestamps(entity: EntityClass, by_name: dict[str, EntityClass]) -> tuple[bool, bool] | None:
    """(has creation time, has update time) over the class, its same-file base
    classes and embedded classes; None when part of it is declared elsewhere."""
    created = updated = False
    pending = [entity]
    seen: set[str] = set()
    while pending:
        if len(seen) > MAX_CHAIN:
            return None
        current = pending.pop()
        seen.add(current.name)
        for prop in current.properties:
            created = created or _is_created(prop)
            updated = updated or _is_updated(prop)
            if prop.embedded is not None:
                embedded = by_name.get(prop.embedded)
                if embedded is None or embedded.name in seen:
                    return None
                pending.append(embedded)
        if current.extends is None or current.extends_orm_base:
            continue
        base = by_name.get(current.extends) if current.extends_local else None
        if base is None or base.name in seen:
            return None  # extends a class we cannot see: it may inherit its timestamps
        pending.append(base)
    return created, updated


def _normal(name: str | None) -> str:
    return (name or "").replace("_", "").lower()


def _is_created(prop: EntityProperty) -> bool:
    return (
        prop.is_create_date
        or _normal(prop.name) in CREATED_NAMES
        or _normal(prop.column_name) in CREATED_NAMES
    )


def _is_updated(prop: EntityProperty) -> bool:
    return (
        prop.is_update_date
        or _normal(prop.name) in UPDATED_NAMES
        or _normal(prop.column_name) in UPDATED_NAMES
    )


def _message(entity: EntityClass, created: bool, updated: bool, append_only: bool) -> str | None:
    name = entity.name or "(anonymous)"
    if append_only:
        if created:
            return None
        return (
            f"append-only entity {name} has no creation timestamp, so nobody can tell when "
            "a row was written; add @CreateDateColumn() createdAt"
        )
    if not created and not updated:
        return (
            f"entity {name} has no creation or update timestamp, so nobody can tell when a "
            "row was created or last changed; add @CreateDateColumn() createdAt and "
            "@UpdateDateColumn() updatedAt"
        )
    if not created:
        return (
            f"entity {name} has no creation timestamp, so nobody can tell when a row was "
            "created; add @CreateDateColumn() createdAt"
        )
    if not updated:
        return (
            f"entity {name} has no update timestamp, so nobody can tell when a row last "
            "changed; add @UpdateDateColumn() updatedAt (or list the entity in "
            "append-only-entities if its rows never change)"
        )
    return None
