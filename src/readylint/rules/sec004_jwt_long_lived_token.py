"""SEC004 jwt-long-lived-token: tokens that never expire or live too long."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.jwt import (
    JSONWEBTOKEN,
    config_duration,
    describe_seconds,
    duration_seconds,
    is_jwt_service_call,
    jsonwebtoken_function,
    jwt_module_method,
    jwt_module_options,
    mutated_objects,
    numeric_value,
)
from readylint.rule import FileContext, Option, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    WRAPPER_TYPES,
    Semantics,
    ancestors,
    call_arguments,
    member_name,
    node_text,
    parent_of,
    pattern_names,
    unwrap,
)
from readylint.values import Choice, Func, Null, Obj, Str, Undefined, Unknown, Value

if TYPE_CHECKING:
    from tree_sitter import Node

DEFAULT_MAX = "1d"
DEFAULT_MAX_REFRESH = "30d"
# a JwtModule that holds one of these signs by default with its signOptions
SIGNING_KEYS = ("secret", "privateKey", "secretOrPrivateKey", "secretOrKeyProvider")
# wrappers a token passes through on its way to the name it is stored under
PASS_THROUGH = WRAPPER_TYPES | {"await_expression"}
CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
NEVER_EXPIRES = "so the token never expires and a stolen one works forever"


@dataclass(frozen=True)
class Limits:
    access: float
    refresh: float
    access_label: str
    refresh_label: str


@dataclass(frozen=True)
class Facts:
    """What the checks of one file share."""

    sem: Semantics
    limits: Limits
    mutated: frozenset[str]  # objects given properties after their literal

    def value(self, node: Node | None) -> Value:
        """The evaluator's answer, but unknown for an object the file fills in later."""
        inner = unwrap(node)
        if inner is not None and node_text(inner) in self.mutated:
            return Unknown(inner, "mutated")
        return self.sem.value(node)


class JwtLongLivedToken(Rule):
    code = "SEC004"
    name = "jwt-long-lived-token"
    angle = "security"
    level = Level.WARNING
    summary = "JWT never expires or lives longer than the configured maximum"
    tags = ("security", "jwt", "session", "external/cwe/cwe-613")
    precision = "high"
    security_severity = 5.4
    skips_tests = True
    captures = ("call", "assignment")
    needles = (b"sign", b"JwtModule")
    options = (
        Option("max-lifetime", str, DEFAULT_MAX, "longest expiresIn for access tokens"),
        Option(
            "max-refresh-lifetime", str, DEFAULT_MAX_REFRESH, "longest expiresIn for refresh tokens"
        ),
    )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        sem = ctx.semantics
        # jsonwebtoken's sign may be imported under any name; otherwise only these matter
        if any(b.module == JSONWEBTOKEN for b in sem.imports.values()):
            calls = ctx.captures["call"]
        else:
            calls = ctx.calls.named("sign", "signAsync", "register", "registerAsync")
        if not calls:
            return  # "sign" was in assign/design/signal: nothing to check
        access = config_duration(ctx.options.get("max-lifetime"), DEFAULT_MAX)
        refresh = config_duration(ctx.options.get("max-refresh-lifetime"), DEFAULT_MAX_REFRESH)
        limits = Limits(access, refresh, describe_seconds(access), describe_seconds(refresh))
        assigns = ctx.calls.named("assign")  # Object.assign(options, …)
        facts = Facts(sem, limits, mutated_objects(ctx.captures["assignment"], assigns))
        functions = ctx.captures.get("function", [])
        for call in calls:
            if jsonwebtoken_function(sem, call) == "sign":
                yield from self._check_jsonwebtoken_sign(facts, call)
            elif jwt_module_method(call) is not None:
                for options_node in jwt_module_options(sem, call, functions):
                    yield from self._check_module_options(facts, call, options_node)
            elif member_name(call) in ("sign", "signAsync") and is_jwt_service_call(call):
                yield from self._check_jwt_service_sign(facts, call)

    # -- jsonwebtoken.sign(payload, secret, options, callback) -------------------

    def _check_jsonwebtoken_sign(self, facts: Facts, call: Node) -> Iterator[Report]:
        args = call_arguments(call)
        if not args:
            return
        payload = facts.value(args[0])
        options = _sign_options(facts, args[2] if len(args) > 2 else None)
        if options is None:
            return  # options we cannot read
        if isinstance(options, Obj) and options.has("expiresIn"):
            yield from self._check_lifetime(facts, call, options, payload, "jwt.sign()")
            return
        if isinstance(options, Obj) and options.has_spread:
            return  # the spread may carry expiresIn
        if isinstance(payload, Obj) and not payload.has_spread and not payload.has("exp"):
            yield Report(
                call,
                f"jwt.sign() sets no expiresIn and the payload has no exp, {NEVER_EXPIRES}; "
                "pass { expiresIn: '15m' } (or another short span) in the options",
            )

    # -- this.jwtService.sign(payload, options) -------------------------------------

    def _check_jwt_service_sign(self, facts: Facts, call: Node) -> Iterator[Report]:
        args = call_arguments(call)
        if len(args) < 2:
            return  # the module's signOptions apply; they are checked at JwtModule
        options = facts.value(args[1])
        if isinstance(options, Obj) and options.has("expiresIn"):
            payload = facts.value(args[0])
            where = f"JwtService.{member_name(call)}()"
            yield from self._check_lifetime(facts, call, options, payload, where)

    # -- JwtModule.register / registerAsync -----------------------------------------

    def _check_module_options(self, facts: Facts, call: Node, node: Node) -> Iterator[Report]:
        options = facts.value(node)
        if not isinstance(options, Obj) or options.node is None:
            return
        if not options.has("signOptions"):
            # `JwtModule.register({})` holds no key: every sign call passes its own
            # secret and options, and those calls are checked where they are.
            if not options.has_spread and any(options.has(key) for key in SIGNING_KEYS):
                yield Report(
                    options.node,
                    "JwtModule options have no signOptions.expiresIn, so tokens from "
                    "jwtService.sign(payload) never expire; "
                    "add signOptions: { expiresIn: '15m' }",
                )
            return
        sign_options = options.get("signOptions")
        pair = options.pair("signOptions")
        if not isinstance(sign_options, Obj) or pair is None:
            return
        if sign_options.has("expiresIn"):
            yield from self._check_lifetime(
                facts, call, sign_options, None, "JwtModule signOptions"
            )
        elif not sign_options.has_spread:
            yield Report(
                pair,
                "JwtModule signOptions have no expiresIn, so tokens from jwtService.sign(payload) "
                "never expire; add expiresIn: '15m' (or another short span)",
            )

    # -- how long -----------------------------------------------------------------------

    def _check_lifetime(
        self, facts: Facts, call: Node, options: Obj, payload: Value | None, where: str
    ) -> Iterator[Report]:
        value_node = options.value_node("expiresIn")
        pair = options.pair("expiresIn")
        if value_node is None or pair is None:
            return
        value = numeric_value(facts.sem, value_node)
        limits = facts.limits
        seconds = _shortest_branch(value)
        if seconds is None:
            return
        refresh = _is_refresh_token(call, options, payload)
        limit = limits.refresh if refresh else limits.access
        label = limits.refresh_label if refresh else limits.access_label
        if seconds <= limit:
            return
        option = "max-refresh-lifetime" if refresh else "max-lifetime"
        token = "refresh token" if refresh else "token"
        fix = (
            "rotate refresh tokens and keep them shorter"
            if refresh
            else "issue short-lived access tokens and renew them with a refresh token"
        )
        span = describe_seconds(seconds)
        yield Report(
            _report_node(pair, value),
            f"expiresIn {span} in {where} is longer than {option} ({label}), "
            f"so a stolen {token} stays usable for {span}; {fix}",
        )


def _sign_options(facts: Facts, node: Node | None) -> Obj | Null | None:
    """The options jsonwebtoken's ``sign`` receives: an object, ``Null()`` when there
    are none (absent, a callback, null/undefined), None when they are unknown."""
    if node is None:
        return Null()
    value = facts.value(node)
    if isinstance(value, Func | Null | Undefined):
        return Null()
    return value if isinstance(value, Obj) else None


def _shortest_branch(value: Value | None) -> float | None:
    """Seconds a known ``expiresIn`` means; for ``cond ? a : b`` the shorter branch,
    when both are known (a condition we cannot judge may pick either)."""
    if isinstance(value, Choice):
        spans = [_shortest_branch(branch) for branch in (value.consequence, value.alternative)]
        known = [s for s in spans if s is not None]
        return min(known) if len(known) == 2 else None
    return duration_seconds(value) if value is not None else None


def _report_node(pair: Node, value: Value) -> Node:
    """At the ``expiresIn`` pair when its value is written there; at the literal when
    it is held in a constant, so a shared constant is reported once."""
    node = value.node
    if node is None or pair.start_byte <= node.start_byte < pair.end_byte:
        return pair
    return node


# -- refresh tokens ---------------------------------------------------------------------


def _is_refresh_token(call: Node, options: Obj, payload: Value | None) -> bool:
    """Is the token a refresh token? The name it is stored under decides first
    (``refreshToken``, ``accessToken``); then the call's text (``JWT_REFRESH_SECRET``,
    ``type: 'refresh'``), the options and payload it resolves to, and the names of
    the functions that make it (``signRefreshToken``)."""
    target = _target_name(call)
    if target is not None:
        lowered = target.lower()
        if "refresh" in lowered:
            return True
        if "access" in lowered:
            return False
    texts = [node_text(call), node_text(options.node)]
    if isinstance(payload, Obj):
        texts.append(node_text(payload.node))
    elif isinstance(payload, Str):
        texts.append(payload.value)
    if any("refresh" in text.lower() for text in texts):
        return True
    return any("refresh" in name.lower() for name in _function_names(call))


def _target_name(call: Node) -> str | None:
    """The name a signed token is stored under: ``const refreshToken = sign(…)``,
    ``this.refresh = …``, ``{ refresh_token: … }``, ``const [access, refresh] =
    await Promise.all([…])``, or ``res.cookie('refresh_token', sign(…))``."""
    node = call
    parent = parent_of(node)
    while parent is not None and parent.type in PASS_THROUGH:
        node, parent = parent, parent_of(parent)
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return node_text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "assignment_expression":
        return node_text(parent.child_by_field_name("left"))
    if parent.type == "pair":
        return node_text(parent.child_by_field_name("key"))
    if parent.type == "array":
        return _destructured_name(parent, node)
    owner = parent_of(parent) if parent.type == "arguments" else None
    if owner is not None:
        others = [node_text(a) for a in parent.named_children if a.id != node.id]
        return " ".join([node_text(owner.child_by_field_name("function")), *others])
    return None


def _destructured_name(array: Node, element: Node) -> str | None:
    """``const [accessToken, refreshToken] = await Promise.all([signA, signB])``."""
    items = [c for c in array.named_children if c.type != "comment"]
    index = next((i for i, item in enumerate(items) if item.id == element.id), None)
    node = parent_of(array)
    if index is None or node is None or node.type != "arguments" or parent_of(node) is None:
        return None
    node = parent_of(node)  # Promise.all(...)
    parent = parent_of(node)
    while parent is not None and parent.type in PASS_THROUGH:
        node, parent = parent, parent_of(parent)
    if parent is None or parent.type not in ("variable_declarator", "assignment_expression"):
        return None
    pattern = parent.child_by_field_name("name") or parent.child_by_field_name("left")
    if pattern is None or pattern.type != "array_pattern":
        return None
    slots = [c for c in pattern.named_children if c.type != "comment"]
    if index >= len(slots):
        return None
    names = list(pattern_names(slots[index]))
    return names[0] if names else None


def _function_names(node: Node) -> Iterator[str]:
    """Names of the functions and classes around ``node``: declarations, methods,
    the variables, properties or fields that hold function expressions, and the
    class (``RefreshTokenService``)."""
    for parent in ancestors(node):
        if parent.type in CLASS_TYPES:
            yield node_text(parent.child_by_field_name("name"))
            continue
        if parent.type not in FUNCTION_TYPES:
            continue
        name = parent.child_by_field_name("name")
        if name is not None:
            yield node_text(name)
            continue
        holder = parent_of(parent)
        while holder is not None and holder.type in WRAPPER_TYPES:
            holder = parent_of(holder)
        if holder is None:
            continue
        if holder.type in ("variable_declarator", "public_field_definition", "field_definition"):
            yield node_text(holder.child_by_field_name("name"))
        elif holder.type == "pair":
            yield node_text(holder.child_by_field_name("key"))
        elif holder.type == "assignment_expression":
            yield node_text(holder.child_by_field_name("left"))
