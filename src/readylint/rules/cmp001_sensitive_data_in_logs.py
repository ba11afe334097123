"""CMP001 sensitive-data-in-logs: a logging call that writes a secret or personal datum."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    CONFIG_RECEIVER,
    FUNCTION_TYPES,
    Semantics,
    call_arguments,
    call_function,
    call_name,
    call_receiver,
    enclosing_class,
    member_name,
    node_text,
    string_value,
    unwrap,
)
from readylint.values import Bool, Null, Num, Regex, Str, Undefined

if TYPE_CHECKING:
    from tree_sitter import Node

# -- which calls log ------------------------------------------------------------

CONSOLE_METHODS = frozenset({"log", "info", "warn", "error", "debug", "trace", "dir"})
LOGGER_METHODS = frozenset(
    {
        "log", "info", "warn", "warning", "error", "debug", "trace", "fatal", "verbose",
        "silly", "http", "notice", "crit", "critical", "alert", "emerg",
    }
)  # fmt: skip
# logger, log, this.logger, req.log, fastify.log, Logger (Nest), appLogger, app_logger,
# and the default loggers of winston, consola and signale
LOGGER_NAME = re.compile(
    r"^(?:_*(?:log|logger)|LOG|LOGGER|Logger|\w*Logger|\w*_logger|winston|consola|signale)$"
)
LOGGING_METHODS = CONSOLE_METHODS | LOGGER_METHODS
# what a logger is made with: pino(), winston.createLogger(), log4js.getLogger(),
# bunyan.createLogger(), logger.child(), new Logger(Service.name)
LOGGER_FACTORY = re.compile(
    r"(?:^|\.)(?:pino|createLogger|getLogger|createConsola|(?:Console)?Logger)$"
    r"|(?:^|\.)(?:_?log|_?logger|\w*Logger)\.child$"
)
LOGGER_TYPE = re.compile(r"\b(?:\w*Logger|LoggerService)\b")

# -- what is sensitive ------------------------------------------------------------

SENSITIVE_LAST = frozenset(
    {
        "password", "passwd", "pwd", "passphrase", "secret", "token", "authorization",
        "apikey", "cardnumber", "cvv", "cvc", "ssn", "iban",
    }
)  # fmt: skip
SENSITIVE_PAIRS = frozenset(
    {
        ("api", "key"), ("card", "number"),
        ("secret", "key"), ("private", "key"), ("signing", "key"), ("encryption", "key"),
        ("authorization", "header"), ("auth", "header"),
    }
)  # fmt: skip
# tokens that are no credential: pagination cursors, axios cancel tokens
HARMLESS_TOKENS = frozenset(
    {"next", "page", "pagination", "continuation", "cursor", "cancel", "cancellation", "sync"}
)
# hasPassword, isTokenValid, showPassword: a flag about the datum, not the datum
FLAG_PREFIXES = frozenset(
    {
        "is", "has", "had", "have", "should", "can", "could", "needs", "need", "show", "hide",
        "requires", "require", "must", "was", "were", "did", "does", "allow", "allows",
        "enable", "disable", "no", "num", "count", "check", "checked", "valid", "verified",
        "correct", "match", "matches", "matched", "compare",
    }
)  # fmt: skip
# hashedPassword, maskedToken: already made safe
SAFE_PARTS = frozenset(
    {"hashed", "hash", "masked", "mask", "redacted", "encrypted", "obfuscated", "sanitized"}
)
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# whole request bodies and header maps; a single field of them is judged by its name
WHOLE_REQUEST = re.compile(
    r"^(?:_?req|request|ctx\.request|ctx\.req|context\.request)\??\.(?:body|headers)$"
    r"|^ctx\??\.(?:headers|header)$"
)

# -- what passes a value through, and what makes it safe ---------------------------

MASKING_CALLEE = re.compile(r"mask|redact|hash|sanitiz|scrub|obfuscat|censor|anonymi", re.I)
# calls that answer yes or no about a secret: bcrypt.compare, isValidToken, verifyPassword
VERDICT_CALL = re.compile(r"(?:^|\.)(?:compare\w*|is[A-Z]\w*|has[A-Z]\w*|check\w*|verify\w*)$")
MASKING_METHODS = frozenset({"slice", "substring", "substr", "replace", "replaceAll"})
# calls whose result still carries their argument's text
PASS_THROUGH_CALLS = frozenset(
    {"JSON.stringify", "String", "util.inspect", "inspect", "util.format", "format"}
)
PASS_THROUGH_METHODS = frozenset(
    {
        "toString", "trim", "trimStart", "trimEnd", "toUpperCase", "toLowerCase", "split",
        "concat", "valueOf", "toJSON", "normalize", "at",
    }
)  # fmt: skip
CONFIG_GETTERS = frozenset({"get", "getOrThrow"})
# req.get('authorization'), request.header('x-api-key'), headers.get('authorization')
HEADER_GETTERS = frozenset({"get", "header", "getHeader"})
HEADER_RECEIVER = re.compile(r"(?:^|\.)(?:_?req|request|headers)$")
# operators whose result is a boolean or a number, whatever their operands hold
OPAQUE_OPERATORS = frozenset(
    {
        "===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof", "in",
        "-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>", ">>>",
    }
)  # fmt: skip
MAX_NODES = 2_000  # per call: a bound on the argument walk
MAX_NAMED = 3  # fields named in one message


def name_parts(name: str) -> list[str]:
    """``user.accessToken`` -> ['access', 'token']; ``x-api-key`` -> ['x', 'api', 'key']."""
    return [w.lower() for chunk in re.split(r"[^A-Za-z0-9]+", name) for w in _WORDS.findall(chunk)]


def is_sensitive_name(name: str) -> bool:
    """Is the last name part a secret or personal datum? ``accessToken`` yes,
    ``tokenCount``, ``tokenExpiresAt``, ``hasPassword``, ``passwordHash`` no."""
    parts = name_parts(name)
    if not parts:
        return False
    if len(parts) > 1 and parts[0] in FLAG_PREFIXES:
        return False
    if SAFE_PARTS & set(parts):
        return False
    last = parts[-1]
    if last == "token" and len(parts) > 1 and parts[-2] in HARMLESS_TOKENS:
        return False
    if last in SENSITIVE_LAST:
        return True
    return len(parts) > 1 and (parts[-2], last) in SENSITIVE_PAIRS


class SensitiveDataInLogs(Rule):
    code = "CMP001"
    name = "sensitive-data-in-logs"
    angle = "compliance"
    level = Level.WARNING
    summary = "A logging call writes a password, token, secret or card datum, or a whole request"
    tags = ("compliance", "privacy", "logging", "external/cwe/cwe-532")
    precision = "high"
    captures = ("call",)
    needles = (b"log", b"console")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        calls = ctx.calls.named(*LOGGING_METHODS)
        if not calls:
            return  # "log" was in login/catalog: the file's semantics are not needed
        sem = ctx.semantics
        for call in calls:
            if not _is_logging_call(sem, call):
                continue
            found = list(_sensitive_values(sem, call_arguments(call)))
            if found:
                yield Report(call, _message(call, found))


# -- logging calls ----------------------------------------------------------------


def _is_logging_call(sem: Semantics, call: Node) -> bool:
    method = member_name(call)
    receiver = call_receiver(call)
    if receiver is None:
        return False
    text = node_text(receiver)
    if text in ("console", "window.console", "globalThis.console"):
        return method in CONSOLE_METHODS
    if method not in LOGGER_METHODS:
        return False
    if receiver.type == "identifier":
        return bool(LOGGER_NAME.match(text)) or _bound_to_logger(sem, receiver)
    if receiver.type == "member_expression":
        prop = node_text(receiver.child_by_field_name("property"))
        if LOGGER_NAME.match(prop.lstrip("#")):
            return True
        obj = unwrap(receiver.child_by_field_name("object"))
        return obj is not None and obj.type == "this" and _logger_field(receiver, prop)
    return False


def _bound_to_logger(sem: Semantics, ident: Node) -> bool:
    """``const audit = pino()`` / ``= new Logger('Audit')`` / ``= logger.child({...})``."""
    declarator = sem.binding_of(ident)
    if declarator is None:
        return False
    return _makes_logger(declarator.child_by_field_name("value"))


def _makes_logger(node: Node | None) -> bool:
    node = unwrap(node)
    if node is not None and node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    if node is None or node.type not in ("call_expression", "new_expression"):
        return False
    return bool(LOGGER_FACTORY.search(call_name(node)))


def _logger_field(member: Node, prop: str) -> bool:
    """``this.audit`` where the class declares ``audit = new Logger(...)``, a field
    typed as a logger, or a constructor parameter ``private audit: PinoLogger``."""
    cls = enclosing_class(member)
    body = cls.child_by_field_name("body") if cls is not None else None
    if body is None:
        return False
    for item in body.named_children:
        if item.type in ("public_field_definition", "field_definition"):
            name = item.child_by_field_name("name") or item.child_by_field_name("property")
            if node_text(name) != prop:
                continue
            if _makes_logger(item.child_by_field_name("value")):
                return True
            return bool(LOGGER_TYPE.search(node_text(item.child_by_field_name("type"))))
        if (
            item.type == "method_definition"
            and node_text(item.child_by_field_name("name")) == "constructor"
        ):
            params = item.child_by_field_name("parameters")
            for param in params.named_children if params is not None else ():
                pattern = param.child_by_field_name("pattern")
                if node_text(pattern) == prop:
                    return bool(LOGGER_TYPE.search(node_text(param.child_by_field_name("type"))))
    return False


# -- the values logged ------------------------------------------------------------


def _sensitive_values(sem: Semantics, args: list[Node]) -> Iterator[tuple[str, bool]]:
    """(what is logged, whole request?) for each sensitive value the arguments carry.

    Walks only what reaches the log as it is: object and array literals,
    template substitutions, string concatenation, ternary branches, ``await``
    and a few pass-through calls (``JSON.stringify``, ``token.trim()``).
    Other calls, functions, comparisons and ``!x`` are opaque: what they
    return is not the value itself."""
    stack: list[Node | None] = list(reversed(args))
    seen = 0
    while stack and seen < MAX_NODES:
        node = unwrap(stack.pop())
        seen += 1
        if node is None:
            continue
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier"):
            found = _identifier(sem, node)
            if found is not None:
                yield found
        elif kind == "member_expression":
            if WHOLE_REQUEST.match(_compact(node)):
                yield f"the whole {_shown(node)}", True
            elif is_sensitive_name(node_text(node.child_by_field_name("property"))):
                yield _shown(node), False
        elif kind == "subscript_expression":
            index = unwrap(node.child_by_field_name("index"))
            if (
                index is not None
                and index.type == "string"
                and is_sensitive_name(string_value(index))
            ):
                yield _shown(node), False
        elif kind == "template_string":
            stack.extend(
                reversed(
                    [
                        s.named_children[0]
                        for s in node.named_children
                        if s.type == "template_substitution" and s.named_children
                    ]
                )
            )
        elif kind in ("object", "array"):
            stack.extend(reversed(_literal_items(node)))
        elif kind in ("spread_element", "await_expression"):
            stack.extend(reversed(node.named_children))
        elif kind == "binary_expression":
            operator = node_text(node.child_by_field_name("operator"))
            if operator in OPAQUE_OPERATORS:
                continue
            sides = ("right",) if operator == "&&" else ("left", "right")
            stack.extend(reversed([node.child_by_field_name(side) for side in sides]))
        elif kind == "ternary_expression":
            branches = ("consequence", "alternative")
            stack.extend(reversed([node.child_by_field_name(side) for side in branches]))
        elif kind == "call_expression":
            stack.extend(reversed(_call_passes(sem, node)))
            key = _getter_key(sem, node)
            if key is not None and is_sensitive_name(key):
                yield _shown(node), False


def _identifier(sem: Semantics, node: Node) -> tuple[str, bool] | None:
    """A variable bound to a whole request body/header map, or with a
    sensitive name; None when there is nothing to report."""
    name = node_text(node)
    declarator = sem.binding_of(node)
    init = unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
    if init is not None and declarator is not None:
        whole = _whole_request_binding(declarator.child_by_field_name("name"), init, name)
        if whole is not None:
            return f"{name} (the whole {whole})", True
        if init.type == "await_expression" and init.named_children:
            init = unwrap(init.named_children[0]) or init
        if init.type == "call_expression" and (
            MASKING_CALLEE.search(call_name(init)) or VERDICT_CALL.search(call_name(init))
        ):
            return None  # const token = maskToken(raw); const validPassword = bcrypt.compare(…)
    if not is_sensitive_name(name):
        return None
    if isinstance(sem.value(node), Str | Num | Bool | Regex | Null | Undefined):
        return None  # a constant such as AUTHORIZATION = 'authorization' is no user datum
    return name, False


def _whole_request_binding(pattern: Node | None, init: Node, name: str) -> str | None:
    """``const body = req.body`` or ``const { body } = req``: the request part
    the local ``name`` holds whole, else None."""
    if pattern is None:
        return None
    if pattern.type == "identifier":
        return _shown(init) if WHOLE_REQUEST.match(_compact(init)) else None
    if pattern.type != "object_pattern":
        return None
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            key = local = node_text(prop)
        elif prop.type == "pair_pattern":
            key = node_text(prop.child_by_field_name("key"))
            local = node_text(prop.child_by_field_name("value"))
        else:
            continue
        whole = f"{_compact(init)}.{key}"
        if local == name and WHOLE_REQUEST.match(whole):
            return whole
    return None


def _literal_items(node: Node) -> list[Node]:
    """The values an object or array literal carries: pair values (not keys),
    shorthand properties, spread elements and array items."""
    items: list[Node] = []
    for child in node.named_children:
        if child.type == "pair":
            value = child.child_by_field_name("value")
            if value is not None:
                items.append(value)
        elif child.type in ("method_definition", "comment") or child.type in FUNCTION_TYPES:
            continue
        else:
            items.append(child)
    return items


def _call_passes(sem: Semantics, call: Node) -> list[Node]:
    """The parts of a call whose text reaches the log: the arguments of
    ``JSON.stringify``-like calls, the receiver of ``token.trim()``; nothing
    for masking calls (``mask(x)``, ``token.slice(0, 4)``) or any other call."""
    name = call_name(call)
    if MASKING_CALLEE.search(name):
        return []
    if name in PASS_THROUGH_CALLS:
        return call_arguments(call)
    fn = call_function(call)
    if fn is not None and fn.type == "member_expression":
        method = node_text(fn.child_by_field_name("property"))
        if method in MASKING_METHODS:
            return []
        if method in PASS_THROUGH_METHODS:
            receiver = fn.child_by_field_name("object")
            return [receiver] if receiver is not None else []
    return []


def _getter_key(sem: Semantics, call: Node) -> str | None:
    """The key read by ``configService.get('jwt.secret')`` or
    ``req.get('authorization')``; None for any other call."""
    method = member_name(call)
    receiver = node_text(call_receiver(call))
    is_config = method in CONFIG_GETTERS and CONFIG_RECEIVER.search(receiver)
    is_header = method in HEADER_GETTERS and HEADER_RECEIVER.search(receiver)
    if not (is_config or is_header):
        return None
    args = call_arguments(call)
    if not args:
        return None
    key = sem.value(args[0])
    return key.value if isinstance(key, Str) else None


def _compact(node: Node) -> str:
    return re.sub(r"\s+", "", node_text(node))


# -- the message -----------------------------------------------------------------


def _shown(node: Node) -> str:
    text = re.sub(r"\s+", " ", node_text(node)).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _message(call: Node, found: list[tuple[str, bool]]) -> str:
    callee = _shown(call_function(call) or call)
    names = list(dict.fromkeys(shown for shown, _ in found))
    listed = ", ".join(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        listed += f" and {len(names) - MAX_NAMED} more"
    if any(whole for _, whole in found):
        return (
            f"{callee}() logs {listed}, which can carry passwords and tokens; "
            "log only the fields you need"
        )
    pronoun = "it" if len(names) == 1 else "them"
    return f"{callee}() logs {listed}; mask or drop {pronoun} before logging"
