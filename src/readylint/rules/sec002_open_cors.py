"""SEC002 open-cors: any origin may call the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.patterns import (
    first_parameter_name,
    function_reads,
    identifiers_in,
    is_checked_in_function,
    is_request_input,
)
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    Semantics,
    call_arguments,
    call_receiver,
    enclosing_function,
    member_name,
    node_text,
    unwrap,
)
from readylint.values import Arr, Bool, Func, Obj, Regex, Str, Value

if TYPE_CHECKING:
    from tree_sitter import Node

CORS_PACKAGES = frozenset({"cors", "@koa/cors", "kcors"})
FASTIFY_CORS = frozenset({"@fastify/cors", "fastify-cors"})
ALLOW_ORIGIN = "access-control-allow-origin"
HEADER_SETTERS = frozenset({"header", "set", "setHeader", "writeHead", "append", "appendHeader"})
FIX = "set origin to an allowlist of trusted origins"
CREDENTIALS = "; with credentials: true this lets any site act as the logged-in user"


class OpenCors(Rule):
    code = "SEC002"
    name = "open-cors"
    angle = "security"
    level = Level.ERROR
    summary = "CORS configuration lets any origin call the API"
    tags = ("security", "cors", "external/cwe/cwe-942")
    precision = "high"
    security_severity = 7.5
    captures = ("call", "decorator")
    needles = (b"cors", b"access-control-allow-origin")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        sem = ctx.semantics
        for call in ctx.captures["call"]:
            yield from self._check_call(sem, call)
        for decorator in ctx.captures["decorator"]:
            yield from self._check_header_decorator(sem, decorator)

    def _check_call(self, sem: Semantics, call: Node) -> Iterator[Report]:
        callee = sem.callee(call)
        method = member_name(call)
        args = call_arguments(call)
        if callee is not None and callee[0] in CORS_PACKAGES and callee[1] == "default":
            if not args:
                yield Report(
                    call,
                    "cors() is called without options, so every origin may call this API; " + FIX,
                )
            else:
                yield from self._check_options(sem, args[0], missing_origin_is_open=True)
        elif method == "enableCors" and _is_member_call(call):
            if not args:
                yield Report(
                    call,
                    "enableCors() is called without options, so every origin may call this API; "
                    + FIX,
                )
            else:
                yield from self._check_options(sem, args[0], missing_origin_is_open=True)
        elif (
            method == "create" and node_text(call_receiver(call)) == "NestFactory" and len(args) > 1
        ):
            yield from self._check_nest_factory(sem, args[1])
        elif method == "register" and args and _is_member_call(call):
            plugin = sem.reference(args[0])
            if plugin is not None and plugin[0] in FASTIFY_CORS and len(args) > 1:
                yield from self._check_options(sem, args[1], missing_origin_is_open=False)
        elif method in HEADER_SETTERS and _is_member_call(call):
            yield from self._check_header_call(sem, call, method, args)

    def _check_options(
        self, sem: Semantics, node: Node, missing_origin_is_open: bool
    ) -> Iterator[Report]:
        options = sem.value(node)
        if not isinstance(options, Obj):
            return
        credentials = isinstance(options.get("credentials"), Bool) and bool(
            getattr(options.get("credentials"), "value", False)
        )
        if not options.has("origin"):
            if missing_origin_is_open and not options.has_spread and options.node is not None:
                suffix = CREDENTIALS if credentials else ""
                yield Report(
                    options.node,
                    "CORS options have no origin, so every origin may call this API"
                    + suffix
                    + "; "
                    + FIX,
                )
            return
        pair = options.pair("origin")
        origin = options.get("origin")
        if pair is not None and origin is not None:
            yield from self._check_origin(origin, pair, credentials)

    def _check_origin(self, origin: Value, pair: Node, credentials: bool) -> Iterator[Report]:
        suffix = CREDENTIALS if credentials else ""
        if isinstance(origin, Str) and origin.value.strip() == "*":
            yield Report(
                pair, f"CORS origin is '*', so every origin may call this API{suffix}; {FIX}"
            )
        elif isinstance(origin, Bool) and origin.value:
            yield Report(
                pair,
                "CORS origin is true, which reflects any request origin, so every origin may "
                f"call this API{suffix}; {FIX}",
            )
        elif isinstance(origin, Regex) and not _anchored_at_end(origin.pattern):
            yield Report(
                pair,
                f"CORS origin /{origin.pattern}/ is not anchored at the end, so look-alike "
                f"domains such as example.com.attacker.io match{suffix}; end it with $",
            )
        elif isinstance(origin, Arr):
            for item in origin.items:
                if isinstance(item, Regex) and not _anchored_at_end(item.pattern):
                    assert item.node is not None
                    yield Report(
                        item.node,
                        f"CORS origin /{item.pattern}/ is not anchored at the end, so look-alike "
                        "domains match; end it with $",
                    )
        elif isinstance(origin, Func) and origin.node is not None:
            param = first_parameter_name(origin.node)
            if param is None and origin.node.child_by_field_name("parameters") is None:
                return
            if param is None or not function_reads(origin.node, param):
                yield Report(
                    pair,
                    "the CORS origin function never reads the request origin, so it allows every "
                    f"origin{suffix}; check the origin against an allowlist",
                )

    def _check_nest_factory(self, sem: Semantics, node: Node) -> Iterator[Report]:
        options = sem.value(node)
        if not isinstance(options, Obj) or not options.has("cors"):
            return
        cors = options.get("cors")
        pair = options.pair("cors")
        if isinstance(cors, Bool) and cors.value and pair is not None:
            yield Report(
                pair,
                "NestFactory.create() is given cors: true, so every origin may call this API; "
                "pass cors options with an origin allowlist",
            )
        elif isinstance(cors, Obj):
            value_node = options.value_node("cors")
            if value_node is not None:
                yield from self._check_options(sem, value_node, missing_origin_is_open=True)

    def _check_header_call(
        self, sem: Semantics, call: Node, method: str, args: list[Node]
    ) -> Iterator[Report]:
        if method == "writeHead":
            headers = [a for a in args[1:] if a.type == "object" or a.type == "identifier"]
            for node in headers:
                yield from self._check_header_object(sem, call, node)
            return
        if len(args) >= 2:
            name = sem.value(args[0])
            if isinstance(name, Str) and name.value.lower() == ALLOW_ORIGIN:
                yield from self._check_header_value(sem, call, args[1])
        elif len(args) == 1 and method in ("set", "header"):
            yield from self._check_header_object(sem, call, args[0])

    def _check_header_object(self, sem: Semantics, call: Node, node: Node) -> Iterator[Report]:
        headers = sem.value(node)
        if not isinstance(headers, Obj):
            return
        for key in headers.keys:
            if key.lower() == ALLOW_ORIGIN:
                value_node = headers.value_node(key)
                if value_node is not None:
                    yield from self._check_header_value(sem, call, value_node)

    def _check_header_value(self, sem: Semantics, call: Node, node: Node) -> Iterator[Report]:
        value = sem.value(node)
        credentials = _sets_credentials(call)
        suffix = CREDENTIALS if credentials else ""
        if isinstance(value, Str) and value.value.strip() == "*" and value.node is not None:
            yield Report(
                value.node,
                "Access-Control-Allow-Origin is set to '*', so every origin may call this API"
                f"{suffix}; answer with an allowlisted origin",
            )
            return
        if is_request_input(sem, node):
            names = identifiers_in(unwrap(node) or node) | {"origin"}
            names.discard("req")
            names.discard("request")
            names.discard("ctx")
            if not is_checked_in_function(call, names):
                yield Report(
                    call,
                    "Access-Control-Allow-Origin reflects the request's origin without an "
                    f"allowlist check, so every origin may call this API{suffix}; "
                    "check the origin against an allowlist first",
                )

    def _check_header_decorator(self, sem: Semantics, decorator: Node) -> Iterator[Report]:
        call = next((c for c in decorator.named_children if c.type == "call_expression"), None)
        if call is None or node_text(call.child_by_field_name("function")) != "Header":
            return
        args = call_arguments(call)
        if len(args) < 2:
            return
        name = sem.value(args[0])
        value = sem.value(args[1])
        if (
            isinstance(name, Str)
            and name.value.lower() == ALLOW_ORIGIN
            and isinstance(value, Str)
            and value.value.strip() == "*"
            and value.node is not None
        ):
            yield Report(
                value.node,
                "@Header sets Access-Control-Allow-Origin to '*', so every origin may call this "
                "route; answer with an allowlisted origin",
            )


def _is_member_call(call: Node) -> bool:
    return call_receiver(call) is not None


def _anchored_at_end(pattern: str) -> bool:
    return pattern.endswith("$") and not pattern.endswith("\\$")


def _sets_credentials(call: Node) -> bool:
    function = enclosing_function(call)
    scope = function if function is not None else call
    text = node_text(scope).lower()
    return "access-control-allow-credentials" in text
