"""What SEC004 and SEC007 share about JWT code: who signs, verifies and decodes,
where `@nestjs/jwt` module options live, and how long an `expiresIn` is.

Everything here is same-file and syntactic, in the evaluator's spirit: a call
that cannot be tied to `jsonwebtoken` or a `JwtService`, or a duration that
cannot be read, is unknown, and unknown is never a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from readylint.patterns import descendants
from readylint.semantics import (
    FUNCTION_TYPES,
    Semantics,
    ancestors,
    call_arguments,
    call_function,
    call_name,
    call_receiver,
    enclosing_class,
    enclosing_function,
    function_parameters,
    member_name,
    node_text,
    pattern_names,
    unwrap,
)
from readylint.values import Choice, Func, Num, Obj, Str, Unknown, Value

if TYPE_CHECKING:
    from tree_sitter import Node

JSONWEBTOKEN = "jsonwebtoken"
JWT_SERVICE_NAME = re.compile(r"jwt_?service$", re.I)
JWT_SERVICE_TYPE = re.compile(r"^:?\s*JwtService\b")
MAX_DEPTH = 12  # arithmetic and binding hops when reading a duration

# -- who signs, verifies, decodes -------------------------------------------------


def jsonwebtoken_function(sem: Semantics, call: Node) -> str | None:
    """``'sign'``/``'verify'``/``'decode'`` when ``call`` reaches that function of
    ``jsonwebtoken``: ``jwt.sign``, ``sign`` imported (also renamed or required),
    or a local ``const signAsync = promisify(jwt.sign)``."""
    callee = sem.callee(call)
    if callee is not None:
        return callee[1] if callee[0] == JSONWEBTOKEN else None
    fn = call_function(call)
    if fn is None or fn.type != "identifier":
        return None
    declarator = sem.binding_of(fn)
    wrapped = unwrap(declarator.child_by_field_name("value")) if declarator is not None else None
    if wrapped is None or wrapped.type != "call_expression" or member_name(wrapped) != "promisify":
        return None
    args = call_arguments(wrapped)
    target = sem.reference(args[0]) if args else None
    return target[1] if target is not None and target[0] == JSONWEBTOKEN else None


def is_jwt_service_call(call: Node) -> bool:
    """``this.jwtService.sign(…)``, ``jwt_service.verify(…)``, or ``this.jwt.sign(…)``
    where the class injects ``jwt: JwtService`` (an `@nestjs/jwt` service)."""
    receiver = call_receiver(call)
    if receiver is None:
        return False
    if receiver.type == "member_expression":
        name = node_text(receiver.child_by_field_name("property"))
        if JWT_SERVICE_NAME.search(name):
            return True
        if node_text(receiver.child_by_field_name("object")) == "this":
            return _class_injects_jwt_service(call, name)
        return False
    if receiver.type == "identifier":
        name = node_text(receiver)
        return bool(JWT_SERVICE_NAME.search(name)) or _parameter_typed_jwt_service(call, name)
    return False


def _class_injects_jwt_service(node: Node, name: str) -> bool:
    cls = enclosing_class(node)
    body = cls.child_by_field_name("body") if cls is not None else None
    if body is None:
        return False
    for member in body.named_children:
        if member.type in ("public_field_definition", "field_definition"):
            field_name = member.child_by_field_name("name") or member.child_by_field_name(
                "property"
            )
            if node_text(field_name) == name and _typed_jwt_service(member):
                return True
        elif member.type == "method_definition":
            if node_text(member.child_by_field_name("name")) != "constructor":
                continue
            if any(_is_jwt_service_parameter(p, name) for p in function_parameters(member)):
                return True
    return False


def _parameter_typed_jwt_service(node: Node, name: str) -> bool:
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES and any(
            _is_jwt_service_parameter(p, name) for p in function_parameters(parent)
        ):
            return True
    return False


def _is_jwt_service_parameter(param: Node, name: str) -> bool:
    return name in pattern_names(param) and _typed_jwt_service(param)


def _typed_jwt_service(node: Node) -> bool:
    annotation = node.child_by_field_name("type")
    return annotation is not None and bool(JWT_SERVICE_TYPE.match(node_text(annotation)))


def calls_verify(scope: Node) -> bool:
    """Does ``scope`` call anything named like a verification (``jwt.verify``,
    ``verifyAsync``, ``jwtVerify``, ``this.tokens.verifyRefresh``)?"""
    for node in descendants(scope):
        if node.type == "call_expression" and "verify" in member_name(node).lower():
            return True
    return False


# -- @nestjs/jwt module options -----------------------------------------------------


def jwt_module_method(call: Node) -> str | None:
    """``'register'`` or ``'registerAsync'`` for ``JwtModule.register…(…)``."""
    name = call_name(call)
    for method in ("register", "registerAsync"):
        if name == f"JwtModule.{method}" or name.endswith(f".JwtModule.{method}"):
            return method
    return None


def jwt_module_options(sem: Semantics, call: Node, functions: Iterable[Node]) -> Iterator[Node]:
    """The option objects a ``JwtModule.register``/``registerAsync`` call configures:
    the argument of ``register``; what ``registerAsync``'s ``useFactory`` returns
    (an arrow, a function, or a same-file function by name); what a same-file
    ``useClass``/``useExisting`` class returns from ``createJwtOptions()``."""
    method = jwt_module_method(call)
    args = call_arguments(call)
    if method is None or not args:
        return
    if method == "register":
        yield args[0]
        return
    options = sem.value(args[0])
    if not isinstance(options, Obj):
        return
    factory = _function_of(sem, options.value_node("useFactory"), functions)
    if factory is not None:
        yield from returned_expressions(factory)
    for key in ("useClass", "useExisting"):
        class_name = node_text(unwrap(options.value_node(key)))
        if class_name:
            yield from _options_factory_results(class_name, functions)


def _function_of(sem: Semantics, node: Node | None, functions: Iterable[Node]) -> Node | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        for function in functions:
            if function.type == "function_declaration" and node_text(
                function.child_by_field_name("name")
            ) == node_text(node):
                return function
    value = sem.value(node)
    return value.node if isinstance(value, Func) else None


def _options_factory_results(class_name: str, functions: Iterable[Node]) -> Iterator[Node]:
    for function in functions:
        if function.type != "method_definition":
            continue
        if node_text(function.child_by_field_name("name")) != "createJwtOptions":
            continue
        cls = enclosing_class(function)
        if cls is not None and node_text(cls.child_by_field_name("name")) == class_name:
            yield from returned_expressions(function)


def returned_expressions(function: Node) -> Iterator[Node]:
    """What a function returns: an arrow's expression body, or the values of its
    own ``return`` statements (not those of functions nested in it)."""
    body = function.child_by_field_name("body")
    if body is None:
        return
    if body.type != "statement_block":
        inner = unwrap(body)
        if inner is not None:
            yield inner
        return
    for node in descendants(body):
        if node.type == "return_statement" and enclosing_function(node) == function:
            returned = unwrap(node.named_children[0]) if node.named_children else None
            if returned is not None:
                yield returned


# -- durations ------------------------------------------------------------------------

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
WEEK = 7 * DAY
YEAR = 365.25 * DAY
_UNITS = {
    **dict.fromkeys(("milliseconds", "millisecond", "msecs", "msec", "ms"), 0.001),
    **dict.fromkeys(("seconds", "second", "secs", "sec", "s"), SECOND),
    **dict.fromkeys(("minutes", "minute", "mins", "min", "m"), MINUTE),
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h"), HOUR),
    **dict.fromkeys(("days", "day", "d"), DAY),
    **dict.fromkeys(("weeks", "week", "w"), WEEK),
    **dict.fromkeys(("years", "year", "yrs", "yr", "y"), YEAR),
}
# the grammar of the `ms` package, which jsonwebtoken uses for string spans
_SPAN = re.compile(r"^(-?(?:\d+)?\.?\d+) *([a-z]+)?$", re.I)
_ARITHMETIC = {"*", "+", "-", "/"}


def parse_span(text: str, bare_unit: float = 0.001) -> float | None:
    """Seconds in an ``ms``-style span (``'7d'``, ``'2 days'``, ``'12h'``, ``'1.5y'``);
    a bare number counts ``bare_unit`` seconds (jsonwebtoken: milliseconds)."""
    match = _SPAN.match(text.strip())
    if match is None:
        return None
    unit = match.group(2)
    factor = _UNITS.get(unit.lower()) if unit else bare_unit
    if factor is None:
        return None
    return float(match.group(1)) * factor


def config_duration(setting: object, default: str) -> float:
    """A duration option from the config (``"1d"``, ``"12h"``; a bare number is
    seconds); an unreadable setting means the default."""
    if isinstance(setting, str):
        seconds = parse_span(setting, bare_unit=SECOND)
        if seconds is not None:
            return seconds
    fallback = parse_span(default, bare_unit=SECOND)
    assert fallback is not None
    return fallback


def duration_seconds(value: Value | None) -> float | None:
    """``expiresIn`` as jsonwebtoken reads it: a number is seconds, a string an
    ``ms`` span; anything else is unknown."""
    if isinstance(value, Num):
        return value.value
    if isinstance(value, Str):
        return parse_span(value.value)
    return None


def numeric_value(sem: Semantics, node: Node | None, depth: int = 0) -> Value:
    """``sem.value`` that also does the arithmetic durations are written in
    (``60 * 60 * 24 * 7``, ``ONE_DAY * 30``), through constants and fields."""
    node = unwrap(node)
    if node is None or depth > MAX_DEPTH:
        return Unknown(node, "depth")
    if node.type == "binary_expression":
        return _arithmetic(sem, node, depth)
    value = sem.value(node)
    if isinstance(value, Unknown) and value.node is not None and value.node.id != node.id:
        held = unwrap(value.node)
        if held is not None and held.type == "binary_expression":
            return _arithmetic(sem, held, depth + 1)
    if isinstance(value, Choice):
        return Choice(
            value.node,
            value.condition,
            _reevaluate(sem, value.consequence, depth),
            _reevaluate(sem, value.alternative, depth),
        )
    return value


def _reevaluate(sem: Semantics, value: Value | None, depth: int) -> Value | None:
    if isinstance(value, Unknown) and value.node is not None:
        return numeric_value(sem, value.node, depth + 1)
    return value


def _arithmetic(sem: Semantics, node: Node, depth: int) -> Value:
    operator = node_text(node.child_by_field_name("operator"))
    if operator not in _ARITHMETIC:
        return sem.value(node)
    left = numeric_value(sem, node.child_by_field_name("left"), depth + 1)
    right = numeric_value(sem, node.child_by_field_name("right"), depth + 1)
    if operator == "+" and not (isinstance(left, Num) and isinstance(right, Num)):
        return sem.value(node)  # string concatenation: the evaluator knows it
    if not isinstance(left, Num) or not isinstance(right, Num):
        return Unknown(node, operator)
    if operator == "*":
        return Num(node, left.value * right.value)
    if operator == "+":
        return Num(node, left.value + right.value)
    if operator == "-":
        return Num(node, left.value - right.value)
    if right.value == 0:
        return Unknown(node, "/0")
    return Num(node, left.value / right.value)


def describe_seconds(seconds: float) -> str:
    """A span as people write it: ``30d``, ``12h``, ``90m``, ``45s``."""
    for unit, size in (("y", YEAR), ("d", DAY), ("h", HOUR), ("m", MINUTE)):
        if seconds >= size and (seconds / size).is_integer():
            return f"{int(seconds / size)}{unit}"
    if seconds >= DAY:
        return f"{seconds / DAY:.1f}d"
    return f"{seconds:g}s"


# -- objects filled in after their literal ------------------------------------------------


def mutated_objects(assignments: Iterable[Node], calls: Iterable[Node]) -> frozenset[str]:
    """Texts of the objects a file changes after creating them (``opts.expiresIn =
    …``, ``payload['exp'] = …``, ``Object.assign(opts, …)``): their literal does not
    tell the whole story, so they are unknown."""
    names: set[str] = set()
    for node in assignments:
        left = unwrap(node.child_by_field_name("left") or node.child_by_field_name("argument"))
        if left is not None and left.type in ("member_expression", "subscript_expression"):
            target = unwrap(left.child_by_field_name("object"))
            if target is not None:
                names.add(node_text(target))
    for call in calls:
        if call_name(call) == "Object.assign":
            args = call_arguments(call)
            if args:
                names.add(node_text(unwrap(args[0])))
    return frozenset(names)
