"""Same-file names and values: imports, requires, bindings, and the evaluator.

``Semantics`` answers two questions for rules:

* ``callee(call)``: which imported function does this call reach
  (``('jsonwebtoken', 'sign')``, ``('cors', 'default')``)?
* ``value(node)``: what is this expression (see ``values``)?

It follows ``const`` bindings (``let``/``var`` only when never reassigned),
destructuring of literals and of ``process.env``, class fields and ``this.x``
assigned in a constructor, and import aliases. Everything else is ``Unknown``.
Walks are iterative or depth-capped, so deeply nested input cannot exhaust
the Python stack.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readylint.queries import holding
from readylint.values import (
    Arr,
    Bool,
    Choice,
    ConfigRead,
    EnvRead,
    Func,
    Null,
    Num,
    Obj,
    Regex,
    Str,
    Template,
    Undefined,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 40  # evaluation depth; past it the value is unknown

SCOPE_TYPES = frozenset(
    {"program", "statement_block", "class_body", "switch_body", "module", "internal_module"}
)
FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
WRAPPER_TYPES = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
CONFIG_GETTERS = frozenset({"get", "getOrThrow"})
CONFIG_RECEIVER = re.compile(r"(^|\.)(config|configService|_config|configuration|cfg|conf)$", re.I)
_ESCAPES = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)


@dataclass(frozen=True)
class ImportBinding:
    """A local name bound to something from a module."""

    module: str
    imported: str  # 'default', '*', or the exported name
    node: Node


# The bytes of the tree being analysed, while the engine analyses a tree parsed
# without them (``parsing.parse(keep_source=False)``); None otherwise, and then
# ``node.text`` is read.
_SOURCE: bytes | None = None
# how a value that is (or wraps) a require() call starts: ``require(…)``, ``(require(…))``,
# ``<T>require(…)``
_REQUIRE_STARTS = (b"require", b"(", b"<")


class _ReadingSource:
    """The context ``source_text`` returns (a class: entered once per file, it costs a
    fraction of a generator-based context manager)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __enter__(self) -> None:
        global _SOURCE
        _SOURCE = self.data

    def __exit__(self, *exc: object) -> None:
        global _SOURCE
        _SOURCE = None


def source_text(data: bytes) -> _ReadingSource:
    """Read node text from ``data`` (the bytes the tree was parsed from) meanwhile."""
    return _ReadingSource(data)


def node_bytes(node: Node) -> bytes:
    source = _SOURCE
    if source is not None:
        return source[node.start_byte : node.end_byte]
    return node.text or b""


def node_text(node: Node | None) -> str:
    if node is None:
        return ""
    source = _SOURCE
    if source is not None:
        return source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    text = node.text  # a new bytes object on every access: read it once
    return "" if text is None else text.decode("utf-8", "replace")


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses and TypeScript-only wrappers (``as``, ``!``, ``<T>x``)."""
    while node is not None and node.type in WRAPPER_TYPES:
        node = node.named_children[0] if node.named_children else None
    return node


def string_value(node: Node) -> str:
    """The runtime value of a ``string`` node (escapes decoded)."""
    raw = node_text(node)[1:-1]
    if "\\" not in raw:
        return raw
    return _ESCAPES.sub(_decode_escape, raw)


def _decode_escape(match: re.Match[str]) -> str:
    body = match.group(1)
    if body.startswith("u{"):
        return chr(min(int(body[2:-1], 16), 0x10FFFF))
    if body[0] in "ux" and len(body) > 1:
        return chr(int(body[1:], 16))
    simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
    return simple.get(body, body)


MAX_ANCESTORS = 160  # tree-sitter finds a parent by walking down from the root: O(depth)


# node id -> parent, for the tree being analysed (cleared whenever a new one starts):
# tree-sitter has no parent pointers, so every ``.parent`` walks down from the root
_PARENTS: dict[int, Node | None] = {}


# per-file memos of what every call-based rule asks of every call (cleared with parents)
_CALLEES: dict[int, Node | None] = {}
_MEMBER_NAMES: dict[int, str] = {}
_ARGUMENTS: dict[int, list[Node]] = {}


def reset_parent_cache() -> None:
    """Forget the per-node memos: a new tree's node ids mean something else."""
    _PARENTS.clear()
    _CALLEES.clear()
    _MEMBER_NAMES.clear()
    _ARGUMENTS.clear()


def parent_of(node: Node | None) -> Node | None:
    if node is None:
        return None
    key = node.id
    parent = _PARENTS.get(key)
    if parent is None and key not in _PARENTS:  # (None is a root's parent)
        parent = _PARENTS[key] = node.parent
    return parent


def ancestors(node: Node, limit: int = MAX_ANCESTORS) -> Iterator[Node]:
    """Parents, nearest first, at most ``limit`` of them: in pathologically deep
    input, whatever lies further up is unknown rather than quadratic to reach."""
    parents = _PARENTS  # parent_of inlined: rules walk up from many nodes
    current = node
    while limit > 0:
        key = current.id
        parent = parents.get(key)
        if parent is None:
            if key in parents:
                return
            parent = parents[key] = current.parent
            if parent is None:
                return
        yield parent
        limit -= 1
        current = parent


def enclosing_function(node: Node) -> Node | None:
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES:
            return parent
    return None


def enclosing_class(node: Node) -> Node | None:
    for parent in ancestors(node):
        if parent.type in ("class_declaration", "class", "abstract_class_declaration"):
            return parent
    return None


def call_function(call: Node) -> Node | None:
    """The callee expression of a call or ``new``, wrappers removed.

    tree-sitter-typescript parses ``await X.create<T>(…)`` as a call of
    ``await X.create``; the ``await`` is looked through here."""
    key = call.id
    if key in _CALLEES:
        return _CALLEES[key]
    fn = unwrap(call.child_by_field_name("function") or call.child_by_field_name("constructor"))
    if fn is not None and fn.type == "await_expression" and fn.named_children:
        fn = unwrap(fn.named_children[0])
    _CALLEES[key] = fn
    return fn


def call_name(call: Node) -> str:
    """The callee text of a call, type arguments dropped: ``this.config.get``."""
    return node_text(call_function(call))


def call_receiver(call: Node) -> Node | None:
    """``res`` in ``res.setHeader(…)``; None when the callee is not a member."""
    fn = call_function(call)
    if fn is None or fn.type != "member_expression":
        return None
    return unwrap(fn.child_by_field_name("object"))


def member_name(call: Node) -> str:
    """The last name of a callee: ``sign`` for ``jwt.sign(...)``."""
    key = call.id
    name = _MEMBER_NAMES.get(key)
    if name is not None:
        return name
    fn = call_function(call)
    name = ""
    if fn is not None and fn.type == "member_expression":
        name = node_text(fn.child_by_field_name("property"))
    elif fn is not None and fn.type == "identifier":
        name = node_text(fn)
    _MEMBER_NAMES[key] = name
    return name


def call_arguments(call: Node) -> list[Node]:
    key = call.id
    found = _ARGUMENTS.get(key)
    if found is None:
        args = call.child_by_field_name("arguments")
        if args is None or args.type != "arguments":
            found = []
        else:
            found = [a for a in args.named_children if a.type != "comment"]
        _ARGUMENTS[key] = found
    return list(found)


def has_computed_key(pair: Node) -> bool:
    """``[NAME]: value``: a key whose name is a constant's value, not written here."""
    key = pair.child_by_field_name("key")
    return key is not None and key.type == "computed_property_name"


def pattern_names(pattern: Node) -> Iterator[str]:
    """Every name a parameter or destructuring pattern binds (iterative)."""
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            yield node_text(node)
            continue
        if node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
            continue
        if node.type in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
            continue
        if node.type in ("required_parameter", "optional_parameter"):
            inner = node.child_by_field_name("pattern")
            if inner is not None:
                stack.append(inner)
            continue
        if node.type in (
            "formal_parameters",
            "object_pattern",
            "array_pattern",
            "rest_pattern",
        ):
            stack.extend(node.named_children)


def function_parameters(function: Node) -> list[Node]:
    params = function.child_by_field_name("parameters")
    if params is not None:
        return [p for p in params.named_children if p.type != "comment"]
    single = function.child_by_field_name("parameter")
    return [single] if single is not None else []


def parameter_name(param: Node) -> str:
    names = list(pattern_names(param))
    return names[0] if len(names) == 1 else ""


PROPERTY_TYPES = frozenset({"property_identifier", "private_property_identifier"})


class CallIndex:
    """A file's calls by the last name of their callee (``log`` for ``console.log(…)``,
    ``""`` when there is none), so a rule that wants a few methods visits those calls
    and not every call in the file. Lists keep document order."""

    def __init__(self, calls: list[Node]) -> None:
        self._calls = calls
        # by the name's bytes: names are decoded only when a rule asks for all of them
        by_name: dict[bytes, list[int]] = {}
        self._by_name = by_name
        source = _SOURCE
        for position, call in enumerate(calls):
            # ``member_name`` inlined for the plain callees of nearly every call, by
            # position (the callee is a call's first child, the property a member's
            # last) and without its memo: this loop visits every call of every file a
            # call-based rule looks at, and rules ask again only of their candidates
            fn = call.child(0)
            kind = fn.type if fn is not None else ""
            holder: Node | None = None
            if kind == "member_expression" and fn is not None:
                holder = fn.child(fn.child_count - 1)
                if holder is not None and holder.type not in PROPERTY_TYPES:
                    holder = fn.child_by_field_name("property")  # a comment came last
            elif kind == "identifier":
                holder = fn
            if holder is None:
                name = member_name(call).encode()
            elif source is not None:
                name = source[holder.start_byte : holder.end_byte]
            else:
                name = node_bytes(holder)
            found = by_name.get(name)
            if found is None:
                by_name[name] = [position]
            else:
                found.append(position)

    def named(self, *names: str) -> list[Node]:
        """The calls of any of ``names``."""
        if len(names) == 1:
            return [self._calls[i] for i in self._by_name.get(names[0].encode(), ())]
        return self._gather(key for key in map(str.encode, names) if key in self._by_name)

    def matching(self, accept: Callable[[str], bool]) -> list[Node]:
        """The calls whose name ``accept`` takes (asked once per distinct name)."""
        return self._gather(key for key in self._by_name if accept(key.decode("utf-8", "replace")))

    def _gather(self, keys: Iterator[bytes]) -> list[Node]:
        positions = sorted(i for key in keys for i in self._by_name[key])
        return [self._calls[i] for i in positions]


class Semantics:
    """Bindings and values of one file, indexed from the engine's captures."""

    def __init__(
        self,
        root: Node,
        captures: dict[str, list[Node]],
        *,
        require_at: list[int] | None = None,
    ) -> None:
        # the per-node memos were reset when the captures were made (queries.run); they
        # already hold what the call index and other analyses of this tree computed
        self.root = root
        # where the file says "require" (sorted; None: not known): only the declarators
        # around those places can bind a require()
        self._require_at = require_at
        self._may_require = require_at is None or bool(require_at)
        self.imports: dict[str, ImportBinding] = {}
        # declarators by the names they bind, indexed on first use (most analysed
        # files never look a name up)
        self._declarator_nodes = captures.get("declarator", [])
        self._declarators: dict[str, list[Node]] | None = None
        self.local_functions: set[str] = set()
        # what the assignments tell (names assigned again, `this.x = …`), read on first
        # use: many files never evaluate a `let` or a class field
        self._assignments = captures.get("assignment", [])
        self._reassigned: set[str] | None = None
        self._this_assigned: list[Node] = []
        self._fields: dict[int, dict[str, list[Node | None]]] = {}
        self._references: dict[int, tuple[str, str] | None] = {}
        self._memo: dict[int, Value] = {}
        self._evaluating: set[int] = set()
        self._binding_scopes: dict[str, dict[int, list[Node]]] = {}  # name -> scope id -> decls
        self._parameter_names: dict[int, frozenset[str]] = {}  # function/catch id -> names
        self._index(captures)

    # -- indexing ---------------------------------------------------------

    def _index(self, captures: dict[str, list[Node]]) -> None:
        for node in captures.get("import", ()):
            self._index_import(node)
        declarators = self._declarator_nodes
        if self._require_at is not None:  # none when the file never says require
            declarators = holding(declarators, self._require_at)
        for node in declarators:
            self._index_require(node)
        for node in captures.get("function", ()):
            if node.type in ("function_declaration", "generator_function_declaration"):
                self.local_functions.add(node_text(node.child_by_field_name("name")))

    @property
    def reassigned(self) -> set[str]:
        """Names an assignment or ``++``/``--`` changes."""
        if self._reassigned is None:
            self._index_assignments()
        assert self._reassigned is not None
        return self._reassigned

    @property
    def _this_assignments(self) -> list[Node]:
        """``this.x = …`` assignments, in document order."""
        if self._reassigned is None:
            self._index_assignments()
        return self._this_assigned

    def _index_assignments(self) -> None:
        reassigned: set[str] = set()
        for node in self._assignments:
            left = unwrap(node.child_by_field_name("left"))
            if left is not None and left.type == "identifier":
                reassigned.add(node_text(left))
            elif (
                left is not None
                and left.type == "member_expression"
                and node.type == "assignment_expression"
                and node_text(left.child_by_field_name("object")) == "this"
            ):
                self._this_assigned.append(node)
            elif node.type == "update_expression":
                arg = unwrap(node.child_by_field_name("argument"))
                if arg is not None and arg.type == "identifier":
                    reassigned.add(node_text(arg))
        self._reassigned = reassigned

    def _index_import(self, node: Node) -> None:
        clause = None
        for child in node.named_children:
            if child.type in ("import_clause", "import_require_clause"):
                clause = child
        if clause is None:
            return
        source = node.child_by_field_name("source") or clause.child_by_field_name("source")
        if source is None:
            return
        module = string_value(source)
        if clause.type == "import_require_clause":
            ident = clause.named_children[0] if clause.named_children else None
            if ident is not None and ident.type == "identifier":
                self.imports[node_text(ident)] = ImportBinding(module, "default", node)
            return
        for child in clause.named_children:
            if child.type == "identifier":
                self.imports[node_text(child)] = ImportBinding(module, "default", node)
            elif child.type == "namespace_import":
                for ident in child.named_children:
                    if ident.type == "identifier":
                        self.imports[node_text(ident)] = ImportBinding(module, "*", node)
            elif child.type == "named_imports":
                for spec in child.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    self.imports[node_text(alias)] = ImportBinding(module, node_text(name), node)

    @property
    def declarators(self) -> dict[str, list[Node]]:
        """The declarators of each name, in document order."""
        if self._declarators is None:
            index: dict[str, list[Node]] = defaultdict(list)
            for node in self._declarator_nodes:
                name = node.child_by_field_name("name")
                if name is None:
                    continue
                kind = name.type
                if kind == "identifier":
                    index[node_text(name)].append(node)
                elif kind == "object_pattern":
                    for local in pattern_names(name):
                        index[local].append(node)
            self._declarators = index
        return self._declarators

    def _index_require(self, node: Node) -> None:
        """The imports a ``const x = require('m')`` (or a destructuring of one) makes."""
        name = node.child_by_field_name("name")
        if name is None:
            return
        kind = name.type
        if kind == "identifier":
            required = self._required_value(node)
            if required is not None:
                self.imports[node_text(name)] = ImportBinding(required[0], required[1], node)
        elif kind == "object_pattern":
            required = self._required_value(node)
            if required is not None and required[1] in ("default", "*"):
                for prop in name.named_children:
                    if prop.type == "shorthand_property_identifier_pattern":
                        self.imports[node_text(prop)] = ImportBinding(
                            required[0], node_text(prop), node
                        )
                    elif prop.type == "pair_pattern":
                        key = prop.child_by_field_name("key")
                        local_node = prop.child_by_field_name("value")
                        if local_node is not None and local_node.type == "identifier":
                            self.imports[node_text(local_node)] = ImportBinding(
                                required[0], node_text(key), node
                            )

    def _required_value(self, declarator: Node) -> tuple[str, str] | None:
        """``required_module`` of a declarator's value, asked only of a value that can be
        one: its source starts with ``require`` or a wrapper (most values are not)."""
        value = declarator.child_by_field_name("value")
        if value is None:
            return None
        if _SOURCE is not None:
            start = value.start_byte
            if not _SOURCE.startswith(_REQUIRE_STARTS, start, start + 7):
                return None
        return self.required_module(value)

    def required_module(self, node: Node | None) -> tuple[str, str] | None:
        """``require('m')`` -> (m, 'default'); ``require('m').x`` -> (m, 'x')."""
        if not self._may_require:
            return None
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "member_expression":
            inner = self.required_module(node.child_by_field_name("object"))
            prop = node_text(node.child_by_field_name("property"))
            if inner is not None and inner[1] == "default":
                return (inner[0], "default" if prop == "default" else prop)
            return None
        if node.type != "call_expression":
            return None
        fn = call_function(node)  # `require` itself, not a long callee's text
        if fn is None or fn.type != "identifier" or node_bytes(fn) != b"require":
            return None
        args = call_arguments(node)
        if len(args) == 1 and args[0].type == "string":
            return (string_value(args[0]), "default")
        return None

    # -- names --------------------------------------------------------------

    def import_of(self, ident: Node) -> ImportBinding | None:
        """The import a name refers to, unless a local binding shadows it."""
        name = node_text(ident)
        binding = self.imports.get(name)
        if binding is None or self._shadowed_by_parameter(ident, name):
            return None
        if name in self.local_functions:
            return None
        return binding

    def callee(self, call: Node) -> tuple[str, str] | None:
        """(module, exported name) reached by a call or ``new``, or None.

        ``cors()`` with ``import cors from 'cors'`` -> ('cors', 'default');
        ``jwt.sign()`` with a default or namespace import -> ('jsonwebtoken', 'sign');
        ``require('cors')()`` -> ('cors', 'default')."""
        key = call.id
        if key not in self._references:
            self._references[key] = self.reference(call_function(call))
        return self._references[key]

    def reference(self, node: Node | None) -> tuple[str, str] | None:
        """(module, name) an expression refers to, as ``callee`` does."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            binding = self.import_of(node)
            if binding is None:
                return None
            imported = "default" if binding.imported == "*" else binding.imported
            return (binding.module, imported)
        if node.type == "call_expression":
            return self.required_module(node)
        if node.type == "member_expression":
            obj = unwrap(node.child_by_field_name("object"))
            prop = node_text(node.child_by_field_name("property"))
            base = self.reference(obj)
            if base is not None and base[1] in ("default", "*"):
                return (base[0], "default" if prop == "default" else prop)
        return None

    def _shadowed_by_parameter(self, ident: Node, name: str) -> bool:
        for parent in ancestors(ident):
            kind = parent.type
            if (kind in FUNCTION_TYPES or kind == "catch_clause") and name in self._parameters(
                parent
            ):
                return True
        return False

    def _parameters(self, scope: Node) -> frozenset[str]:
        """The names a function's parameters (or a catch clause's) bind, read once per
        scope: every name looked up inside a function asks its parameters again."""
        key = scope.id
        found = self._parameter_names.get(key)
        if found is None:
            if scope.type == "catch_clause":
                caught = scope.child_by_field_name("parameter")
                params = [caught] if caught is not None else []
            else:
                params = function_parameters(scope)
            found = frozenset(name for param in params for name in pattern_names(param))
            self._parameter_names[key] = found
        return found

    def binding_of(self, ident: Node) -> Node | None:
        """The declarator that a name refers to in the nearest enclosing scope,
        or None for a parameter, an import, a global or an ambiguous binding."""
        name = node_text(ident)
        candidates = self.declarators.get(name)
        if not candidates:
            return None
        scopes = self._binding_scopes.get(name)
        if scopes is None:  # once per name: a file with many same-named locals stays linear
            scopes = {}
            for decl in candidates:
                scope = self._scope_of(decl)
                scopes.setdefault(scope.id if scope is not None else -1, []).append(decl)
            self._binding_scopes[name] = scopes
        for parent in ancestors(ident):
            kind = parent.type
            if (kind in FUNCTION_TYPES or kind == "catch_clause") and name in self._parameters(
                parent
            ):
                return None
            found = scopes.get(parent.id)
            if found:
                return found[0] if len(found) == 1 else None
        return None

    @staticmethod
    def _scope_of(decl: Node) -> Node | None:
        for parent in ancestors(decl):
            if parent.type in SCOPE_TYPES:
                return parent
        return None

    @staticmethod
    def declaration_kind(declarator: Node) -> str:
        parent = declarator.parent
        if parent is None:
            return ""
        first = parent.children[0] if parent.children else None
        return node_text(first) if first is not None else ""

    # -- values -------------------------------------------------------------

    def value(self, node: Node | None, depth: int = 0) -> Value:
        """Evaluate an expression as far as this file allows."""
        if node is None:
            return Unknown(None, "missing")
        if depth > MAX_DEPTH:
            return Unknown(node, "too deep")
        node = unwrap(node)
        if node is None:
            return Unknown(None, "missing")
        handler = _EVALUATORS.get(node.type)
        if handler is None:
            return Unknown(node, node.type)
        # each node is evaluated once per file: without the memo, nested fallbacks
        # and references re-evaluate shared subexpressions exponentially often
        key = node.id
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        if key in self._evaluating:  # a cycle through bindings
            return Unknown(node, "cycle")
        self._evaluating.add(key)
        try:
            result = handler(self, node, depth + 1)
        finally:
            self._evaluating.discard(key)
        self._memo[key] = result
        return result

    def _string(self, node: Node, depth: int) -> Value:
        return Str(node, string_value(node))

    def _template(self, node: Node, depth: int) -> Value:
        parts: list[Value] = []
        text = []
        known = True
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                part = self.value(inner, depth)
                parts.append(part)
                if isinstance(part, Str | Num):
                    text.append(part.value if isinstance(part, Str) else _number_text(part))
                else:
                    known = False
            elif child.type in ("string_fragment", "escape_sequence"):
                piece = node_text(child)
                if child.type == "escape_sequence":
                    piece = _ESCAPES.sub(_decode_escape, piece)
                parts.append(Str(child, piece))
                text.append(piece)
        if known:
            return Str(node, "".join(text))
        return Template(node, tuple(parts))

    def _number(self, node: Node, depth: int) -> Value:
        text = node_text(node).replace("_", "")
        try:
            if text.lower().startswith(("0x", "0o", "0b")):
                return Num(node, float(int(text, 0)))
            return Num(node, float(text.rstrip("n")))
        except ValueError:
            return Unknown(node, "number")

    def _true(self, node: Node, depth: int) -> Value:
        return Bool(node, True)

    def _false(self, node: Node, depth: int) -> Value:
        return Bool(node, False)

    def _null(self, node: Node, depth: int) -> Value:
        return Null(node)

    def _undefined(self, node: Node, depth: int) -> Value:
        return Undefined(node)

    def _regex(self, node: Node, depth: int) -> Value:
        pattern = node_text(node.child_by_field_name("pattern"))
        flags = node_text(node.child_by_field_name("flags"))
        return Regex(node, pattern, flags)

    def _function(self, node: Node, depth: int) -> Value:
        return Func(node)

    def _object(self, node: Node, depth: int) -> Value:
        pairs: dict[str, Node] = {}
        values: dict[str, Node] = {}
        keys: list[str] = []
        has_spread = False
        for child in node.named_children:
            if child.type == "pair":
                key = self.property_key(child.child_by_field_name("key"), depth)
                value = child.child_by_field_name("value")
                if key is None:
                    has_spread = True  # a computed key we cannot name
                    continue
                if value is not None:
                    pairs[key], values[key] = child, value
                    keys.append(key)
            elif child.type == "shorthand_property_identifier":
                key = node_text(child)
                pairs[key], values[key] = child, child
                keys.append(key)
            elif child.type == "method_definition":
                key = node_text(child.child_by_field_name("name"))
                pairs[key], values[key] = child, child
                keys.append(key)
            elif child.type == "spread_element":
                has_spread = True
        return Obj(node, tuple(keys), has_spread, pairs, values, lambda n: self.value(n, depth))

    def property_key(self, key: Node | None, depth: int = 0) -> str | None:
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier", "private_property_identifier"):
            return node_text(key)
        if key.type == "string":
            return string_value(key)
        if key.type == "number":
            return node_text(key)
        if key.type == "computed_property_name" and key.named_children:
            inner = self.value(key.named_children[0], depth)
            if isinstance(inner, Str):
                return inner.value
        return None

    def _array(self, node: Node, depth: int) -> Value:
        items = []
        has_spread = False
        for child in node.named_children:
            if child.type == "spread_element":
                has_spread = True
            elif child.type != "comment":
                items.append(self.value(child, depth))
        return Arr(node, tuple(items), has_spread)

    def _identifier(self, node: Node, depth: int) -> Value:
        name = node_text(node)
        if name == "undefined":
            return Undefined(node)
        declarator = self.binding_of(node)
        if declarator is None:
            return Unknown(node, "unbound")
        kind = self.declaration_kind(declarator)
        if kind != "const" and name in self.reassigned:
            return Unknown(node, "reassigned")
        return self._declared_value(declarator, name, depth)

    def _declared_value(self, declarator: Node, name: str, depth: int) -> Value:
        pattern = declarator.child_by_field_name("name")
        init = declarator.child_by_field_name("value")
        if pattern is None:
            return Unknown(declarator, "declarator")
        if pattern.type == "identifier":
            if init is None:
                return Unknown(declarator, "uninitialised")
            return self.value(init, depth)
        if pattern.type == "object_pattern":
            return self._destructured(pattern, name, init, depth)
        return Unknown(declarator, "pattern")

    def _destructured(self, pattern: Node, name: str, init: Node | None, depth: int) -> Value:
        """``const { a, b: c, d = 'x' } = source`` for the local ``name``."""
        source = self.value(init, depth)
        for prop in pattern.named_children:
            key: str | None
            default: Node | None = None
            if prop.type == "shorthand_property_identifier_pattern":
                key = local = node_text(prop)
            elif prop.type == "object_assignment_pattern":
                left = prop.child_by_field_name("left")
                key = local = node_text(left)
                default = prop.child_by_field_name("right")
            elif prop.type == "pair_pattern":
                key = self.property_key(prop.child_by_field_name("key"), depth)
                target = prop.child_by_field_name("value")
                if target is not None and target.type == "assignment_pattern":
                    default = target.child_by_field_name("right")
                    target = target.child_by_field_name("left")
                local = node_text(target)
            else:
                continue
            if local != name or key is None:
                continue
            fallback = self.value(default, depth) if default is not None else None
            if _is_process_env(init):
                return EnvRead(prop, key, fallback)
            if isinstance(source, Obj) and not source.has_spread and source.has(key):
                found = source.get(key)
                return found if found is not None else Unknown(prop, "destructured")
            if fallback is not None and isinstance(source, Obj) and not source.has_spread:
                return fallback
            return Unknown(prop, "destructured")
        return Unknown(pattern, "destructured")

    def _member(self, node: Node, depth: int) -> Value:
        obj = unwrap(node.child_by_field_name("object"))
        prop_node = node.child_by_field_name("property") or node.child_by_field_name("index")
        if node.type == "subscript_expression":
            key_value = self.value(prop_node, depth)
            prop = key_value.value if isinstance(key_value, Str) else None
        else:
            prop = node_text(prop_node)
        if prop is None or obj is None:
            return Unknown(node, "member")
        if _is_process_env(obj):
            return EnvRead(node, prop, None)
        if obj.type == "this":
            return self._this_field(node, prop, depth)
        base = self.value(obj, depth)
        if isinstance(base, Obj) and not base.has_spread:
            found = base.get(prop)
            if found is not None:
                return found
        return Unknown(node, "member")

    def _this_field(self, node: Node, prop: str, depth: int) -> Value:
        """``this.x``: a class field initialiser, or one constructor assignment."""
        source = self.field_source(node, prop)
        return self.value(source, depth) if source is not None else Unknown(node, "this")

    def field_source(self, node: Node, prop: str) -> Node | None:
        """The expression ``this.prop`` holds where ``node`` stands: the class field's
        initialiser or its one constructor assignment; None when there are several,
        or any assignment outside the constructor."""
        cls = enclosing_class(node)
        if cls is None:
            return None
        found = self._field_sources(cls).get(prop, [])
        return found[0] if len(found) == 1 else None

    def _field_sources(self, cls: Node) -> dict[str, list[Node | None]]:
        """Per class, once: each field's initialiser and every ``this.x = …``
        (None for an assignment outside the constructor: the field is then unknown)."""
        cached = self._fields.get(cls.id)
        if cached is not None:
            return cached
        sources: dict[str, list[Node | None]] = defaultdict(list)
        body = cls.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            if member.type in ("public_field_definition", "field_definition"):
                name = member.child_by_field_name("name") or member.child_by_field_name("property")
                value = member.child_by_field_name("value")
                if value is not None:
                    sources[node_text(name)].append(value)
        for assignment in self._this_assignments:
            if enclosing_class(assignment) != cls:
                continue
            left = unwrap(assignment.child_by_field_name("left"))
            prop = node_text(left.child_by_field_name("property")) if left is not None else ""
            method = next((a for a in ancestors(assignment) if a.type == "method_definition"), None)
            in_constructor = (
                method is not None
                and node_text(method.child_by_field_name("name")) == "constructor"
            )
            sources[prop].append(
                assignment.child_by_field_name("right") if in_constructor else None
            )
        self._fields[cls.id] = sources
        return sources

    def _binary(self, node: Node, depth: int) -> Value:
        operator = node_text(node.child_by_field_name("operator"))
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if operator in ("||", "??"):
            left = self.value(left_node, depth)
            if isinstance(left, EnvRead) and left.fallback is None:
                return EnvRead(node, left.name, self.value(right_node, depth))
            if isinstance(left, ConfigRead) and left.fallback is None and not left.required:
                return ConfigRead(node, left.key, self.value(right_node, depth))
            if isinstance(left, Str | Num | Bool):
                truthy = bool(left.value)
                if operator == "||":
                    return left if truthy else self.value(right_node, depth)
                return left
            if isinstance(left, Null | Undefined):
                return self.value(right_node, depth)
            return Unknown(node, operator)
        if operator == "+":
            left = self.value(left_node, depth)
            right = self.value(right_node, depth)
            if isinstance(left, Str) and isinstance(right, Str | Num):
                return Str(node, left.value + _plain(right))
            if isinstance(left, Num) and isinstance(right, Str):
                return Str(node, _number_text(left) + right.value)
            if isinstance(left, Num) and isinstance(right, Num):
                return Num(node, left.value + right.value)
            if isinstance(left, Str) or isinstance(right, Str):
                return Template(node, (left, right))
            return Unknown(node, "+")
        return Unknown(node, operator)

    def _ternary(self, node: Node, depth: int) -> Value:
        condition = node.child_by_field_name("condition")
        return Choice(
            node,
            condition,
            self.value(node.child_by_field_name("consequence"), depth),
            self.value(node.child_by_field_name("alternative"), depth),
        )

    def _call(self, node: Node, depth: int) -> Value:
        fn = call_function(node)
        if fn is not None and fn.type == "member_expression":
            method = node_text(fn.child_by_field_name("property"))
            receiver = node_text(unwrap(fn.child_by_field_name("object")))
            args = call_arguments(node)
            key = self.value(args[0], depth) if args and method in CONFIG_GETTERS else None
            if isinstance(key, Str) and CONFIG_RECEIVER.search(receiver):
                fallback = None
                if method == "get" and len(args) > 1 and args[1].type != "object":
                    fallback = self.value(args[1], depth)
                return ConfigRead(node, key.value, fallback, method == "getOrThrow")
        return Unknown(node, "call")

    def _new(self, node: Node, depth: int) -> Value:
        ctor = node_text(node.child_by_field_name("constructor"))
        args = call_arguments(node)
        if ctor == "RegExp" and args:
            pattern = self.value(args[0], depth)
            flags = self.value(args[1], depth) if len(args) > 1 else Str(None, "")
            if isinstance(pattern, Str) and isinstance(flags, Str):
                return Regex(node, pattern.value, flags.value)
        return Unknown(node, "new")


def _plain(value: Str | Num) -> str:
    return value.value if isinstance(value, Str) else _number_text(value)


def _number_text(value: Num) -> str:
    number = value.value
    return str(int(number)) if number.is_integer() else repr(number)


def _is_process_env(node: Node | None) -> bool:
    node = unwrap(node)
    return (
        node is not None
        and node.type == "member_expression"
        and node_text(node) in ("process.env", "process?.env")
    )


_EVALUATORS = {
    "string": Semantics._string,
    "template_string": Semantics._template,
    "number": Semantics._number,
    "true": Semantics._true,
    "false": Semantics._false,
    "null": Semantics._null,
    "undefined": Semantics._undefined,
    "regex": Semantics._regex,
    "function_expression": Semantics._function,
    "function": Semantics._function,
    "arrow_function": Semantics._function,
    "method_definition": Semantics._function,
    "object": Semantics._object,
    "array": Semantics._array,
    "identifier": Semantics._identifier,
    "shorthand_property_identifier": Semantics._identifier,
    "member_expression": Semantics._member,
    "subscript_expression": Semantics._member,
    "binary_expression": Semantics._binary,
    "ternary_expression": Semantics._ternary,
    "call_expression": Semantics._call,
    "new_expression": Semantics._new,
}
