"""SEC008 error-details-leak: an HTTP response carries internal error details."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readylint import needles
from readylint.findings import Level
from readylint.guards import is_development_only
from readylint.needles import Mentions
from readylint.patterns import descendants
from readylint.queries import holding
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    Semantics,
    ancestors,
    call_arguments,
    call_function,
    call_receiver,
    enclosing_class,
    function_parameters,
    member_name,
    node_text,
    parameter_name,
    parent_of,
    pattern_names,
    string_value,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

SEND_METHODS = frozenset({"json", "send", "end", "write", "jsonp"})
# calls between `res` and the send: res.status(500).set(…).json(…)
CHAIN_METHODS = frozenset(
    {
        "status", "code", "type", "set", "header", "headers", "append", "vary", "contentType",
        "setHeader", "cookie", "clearCookie", "location", "charset", "removeHeader",
    }
)  # fmt: skip
RESPONSE_NAME = re.compile(r"^_?(res|resp|response|reply|httpResponse|rawResponse)$")
KOA_BODY = re.compile(r"^(ctx|context|c)(\.response)?\.body$")
NEST_EXCEPTIONS = frozenset(
    {
        "BadRequestException", "UnauthorizedException", "NotFoundException",
        "ForbiddenException", "NotAcceptableException", "RequestTimeoutException",
        "ConflictException", "GoneException", "HttpVersionNotSupportedException",
        "PayloadTooLargeException", "UnsupportedMediaTypeException",
        "UnprocessableEntityException", "InternalServerErrorException",
        "NotImplementedException", "ImATeapotException", "MethodNotAllowedException",
        "BadGatewayException", "ServiceUnavailableException", "GatewayTimeoutException",
        "PreconditionFailedException", "MisdirectedException",
    }
)  # fmt: skip
ARRAY_CALLBACKS = frozenset(
    {
        "map", "forEach", "filter", "find", "findIndex", "some", "every", "reduce",
        "reduceRight", "flatMap", "sort", "findLast", "findLastIndex",
    }
)  # fmt: skip
NODE_CALLBACK_ERROR = re.compile(r"^_?(err|error|er)$")
REQUEST_NAME = re.compile(r"^_?(req|request)$")
NAMES = ("identifier", "shorthand_property_identifier")
MAX_ALIASES = 4  # const e = err as Error; const error = e; …
MAX_FOLLOW = 2  # local variables followed from a response body (body -> payload -> message)
FIX = "log it on the server and send a generic message"
EXCEPTION_WORD = needles.declare(b"exception")
BODY_WORD = needles.declare(b"body")
# what a leak is sent through, as whole names (res.json, ctx.body) or anywhere in a name
SINK_NAMES = needles.declare(*(name.encode() for name in sorted(SEND_METHODS)), b"body")
_SINK_KEYS = needles.keys((b"exception", b"errorhandler"))


@dataclass(frozen=True)
class Leak:
    node: Node
    kind: str  # "stack", "object" or "message"
    name: str  # the error variable's name


class ErrorDetailsLeak(Rule):
    code = "SEC008"
    name = "error-details-leak"
    angle = "security"
    level = Level.WARNING
    summary = "an HTTP response carries an error's stack trace, object or message"
    tags = ("security", "error-handling", "external/cwe/cwe-209")
    precision = "high"
    security_severity = 5.3
    captures = ("call", "new", "assignment")
    needles = (b"catch", b"then", b"err", b"exception", b"stack", b"message")

    def wants(self, mentions: Mentions, options: dict[str, Any]) -> bool:
        """An error word, and something that can send it: a send method or Koa's body
        named as such, a Nest exception, or errorhandler."""
        return super().wants(mentions, options) and (
            mentions.any_key(_SINK_KEYS) or mentions.any_name(SINK_NAMES)
        )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        # resolving every callee is costly; only a file that imports errorhandler needs it
        uses_errorhandler = b"errorhandler" in ctx.mentions and any(
            b.module == "errorhandler" for b in ctx.semantics.imports.values()
        )
        calls = ctx.captures["call"] if uses_errorhandler else ctx.calls.named(*SEND_METHODS)
        # every Nest exception (and HttpException) is named ...Exception; Koa's body is
        # set as `ctx.body = …`
        mentions = ctx.mentions
        news = holding(ctx.captures["new"], mentions.starts(EXCEPTION_WORD))
        assignments = holding(ctx.captures["assignment"], mentions.starts(BODY_WORD))
        if not (calls or news or assignments):
            return
        sem = ctx.semantics
        for call in calls:
            reference = sem.callee(call) if uses_errorhandler else None
            if reference is not None and reference[0] == "errorhandler":
                yield from self._check_errorhandler(sem, call)
            elif member_name(call) in SEND_METHODS and _is_response(call_receiver(call)):
                yield from self._check_response(sem, call, call_arguments(call))
        for new in news:
            yield from self._check_exception(sem, new)
        for assignment in assignments:
            left = unwrap(assignment.child_by_field_name("left"))
            if assignment.type == "assignment_expression" and KOA_BODY.match(node_text(left)):
                right = assignment.child_by_field_name("right")
                yield from self._check_response(sem, assignment, [right] if right else [])

    def _check_errorhandler(self, sem: Semantics, call: Node) -> Iterator[Report]:
        if not is_development_only(sem, call):
            yield Report(
                call,
                "errorhandler() sends stack traces and source to the client and is meant for "
                "development; use it only when NODE_ENV is 'development'",
            )

    def _check_exception(self, sem: Semantics, new: Node) -> Iterator[Report]:
        name = node_text(new.child_by_field_name("constructor")).rsplit(".", 1)[-1]
        args = call_arguments(new)
        if not args:
            return
        if name not in NEST_EXCEPTIONS and name != "HttpException":
            return
        bodies = [args[0]]
        if name != "HttpException" and len(args) > 1:
            # a string second argument becomes the body's `error` field
            second = unwrap(args[1])
            if second is not None and second.type != "object":
                bodies.append(second)
        yield from self._check_response(sem, new, bodies)

    def _check_response(self, sem: Semantics, sink: Node, bodies: list[Node]) -> Iterator[Report]:
        leaks: list[Leak] = []
        for body in bodies:
            leaks.extend(_leaks_in(sem, body, 0))
        leaks = [leak for leak in leaks if not is_development_only(sem, leak.node)]
        if not leaks or is_development_only(sem, sink):
            return
        for kind in ("stack", "object", "message"):
            found = next((leak for leak in leaks if leak.kind == kind), None)
            if found is not None:
                yield _report(found)
                return


def _report(leak: Leak) -> Report:
    if leak.kind == "stack":
        return Report(
            leak.node,
            f"the stack trace of `{leak.name}` is sent in the HTTP response, exposing file "
            f"paths, libraries and code structure; {FIX}, or add the stack only when "
            "NODE_ENV is not 'production'",
        )
    if leak.kind == "object":
        return Report(
            leak.node,
            f"the whole error object `{leak.name}` is sent in the HTTP response, so its internal "
            f"fields (SQL, hosts, paths) reach the client; {FIX}",
        )
    return Report(
        leak.node,
        f"the message of `{leak.name}` is sent in the HTTP response and may reveal internals; "
        "send a curated message for unexpected errors",
        level=Level.NOTE,
    )


# -- responses ---------------------------------------------------------------------


def _is_response(receiver: Node | None) -> bool:
    """``res``, ``reply``, ``res.status(500)``, ``host.switchToHttp().getResponse()``."""
    node = unwrap(receiver)
    for _ in range(16):
        if node is None:
            return False
        if node.type == "identifier":
            return bool(RESPONSE_NAME.match(node_text(node)))
        if node.type == "member_expression":  # this.res, ctx.res
            return bool(RESPONSE_NAME.match(node_text(node.child_by_field_name("property"))))
        if node.type != "call_expression":
            return False
        method = member_name(node)
        if method == "getResponse":
            return True
        if method not in CHAIN_METHODS:
            return False
        node = call_receiver(node)
    return False


# -- what a body sends ---------------------------------------------------------------


def _leaks_in(sem: Semantics, body: Node, depth: int) -> Iterator[Leak]:
    root = unwrap(body)
    if root is None:
        return
    nodes = [root]
    if root.type not in FUNCTION_TYPES:
        nodes.extend(n for n in descendants(root, 2000) if not _inside_function(n, root))
    for node in nodes:
        leak = _leak_at(sem, node, root)
        if leak is not None:
            yield leak
        elif depth < MAX_FOLLOW and node.type in NAMES and _in_value_position(node, root):
            value = _local_value(sem, node)
            if value is not None:
                yield from _leaks_in(sem, value, depth + 1)


def _inside_function(node: Node, root: Node) -> bool:
    for parent in ancestors(node):
        if parent == root:
            return False
        if parent.type in FUNCTION_TYPES:
            return True
    return False


def _leak_at(sem: Semantics, node: Node, root: Node) -> Leak | None:
    if node.type in ("member_expression", "subscript_expression"):
        prop_node = node.child_by_field_name("property") or node.child_by_field_name("index")
        prop = node_text(prop_node)
        if prop_node is not None and prop_node.type == "string":
            prop = string_value(prop_node)
        obj = unwrap(node.child_by_field_name("object"))
        if prop not in ("stack", "message", "toString") or obj is None:
            return None
        if obj.type != "identifier" or error_kind(sem, obj) != "error":
            return None
        if prop == "toString" and not _is_called(node):
            return None
        if not _sent(node, root):
            return None
        kind = "stack" if prop == "stack" else "message"
        return Leak(node, kind, node_text(obj))
    if node.type not in NAMES:
        return None
    bound = error_kind(sem, node)
    if bound is None:
        return None
    name = node_text(node)
    if bound in ("stack", "message"):
        return Leak(node, bound, name) if _in_value_position(node, root) else None
    parent = _parent(node)
    if parent is not None and parent.type == "template_substitution":
        return Leak(node, "message", name)
    if parent is not None and parent.type == "binary_expression":
        if node_text(parent.child_by_field_name("operator")) == "+":
            return Leak(node, "message", name)
        if node_text(parent.child_by_field_name("operator")) not in ("||", "??", "&&"):
            return None
    if parent is not None and parent.type == "arguments":
        owner = parent_of(parent)
        callee = node_text(call_function(owner)) if owner is not None else ""
        if owner is not None and owner == _sink_of(root):
            return Leak(node, "object", name)
        if callee == "String":
            return Leak(node, "message", name)
        if callee == "JSON.stringify":
            return Leak(node, "object", name)
        if callee in ("util.inspect", "inspect"):
            return Leak(node, "stack", name)
        return None
    if _in_value_position(node, root):
        return Leak(node, "object", name)
    return None


BOOLEAN_METHODS = frozenset(
    {"includes", "startsWith", "endsWith", "test", "some", "every", "has", "indexOf"}
)
COMPARISONS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof", "in"})


def _sent(node: Node, root: Node) -> bool:
    """Does the text itself reach the body (``err.stack.split('\\n')`` does;
    ``err.message.includes('x') ? a : b`` and ``err.stack.length`` do not)?"""
    current = node
    for _ in range(32):
        if current == root:
            return True
        parent = _parent(current)
        if parent is None:
            return False
        if (
            parent.type == "ternary_expression"
            and parent.child_by_field_name("condition") == current
        ):
            return False
        if (
            parent.type == "binary_expression"
            and node_text(parent.child_by_field_name("operator")) in COMPARISONS
        ):
            return False
        if parent.type == "unary_expression":
            return False
        if parent.type == "member_expression":
            prop = node_text(parent.child_by_field_name("property"))
            if prop == "length" or prop in BOOLEAN_METHODS:
                return False
        current = parent
    return False


def _sink_of(root: Node) -> Node | None:
    parent = parent_of(root)
    return parent_of(parent) if parent is not None and parent.type == "arguments" else None


def _parent(node: Node) -> Node | None:
    parent = parent_of(node)
    while parent is not None and parent.type in (
        "parenthesized_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
    ):
        parent = parent_of(parent)
    return parent


def _is_called(member: Node) -> bool:
    parent = parent_of(member)
    return parent is not None and parent.type == "call_expression"


VALUE_PARENTS = frozenset(
    {"pair", "array", "spread_element", "object", "ternary_expression", "binary_expression"}
)


def _in_value_position(node: Node, root: Node) -> bool:
    """Is this expression itself part of the data sent (not a receiver, a callee, a
    condition or a call argument)?"""
    current = node
    for _ in range(32):
        if current == root:
            return True
        parent = _parent(current)
        if parent is None:
            return False
        if parent.type == "pair" and parent.child_by_field_name("value") != current:
            return False
        if (
            parent.type == "ternary_expression"
            and parent.child_by_field_name("condition") == current
        ):
            return False
        if parent.type == "binary_expression" and node_text(
            parent.child_by_field_name("operator")
        ) not in ("||", "??", "&&", "+"):
            return False
        if parent.type not in VALUE_PARENTS and parent != root:
            return False
        current = parent
    return False


def _local_value(sem: Semantics, ident: Node) -> Node | None:
    """The initialiser of a same-file ``const`` the body sends (``res.json(payload)``)."""
    declarator = sem.binding_of(ident)
    if declarator is None:
        return None
    name = declarator.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return None
    return declarator.child_by_field_name("value")


# -- which names hold errors ---------------------------------------------------------


def error_kind(sem: Semantics, ident: Node, depth: int = 0) -> str | None:
    """``error`` when the name is bound as an error (catch parameter, ``.catch``
    callback, ``.then`` rejection callback, Express error handler, Node-style
    callback, Nest exception filter, or a local alias of one), ``stack`` /
    ``message`` for a local destructured from one, else None."""
    name = node_text(ident)
    if depth > MAX_ALIASES:
        return None
    for parent in ancestors(ident):
        if parent.type == "catch_clause":
            caught = parent.child_by_field_name("parameter")
            if caught is not None and name in pattern_names(caught):
                return "error" if caught.type == "identifier" else None
        elif parent.type in FUNCTION_TYPES:
            params = function_parameters(parent)
            for index, param in enumerate(params):
                if name in pattern_names(param):
                    if index == 0 and parameter_name(param) == name:
                        return "error" if _is_error_position(parent, param) else None
                    return None
        elif parent.type in ("statement_block", "program", "switch_body"):
            local = _local_in_scope(sem, name, parent)
            if local is not None:
                return _local_kind(sem, local, name, depth)
    return None


def _local_in_scope(sem: Semantics, name: str, scope: Node) -> Node | None:
    for declarator in sem.declarators.get(name, ()):
        for parent in ancestors(declarator):
            if parent.type in ("statement_block", "program", "switch_body", "class_body"):
                if parent == scope:
                    return declarator
                break
    return None


def _local_kind(sem: Semantics, declarator: Node, name: str, depth: int) -> str | None:
    pattern = declarator.child_by_field_name("name")
    value = unwrap(declarator.child_by_field_name("value"))
    if pattern is None or value is None:
        return None
    if pattern.type == "identifier":
        candidates = [value]
        if value.type == "ternary_expression":
            candidates = [
                unwrap(value.child_by_field_name("consequence")),  # type: ignore[list-item]
                unwrap(value.child_by_field_name("alternative")),  # type: ignore[list-item]
            ]
        for candidate in candidates:
            if (
                candidate is not None
                and candidate.type == "identifier"
                and node_text(candidate) != name
                and error_kind(sem, candidate, depth + 1) == "error"
            ):
                return "error"
        return None
    if pattern.type == "object_pattern" and value.type == "identifier":
        if error_kind(sem, value, depth + 1) != "error":
            return None
        for prop in pattern.named_children:
            if prop.type == "shorthand_property_identifier_pattern" and node_text(prop) == name:
                return name if name in ("stack", "message") else None
            if prop.type == "pair_pattern":
                key = node_text(prop.child_by_field_name("key"))
                if node_text(prop.child_by_field_name("value")) == name and key in (
                    "stack",
                    "message",
                ):
                    return key
    return None


def _is_error_position(function: Node, param: Node) -> bool:
    params = function_parameters(function)
    args = parent_of(function)
    call = parent_of(args) if args is not None and args.type == "arguments" else None
    if call is not None and call.type == "call_expression":
        callback_args = call_arguments(call)
        method = member_name(call)
        if method == "catch" and callback_args and callback_args[0] == function:
            return True
        if method == "then" and len(callback_args) > 1 and callback_args[1] == function:
            return True
    if len(params) == 4 and (
        REQUEST_NAME.match(parameter_name(params[1]))
        or RESPONSE_NAME.match(parameter_name(params[2]))
    ):
        return True  # an Express error handler (err, req, res, next)
    if (
        function.type == "method_definition"
        and node_text(function.child_by_field_name("name")) == "catch"
    ):
        return _is_exception_filter(function, params)
    if call is not None and NODE_CALLBACK_ERROR.match(parameter_name(param)):
        return member_name(call) not in ARRAY_CALLBACKS  # a Node-style callback (err, …)
    return False


def _is_exception_filter(method: Node, params: list[Node]) -> bool:
    if len(params) > 1 and "ArgumentsHost" in node_text(params[1]):
        return True
    cls = enclosing_class(method)
    return cls is not None and "ExceptionFilter" in node_text(
        next((c for c in cls.named_children if c.type == "class_heritage"), None)
    )
