"""SEC007 insecure-jwt-verification: tokens accepted without a real check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.jwt import calls_verify, is_jwt_service_call, jsonwebtoken_function
from readylint.patterns import descendants
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    WRAPPER_TYPES,
    Semantics,
    ancestors,
    call_name,
    member_name,
    node_text,
    parent_of,
    unwrap,
)
from readylint.values import Arr, Bool, Str, Value

if TYPE_CHECKING:
    from tree_sitter import Node

# claims that say who the caller is or what it may do
IDENTITY_CLAIMS = frozenset({"sub", "id", "userId", "role", "roles", "scope", "email"})
# where a request's authenticated user is kept: `<holder>.user`
USER_HOLDERS = frozenset({"req", "request", "ctx.state", "res.locals", "context.state"})
# calls that take options but do not verify: the options there change nothing
NON_VERIFYING = frozenset({"sign", "signAsync", "decode"})
LOGGING = re.compile(
    r"^(console|(this\.)?(logger|log|_logger)|\w*[lL]ogger)\.(log|info|warn|error|debug|trace|verbose)$"
)
PASS_THROUGH = WRAPPER_TYPES | {"await_expression"}
JWT_MODULE = re.compile(r"jwt|jsonwebtoken|jose|passport", re.I)
JWT_CONTEXT = re.compile(r"jwt|token|verif|strategy", re.I)


class InsecureJwtVerification(Rule):
    code = "SEC007"
    name = "insecure-jwt-verification"
    angle = "security"
    level = Level.ERROR
    summary = "JWT verification accepts unsigned or expired tokens, or decodes without verifying"
    tags = ("security", "jwt", "authentication", "external/cwe/cwe-347")
    precision = "high"
    security_severity = 8.8
    captures = ("call", "pair", "assignment")
    needles = (b"ignoreExpiration", b"algorithms", b"decode")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        # an option is named in this file (a computed key resolves to a constant that
        # holds the name here too); "decode" alone brought most files
        options = any(word in ctx.mentions for word in (b"ignoreExpiration", b"algorithms"))
        # jsonwebtoken's decode may be imported under any name; otherwise only decode()
        calls = (
            ctx.captures["call"] if b"jsonwebtoken" in ctx.mentions else ctx.calls.named("decode")
        )
        if not options and not calls:
            return
        sem = ctx.semantics
        # outside JWT code, `algorithms: ['none']` may be a compression or hash setting
        jwt_file = any(JWT_MODULE.search(b.module) for b in sem.imports.values())
        if options:
            for pair in ctx.captures["pair"]:
                key = sem.property_key(pair.child_by_field_name("key"))
                if key in ("ignoreExpiration", "algorithms") and not _in_non_verifying_call(pair):
                    yield from self._check_option(
                        sem, key, pair, pair.child_by_field_name("value"), jwt_file
                    )
            for assignment in ctx.captures["assignment"]:
                yield from self._check_option_assignment(sem, assignment, jwt_file)
        for call in calls:
            if _is_jwt_decode(sem, call):
                yield from self._check_decode(call)

    # -- verify options: algorithms with 'none', ignoreExpiration: true -------------

    def _check_option(
        self, sem: Semantics, key: str, where: Node, value_node: Node | None, jwt_file: bool
    ) -> Iterator[Report]:
        value = sem.value(value_node)
        if key == "ignoreExpiration":
            if isinstance(value, Bool) and value.value:
                yield Report(
                    where,
                    "JWT verification sets ignoreExpiration: true, so expired tokens are accepted "
                    "forever; remove it so that tokens stop working when they expire",
                )
            return
        if not jwt_file and not _in_jwt_context(where):
            return
        for literal in _none_algorithms(value):
            yield Report(
                literal,
                "JWT verification allows the 'none' algorithm, so an unsigned token with any "
                "claims is accepted; list only the algorithms you sign with, such as ['HS256']",
            )

    def _check_option_assignment(
        self, sem: Semantics, node: Node, jwt_file: bool
    ) -> Iterator[Report]:
        """``opts.ignoreExpiration = true``, as in the passport-jwt README."""
        if node.type != "assignment_expression":
            return
        left = unwrap(node.child_by_field_name("left"))
        if left is None or left.type != "member_expression":
            return
        key = node_text(left.child_by_field_name("property"))
        if key in ("ignoreExpiration", "algorithms"):
            yield from self._check_option(
                sem, key, node, node.child_by_field_name("right"), jwt_file
            )

    # -- jwt.decode(...) used to authenticate ---------------------------------------------

    def _check_decode(self, call: Node) -> Iterator[Report]:
        scopes = [p for p in ancestors(call) if p.type in FUNCTION_TYPES]
        # The outermost function holds every enclosing one: a verify anywhere in it
        # (before the decode, or around it as in `jwt.verify(t, k, () => …)`) counts.
        outermost = scopes[-1] if scopes else _root(call)
        if calls_verify(outermost):
            return
        if _authenticates_with(call, scopes[0] if scopes else outermost):
            fix = (
                "jwtService.verifyAsync()"
                if member_name(call) == "decode" and is_jwt_service_call(call)
                else "jwt.verify() with the secret and an algorithms list"
            )
            yield Report(
                call,
                f"{call_name(call)}() decodes the token without checking its signature and its "
                f"claims are used to authenticate, so anyone can forge them; use {fix} instead",
            )


def _is_jwt_decode(sem: Semantics, call: Node) -> bool:
    if jsonwebtoken_function(sem, call) == "decode":
        return True
    return member_name(call) == "decode" and is_jwt_service_call(call)


def _none_algorithms(value: Value) -> Iterator[Node]:
    items = value.items if isinstance(value, Arr) else (value,)
    for item in items:
        if isinstance(item, Str) and item.value.strip().lower() == "none" and item.node is not None:
            yield item.node


def _in_jwt_context(node: Node) -> bool:
    """Do the names around an option (``jwt: { … }``, ``const verifyOptions``,
    ``new JwtStrategy(…)``) say it configures JWT verification?"""
    for parent in ancestors(node):
        if parent.type == "pair":
            name = node_text(parent.child_by_field_name("key"))
        elif parent.type in ("variable_declarator", "public_field_definition", "field_definition"):
            name = node_text(parent.child_by_field_name("name"))
        elif parent.type in ("call_expression", "new_expression"):
            name = call_name(parent)
        else:
            continue
        if JWT_CONTEXT.search(name):
            return True
    return False


def _in_non_verifying_call(pair: Node) -> bool:
    """Is the pair's object an argument of ``sign``/``decode``, where these keys do nothing?"""
    obj = parent_of(pair)
    args = parent_of(obj) if obj is not None else None
    call = parent_of(args) if args is not None and args.type == "arguments" else None
    return call is not None and member_name(call) in NON_VERIFYING


def _root(node: Node) -> Node:
    while (parent := parent_of(node)) is not None:
        node = parent
    return node


def _authenticates_with(call: Node, scope: Node) -> bool:
    """Are the decoded claims used as identity: an identity claim read from the
    result (directly, through a variable, or destructured), or the result stored
    as the request's user? Reads that only feed a log line do not count."""
    node = call
    parent = parent_of(node)
    while parent is not None and (parent.type in PASS_THROUGH or _is_default(parent, node)):
        node, parent = parent, parent_of(parent)
    if parent is None:
        return False
    if parent.type == "member_expression":
        return _reads_identity(parent)
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        if _is_user_slot(left):
            return True
        if left is not None and left.type == "identifier":
            return _variable_authenticates(node_text(left), scope)
        return False
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is None:
            return False
        if name.type == "object_pattern":
            return _pattern_takes_identity(name)
        if name.type == "identifier":
            return _variable_authenticates(node_text(name), scope)
    return False


def _is_user_slot(node: Node | None) -> bool:
    """``req.user``, ``(req as any).user``, ``request['user']``, ``ctx.state.user``."""
    node = unwrap(node)
    if node is None or node.type not in ("member_expression", "subscript_expression"):
        return False
    if node.type == "member_expression":
        key = node_text(node.child_by_field_name("property"))
    else:
        index = node.child_by_field_name("index")
        key = node_text(index)[1:-1] if index is not None and index.type == "string" else ""
    holder = unwrap(node.child_by_field_name("object"))
    return key == "user" and node_text(holder).replace("?.", ".") in USER_HOLDERS


def _is_default(parent: Node, node: Node) -> bool:
    """``jwt.decode(token) || {}``: the decoded value with a fallback."""
    left = parent.child_by_field_name("left")
    return (
        parent.type == "binary_expression"
        and left is not None
        and left.id == node.id
        and node_text(parent.child_by_field_name("operator")) in ("||", "??")
    )


def _reads_identity(member: Node) -> bool:
    """``decoded.sub``, ``decoded.payload.role`` (``complete: true``), ``decoded['userId']``."""
    prop = node_text(member.child_by_field_name("property"))
    outer = parent_of(member)
    if prop == "payload" and outer is not None and outer.type == "member_expression":
        member = outer  # one level is all `complete: true` adds
        prop = node_text(member.child_by_field_name("property"))
    return prop in IDENTITY_CLAIMS and not _only_logged(member)


def _pattern_takes_identity(pattern: Node) -> bool:
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            key = node_text(prop)
        elif prop.type in ("pair_pattern", "object_assignment_pattern"):
            key = node_text(prop.child_by_field_name("key") or prop.child_by_field_name("left"))
        else:
            continue
        if key in IDENTITY_CLAIMS:
            return True
        if key == "payload" and prop.type == "pair_pattern":
            inner = prop.child_by_field_name("value")
            if inner is not None and inner.type == "object_pattern" and _takes_identity(inner):
                return True
    return False


def _takes_identity(pattern: Node) -> bool:
    """``{ sub, role }`` inside ``{ payload: { … } }``: one level, no recursion."""
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            key = node_text(prop)
        elif prop.type == "pair_pattern":
            key = node_text(prop.child_by_field_name("key"))
        elif prop.type == "object_assignment_pattern":
            key = node_text(prop.child_by_field_name("left"))
        else:
            continue
        if key in IDENTITY_CLAIMS:
            return True
    return False


def _variable_authenticates(name: str, scope: Node) -> bool:
    for node in descendants(scope):
        if node.type == "member_expression":
            obj = unwrap(node.child_by_field_name("object"))
            if (
                obj is not None
                and obj.type == "identifier"
                and node_text(obj) == name
                and _reads_identity(node)
            ):
                return True
        elif node.type == "subscript_expression":
            obj = unwrap(node.child_by_field_name("object"))
            index = node.child_by_field_name("index")
            if (
                obj is not None
                and node_text(obj) == name
                and index is not None
                and index.type == "string"
                and node_text(index)[1:-1] in IDENTITY_CLAIMS
                and not _only_logged(node)
            ):
                return True
        elif node.type == "assignment_expression":
            right = unwrap(node.child_by_field_name("right"))
            if (
                _is_user_slot(node.child_by_field_name("left"))
                and right is not None
                and node_text(right) == name
            ):
                return True
        elif node.type == "variable_declarator":
            pattern = node.child_by_field_name("name")
            value = unwrap(node.child_by_field_name("value"))
            if (
                pattern is not None
                and pattern.type == "object_pattern"
                and value is not None
                and node_text(value) == name
                and _pattern_takes_identity(pattern)
            ):
                return True
    return False


def _only_logged(node: Node) -> bool:
    """Is this read an argument of a logging call (``logger.info('…', decoded.sub)``)?"""
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES or parent.type.endswith("statement"):
            return False
        if parent.type == "call_expression" and LOGGING.match(call_name(parent)):
            return True
    return False
