"""SEC003 default-jwt-secret: a JWT signing secret that is a literal or falls back to one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint import needles
from readylint.envfile import EnvEntry, is_template_env, parse_env
from readylint.findings import Level, mask_secret
from readylint.patterns import descendants
from readylint.queries import holding
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    CONFIG_GETTERS,
    Semantics,
    call_arguments,
    call_name,
    call_receiver,
    has_computed_key,
    member_name,
    node_text,
    string_value,
    unwrap,
)
from readylint.values import Choice, ConfigRead, EnvRead, Func, Obj, Str, Value

if TYPE_CHECKING:
    from tree_sitter import Node

NON_SECRET_TAILS = frozenset(
    {
        "expires", "expiry", "expiration", "exp", "in", "issuer", "iss", "audience", "aud",
        "algorithm", "algorithms", "alg", "ttl", "lifetime", "duration", "age", "maxage",
        "timeout", "name", "header", "cookie", "url", "uri", "enabled", "version", "type",
        "length", "len", "prefix", "scheme", "file", "path", "id", "kid", "rotation",
    }
)  # fmt: skip
SECRET_PAIRS = (("signing", "key"), ("token", "key"))
# one of which a secret's name holds (is_secret_name), and how env destructuring reads
SECRET_WORDS = needles.declare(b"secret", b"jwt", b"signing", b"token")
ENV_WORDS = needles.declare(b"process.env")
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
JWT_PACKAGES = frozenset({"jsonwebtoken"})
MIDDLEWARE_PACKAGES = frozenset({"express-jwt", "koa-jwt"})
CALLEE_PACKAGES = JWT_PACKAGES | MIDDLEWARE_PACKAGES
# the methods _check_call acts on when no call can reach CALLEE_PACKAGES
CHECKED_METHODS = (
    *CONFIG_GETTERS, "register", "registerAsync", "sign", "signAsync", "verify", "verifyAsync",
    "encode",
)  # fmt: skip
JWT_SERVICE = re.compile(r"jwt_?service$", re.I)
PLACEHOLDER = re.compile(
    r"^(your|my)[-_]|change|example|placeholder|replace|secret[-_]?key|^secret$|^jwt[-_]?secret$|"
    r"^(test|dev|development|default|password|supersecret|xxx+)$",
    re.I,
)
MIN_ENV_SECRET_LENGTH = 32
FIX = "read it from the environment with no fallback and fail at startup when it is missing"


def name_parts(name: str) -> list[str]:
    return [w.lower() for chunk in re.split(r"[^A-Za-z0-9]+", name) for w in _WORDS.findall(chunk)]


def is_secret_name(name: str) -> bool:
    """``JWT_SECRET``, ``jwtSecret``, ``SESSION_SECRET``, ``SIGNING_KEY`` — not
    ``JWT_EXPIRES_IN``, ``JWT_ISSUER``, ``ACCESS_TOKEN_TTL``."""
    parts = name_parts(name)
    if not parts or parts[-1] in NON_SECRET_TAILS:
        return False
    if "secret" in parts or "jwt" in parts:
        return True
    return tuple(parts[-2:]) in SECRET_PAIRS


class DefaultJwtSecret(Rule):
    code = "SEC003"
    name = "default-jwt-secret"
    angle = "security"
    level = Level.ERROR
    summary = "JWT signing secret is a literal or falls back to one"
    tags = ("security", "jwt", "secrets", "external/cwe/cwe-798")
    precision = "high"
    security_severity = 9.1
    supersedes = ("SEC001",)
    skips_tests = True
    file_kinds = frozenset({"js", "env"})
    captures = ("call", "binary", "ternary", "declarator", "pair")
    # secret-ish names (JWT_SECRET, signingKey, TOKEN_KEY) or a JWT library
    needles = (b"secret", b"jwt", b"jose", b"signingkey", b"signing_key", b"tokenkey", b"token_key")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if ctx.source.language == "env":
            yield from self._check_env_file(ctx)
            return
        sem = ctx.semantics
        for node in ctx.captures["binary"]:
            yield from self._check_fallback(sem, node)
        for node in ctx.captures["ternary"]:
            yield from self._check_ternary(sem, node)
        # a destructuring of process.env says so; a pair's key names a secret (or is a
        # computed key, which may name a constant that holds one)
        mentions = ctx.mentions
        for node in holding(ctx.captures["declarator"], mentions.starts(ENV_WORDS)):
            yield from self._check_env_destructuring(sem, node)
        for node in holding(ctx.captures["pair"], mentions.starts(SECRET_WORDS), has_computed_key):
            yield from self._check_pair(sem, node)
        imports_jose = any(b.module == "jose" for b in sem.imports.values())
        # a JWT package's functions may be imported under any name; otherwise only the
        # config getters and the JwtModule/JwtService/TextEncoder methods can matter
        if any(package.encode() in ctx.mentions for package in CALLEE_PACKAGES):
            calls = ctx.captures["call"]
        else:
            calls = ctx.calls.named(*CHECKED_METHODS)
        for call in calls:
            yield from self._check_call(sem, call, imports_jose)

    # -- fallbacks wherever they appear ---------------------------------------

    def _check_fallback(self, sem: Semantics, node: Node) -> Iterator[Report]:
        operator = node_text(node.child_by_field_name("operator"))
        if operator not in ("||", "??"):
            return
        name = _secret_read_in(sem, node.child_by_field_name("left"))
        if name is None:
            return  # most fallbacks: the right side is not evaluated
        right = sem.value(node.child_by_field_name("right"))
        if _is_literal_secret(right):
            yield _fallback_report(name, right)

    def _check_ternary(self, sem: Semantics, node: Node) -> Iterator[Report]:
        value = sem.value(node)
        if not isinstance(value, Choice):
            return
        branches = (
            (node.child_by_field_name("consequence"), value.alternative, False),
            (node.child_by_field_name("alternative"), value.consequence, True),
        )
        production_branch = _production_branch(sem, value.condition)
        for read_node, literal, literal_is_consequence in branches:
            name = _secret_read_in(sem, read_node)
            if name is None or not _is_literal_secret(literal):
                continue
            literal_branch = "consequence" if literal_is_consequence else "alternative"
            if production_branch is not None and production_branch != literal_branch:
                continue  # a development default; production reads the environment
            assert literal is not None
            yield _fallback_report(name, literal)

    def _check_env_destructuring(self, sem: Semantics, node: Node) -> Iterator[Report]:
        pattern = node.child_by_field_name("name")
        if pattern is None or pattern.type != "object_pattern":
            return
        if node_text(unwrap(node.child_by_field_name("value"))) not in ("process.env",):
            return
        for prop in pattern.named_children:
            if prop.type != "object_assignment_pattern":
                continue
            name = node_text(prop.child_by_field_name("left"))
            default = sem.value(prop.child_by_field_name("right"))
            if is_secret_name(name) and _is_literal_secret(default):
                yield _fallback_report(name, default)

    # -- env-schema defaults ----------------------------------------------------

    def _check_pair(self, sem: Semantics, pair: Node) -> Iterator[Report]:
        key = sem.property_key(pair.child_by_field_name("key"))
        if key is None:
            return
        value_node = unwrap(pair.child_by_field_name("value"))
        if key == "secretOrKey":
            yield from self._literal_sink(sem, value_node, "passport-jwt secretOrKey")
            return
        if not is_secret_name(key) or value_node is None:
            return
        default = _schema_default(sem, value_node)
        if default is not None and _is_literal_secret(default):
            yield Report(
                default.node,  # type: ignore[arg-type]
                f"the env schema gives {key} the default {_masked(default)}, so the app runs "
                "with a known secret when the variable is unset; make it required",
                secrets=(_text(default),),
            )

    # -- literal secrets passed to JWT libraries ---------------------------------

    def _check_call(self, sem: Semantics, call: Node, imports_jose: bool) -> Iterator[Report]:
        read = sem.value(call)
        if isinstance(read, ConfigRead) and is_secret_name(read.key):
            if _is_literal_secret(read.fallback):
                assert read.fallback is not None
                yield _fallback_report(read.key, read.fallback)
            return
        callee = sem.callee(call)
        args = call_arguments(call)
        method = member_name(call)
        if callee is not None and callee[0] in JWT_PACKAGES and callee[1] in ("sign", "verify"):
            if len(args) > 1:
                yield from self._literal_sink(sem, args[1], f"jwt.{callee[1]}()")
            return
        if callee is not None and callee[0] in MIDDLEWARE_PACKAGES and args:
            yield from self._option_sink(sem, args[0], "secret", callee[0])
            return
        name = call_name(call)
        if name.endswith("JwtModule.register") and args:
            yield from self._option_sink(sem, args[0], "secret", "JwtModule.register()")
        elif name.endswith("JwtModule.registerAsync") and args:
            for returned in _factory_results(sem, args[0]):
                yield from self._option_sink(sem, returned, "secret", "JwtModule factory")
        elif method in ("sign", "signAsync", "verify", "verifyAsync") and len(args) > 1:
            receiver = name.rsplit(".", 1)[0] if "." in name else ""
            if JWT_SERVICE.search(receiver):
                yield from self._option_sink(sem, args[1], "secret", f"JwtService.{method}()")
        elif imports_jose and method == "encode" and args:
            encoder = call_receiver(call)
            if encoder is not None and node_text(encoder).startswith("new TextEncoder"):
                yield from self._literal_sink(sem, args[0], "the jose key")

    def _option_sink(self, sem: Semantics, node: Node, key: str, where: str) -> Iterator[Report]:
        options = sem.value(node)
        if isinstance(options, Obj) and options.has(key):
            yield from self._literal_sink(sem, options.value_node(key), f"{where} {key}")

    def _literal_sink(self, sem: Semantics, node: Node | None, where: str) -> Iterator[Report]:
        value = sem.value(node)
        if isinstance(value, EnvRead | ConfigRead):
            return  # fallbacks are reported where they are written
        if _is_literal_secret(value):
            yield Report(
                value.node,  # type: ignore[arg-type]
                f"{where} uses the literal secret {_masked(value)}; anyone who reads the code "
                f"can forge tokens; {FIX}",
                secrets=(_text(value),),
            )

    # -- committed .env files ---------------------------------------------------

    def _check_env_file(self, ctx: FileContext) -> Iterator[Report]:
        if not ctx.git_tracked or is_template_env(ctx.source.path):
            return
        for entry in parse_env(ctx.source.data):
            if not is_secret_name(entry.key) or not entry.value:
                continue
            if PLACEHOLDER.search(entry.value) or len(entry.value) < MIN_ENV_SECRET_LENGTH:
                yield _env_report(entry)


def _env_report(entry: EnvEntry) -> Report:
    return Report(
        (entry.value_start, entry.value_end),
        f"committed env file sets {entry.key} to a weak or placeholder secret "
        f"{mask_secret(entry.value)}; generate a random secret of 32+ characters and keep it "
        "out of git",
        secrets=(entry.value,),
    )


def _text(value: Value) -> str:
    return value.value if isinstance(value, Str) else ""


def _masked(value: Value) -> str:
    return mask_secret(_text(value))


def _is_literal_secret(value: Value | None) -> bool:
    return isinstance(value, Str) and value.value != "" and value.node is not None


def _fallback_report(name: str, literal: Value) -> Report:
    return Report(
        literal.node,  # type: ignore[arg-type]
        f"{name} falls back to the literal {_masked(literal)} when unset, so tokens can be "
        f"forged with a known secret; {FIX}",
        secrets=(_text(literal),),
    )


def _secret_read_in(sem: Semantics, node: Node | None, depth: int = 0) -> str | None:
    """The secret name read by ``process.env.X`` / ``config.get('X')`` in ``node``,
    looking through ``||``/``??`` chains and one level of local binding."""
    node = unwrap(node)
    if node is None or depth > 6:
        return None
    if node.type == "binary_expression" and node_text(node.child_by_field_name("operator")) in (
        "||",
        "??",
    ):
        return _secret_read_in(sem, node.child_by_field_name("left"), depth + 1) or _secret_read_in(
            sem, node.child_by_field_name("right"), depth + 1
        )
    value = sem.value(node)
    if isinstance(value, EnvRead) and value.fallback is None and is_secret_name(value.name):
        return value.name
    if isinstance(value, ConfigRead) and not value.required and is_secret_name(value.key):
        return value.key
    return None


def _production_branch(sem: Semantics, condition: Node | None) -> str | None:
    """For ``NODE_ENV === 'production' ? a : b``: which branch production takes."""
    condition = unwrap(condition)
    if condition is None:
        return None
    if condition.type == "identifier":
        declarator = sem.binding_of(condition)
        value = declarator.child_by_field_name("value") if declarator is not None else None
        return _production_branch(sem, value) if value is not None else None
    if condition.type == "unary_expression" and node_text(condition).startswith("!"):
        inner = _production_branch(sem, condition.named_children[0])
        return {"consequence": "alternative", "alternative": "consequence"}.get(inner or "")
    if condition.type != "binary_expression":
        return None
    text = node_text(condition)
    if "NODE_ENV" not in text and "isProduction" not in text:
        return None
    operator = node_text(condition.child_by_field_name("operator"))
    compared = [
        string_value(side)
        for side in (condition.child_by_field_name("left"), condition.child_by_field_name("right"))
        if side is not None and side.type == "string"
    ]
    if operator in ("===", "==", "!==", "!=") and compared:
        equal_means_consequence = operator in ("===", "==")
        is_production = compared[0].lower() in ("production", "prod")
        if is_production == equal_means_consequence:
            return "consequence"
        return "alternative"
    return None


def _schema_default(sem: Semantics, node: Node) -> Value | None:
    """The ``default`` of an envalid ``str({ default })`` or a joi/zod ``.default(x)``."""
    current: Node | None = node
    for _ in range(12):
        current = unwrap(current)
        if current is None or current.type != "call_expression":
            return None
        method = member_name(current)
        args = call_arguments(current)
        if method == "default" and args:
            return sem.value(args[0])
        if method in ("str", "string", "url", "host") and args and args[0].type == "object":
            options = sem.value(args[0])
            if isinstance(options, Obj) and options.has("default"):
                return options.get("default")
            return None
        fn = unwrap(current.child_by_field_name("function"))
        current = (
            fn.child_by_field_name("object")
            if fn is not None and fn.type == "member_expression"
            else None
        )
    return None


def _factory_results(sem: Semantics, node: Node) -> Iterator[Node]:
    """Objects returned by ``registerAsync({ useFactory })``."""
    options = sem.value(node)
    if not isinstance(options, Obj):
        return
    factory = options.get("useFactory")
    if not isinstance(factory, Func) or factory.node is None:
        return
    body = factory.node.child_by_field_name("body")
    body = unwrap(body)
    if body is None:
        return
    if body.type == "object":
        yield body
        return
    for statement in descendants(body, 5000):
        if statement.type == "return_statement" and statement.named_children:
            returned = unwrap(statement.named_children[0])
            if returned is not None:
                yield returned
