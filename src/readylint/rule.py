"""What a rule is: its metadata beside its logic, and what it receives.

A rule module in ``readylint/rules/`` defines one ``Rule`` subclass. The class
attributes are the rule's metadata, the single source for the registry,
config validation, SARIF and the report. ``check`` receives a ``FileContext``
(the source, the tree, the captures it asked for, shared semantics, its
options) and yields ``Report``s. Rules know nothing about output formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from readylint import needles as needle_index
from readylint.findings import Level
from readylint.semantics import CallIndex, Semantics, node_text

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

    from readylint.facts import ProjectFacts
    from readylint.project import ProjectReport
    from readylint.source import SourceFile

REQUIRE = needle_index.declare(b"require")[0]

ANGLES = ("security", "infrastructure", "operations", "data", "compliance")

TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "e2e", "fixtures"})
TEST_NAME = re.compile(r"\.(spec|test|e2e-spec)\.[^.]+$|^\.env\.test")


@cache
def is_test_path(rel_path: str) -> bool:
    """Test files, judged on the path relative to the directory being linted."""
    parts = [part for part in rel_path.split("/") if part and part != "."]
    if any(part in TEST_DIRS for part in parts[:-1]):
        return True
    return bool(parts) and bool(TEST_NAME.search(parts[-1]))


@dataclass(frozen=True)
class Option:
    """A rule setting under ``[rules.CODE]`` in the config."""

    name: str
    kind: type  # str, int, bool or list (of str)
    default: Any
    doc: str = ""


@dataclass
class Report:
    """One problem a rule found, before the engine turns it into a Finding."""

    node: Node | tuple[int, int]  # a node, or a (start_byte, end_byte) range
    message: str
    level: Level | None = None  # None: the rule's configured level
    secrets: tuple[str, ...] = ()  # raw secret values to keep out of every output
    related: tuple[tuple[Node, str], ...] = ()

    @property
    def byte_range(self) -> tuple[int, int]:
        if isinstance(self.node, tuple):
            return self.node
        return (self.node.start_byte, self.node.end_byte)


@dataclass
class FileContext:
    source: SourceFile
    tree: Tree | None
    captures: dict[str, list[Node]]
    is_test: bool
    git_tracked: bool | None = None  # for .env files: None when unknown (no git)
    options: dict[str, Any] = field(default_factory=dict)
    # the config's include-tests, for rules that run on tests but check them less
    include_tests: bool = False
    # per-file analyses shared by every rule's context (built once, on first use)
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def mentions(self) -> needle_index.Mentions:
        """The words the file mentions (``b"helmet" in ctx.mentions``), found in one pass
        shared with the engine and every other rule."""
        found = self.shared.get("mentions")
        if found is None:
            found = self.shared["mentions"] = needle_index.Mentions(self.source.data)
        return found

    @property
    def calls(self) -> CallIndex:
        """The file's ``call`` captures by callee name, indexed once for every rule."""
        found = self.shared.get("calls")
        if found is None:
            found = self.shared["calls"] = CallIndex(self.captures.get("call", []))
        return found

    @property
    def semantics(self) -> Semantics:
        found = self.shared.get("semantics")
        if found is None:
            assert self.tree is not None
            found = self.shared["semantics"] = Semantics(
                self.tree.root_node,
                self.captures,
                require_at=self.mentions.starts((REQUIRE,)),
            )
        return found

    def shared_analysis(self, name: str, build: Callable[[], Any]) -> Any:
        """A per-file analysis several rules use (``typeorm``, ``entities``), built once."""
        if name not in self.shared:
            self.shared[name] = build()
        return self.shared[name]

    @property
    def text(self) -> str:
        return self.source.text

    @staticmethod
    def node_text(node: Node | None) -> str:
        return node_text(node)

    def nodes(self, *names: str) -> Iterator[Node]:
        for name in names:
            yield from self.captures.get(name, ())


@dataclass
class ProjectContext:
    """What a project rule receives: the merged facts and the rules' options."""

    facts: ProjectFacts
    options: dict[str, Any]
    options_of: Callable[[str], dict[str, Any]]


class Rule:
    """Base class; subclasses set the metadata and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    angle: ClassVar[str]
    level: ClassVar[Level]
    summary: ClassVar[str]  # one line: what the rule finds
    scope: ClassVar[str] = "file"  # "file" or "project"
    tags: ClassVar[tuple[str, ...]] = ()
    precision: ClassVar[str] = "high"  # SARIF precision: very-high | high | medium | low
    security_severity: ClassVar[float | None] = None  # 0.0-10.0, security rules only
    supersedes: ClassVar[tuple[str, ...]] = ()
    skips_tests: ClassVar[bool] = False
    file_kinds: ClassVar[frozenset[str]] = frozenset({"js"})  # js | env | json
    captures: ClassVar[tuple[str, ...]] = ()
    # byte strings of which one must occur in a file (in any case) for the rule to have
    # work there: found with every other needle in one pass over the file
    needles: ClassVar[tuple[bytes, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = ()

    # project rules: the fact extractors they read (see readylint.facts)
    facts: ClassVar[tuple[str, ...]] = ()

    def check(self, ctx: FileContext) -> Iterable[Report]:
        raise NotImplementedError

    def check_project(self, ctx: ProjectContext) -> Iterable[ProjectReport]:
        raise NotImplementedError

    _needle_keys: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._needle_keys = needle_index.keys(cls.needles)

    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        return {option.name: option.default for option in cls.options}

    def wants(self, mentions: needle_index.Mentions, options: dict[str, Any]) -> bool:
        """Could this file hold work for the rule (with these options)? True when it
        mentions one of the needles, in any case (or the rule has none). The rule's
        captures are not collected and its check does not run where it is not wanted."""
        return not self._needle_keys or mentions.any_key(self._needle_keys)
