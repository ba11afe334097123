"""SEC005 permissive-csp: a Content-Security-Policy that does not stop injected scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from readylint.findings import Level
from readylint.guards import is_development_only
from readylint.rule import FileContext, Report, Rule
from readylint.semantics import (
    Semantics,
    call_arguments,
    call_receiver,
    member_name,
    node_text,
    string_value,
    unwrap,
)
from readylint.values import Bool, Choice, Func, Obj, Str

if TYPE_CHECKING:
    from tree_sitter import Node

HELMET_MODULES = frozenset({"helmet", "koa-helmet"})
CSP_MODULES = frozenset({"helmet-csp"})
FASTIFY_HELMET = frozenset({"@fastify/helmet", "fastify-helmet"})
CSP_HEADERS = frozenset({"content-security-policy", "content-security-policy-report-only"})
HEADER_SETTERS = frozenset({"header", "set", "setHeader", "writeHead", "append", "appendHeader"})
SCRIPT_DIRECTIVES = ("script-src", "default-src")
STYLE_DIRECTIVE = "style-src"
UNSAFE_INLINE = "'unsafe-inline'"
UNSAFE_EVAL = "'unsafe-eval'"
HOST_WILDCARDS = ("*", "data:", "http:")
NONCE_OR_HASH = re.compile(r"^'(nonce-|sha256-|sha384-|sha512-)")
MAX_DEPTH = 8
UNKNOWN = "\x00"  # stands for text this file cannot see (a substitution, an import)

WHY = {
    UNSAFE_INLINE: "so injected inline scripts and event handlers run and the policy does not "
    "stop XSS; remove it and use nonces or hashes",
    UNSAFE_EVAL: "so strings can run as code (eval, new Function); remove it",
    "*": "so scripts load from any host; list the hosts you trust",
    "data:": "so an injected script can be a data: URL; remove data: here",
    "http:": "so scripts load from any host over plain HTTP; list the hosts you trust",
}


@dataclass
class Token:
    text: str  # lowercased
    node: Node  # the literal it was written in
    span: tuple[int, int] | None = None  # its exact bytes, when written literally

    @property
    def where(self) -> Node | tuple[int, int]:
        return self.span if self.span is not None else self.node


@dataclass
class Directive:
    name: str
    tokens: list[Token] = field(default_factory=list)
    nonce: bool = False  # a nonce or hash: CSP3 browsers then ignore 'unsafe-inline'

    @property
    def strict_dynamic(self) -> bool:
        return any(t.text == "'strict-dynamic'" for t in self.tokens)


class PermissiveCsp(Rule):
    code = "SEC005"
    name = "permissive-csp"
    angle = "security"
    level = Level.WARNING
    summary = "Content-Security-Policy is disabled or allows inline, eval'd or any-host scripts"
    tags = ("security", "csp", "headers", "external/cwe/cwe-693")
    precision = "high"
    security_severity = 5.4
    captures = ("call", "decorator")
    needles = (b"helmet", b"security-policy")

    def check(self, ctx: FileContext) -> Iterator[Report]:
        sem = ctx.semantics
        for call in ctx.captures["call"]:
            yield from self._check_call(sem, call)
        for decorator in ctx.captures["decorator"]:
            yield from self._check_header_decorator(sem, decorator)

    def _check_call(self, sem: Semantics, call: Node) -> Iterator[Report]:
        reference = sem.callee(call)
        args = call_arguments(call)
        method = member_name(call)
        if reference is not None and reference[0] in HELMET_MODULES and args:
            if reference[1] == "default":
                yield from self._check_helmet_options(sem, args[0], nonces=False)
            elif reference[1] == "contentSecurityPolicy":
                yield from self._check_csp_options(sem, args[0], nonces=False)
        elif reference is not None and reference[0] in CSP_MODULES and args:
            yield from self._check_csp_options(sem, args[0], nonces=False)
        elif method == "register" and len(args) > 1 and call_receiver(call) is not None:
            plugin = sem.reference(args[0])
            if plugin is not None and plugin[0] in FASTIFY_HELMET:
                options = sem.value(args[1])
                nonces = isinstance(options, Obj) and _is_true(options.get("enableCSPNonces"))
                yield from self._check_helmet_options(sem, args[1], nonces=nonces)
        elif method in HEADER_SETTERS and call_receiver(call) is not None:
            yield from self._check_header_call(sem, method, args)

    # -- helmet ------------------------------------------------------------------------

    def _check_helmet_options(self, sem: Semantics, node: Node, nonces: bool) -> Iterator[Report]:
        options = sem.value(node)
        if not isinstance(options, Obj) or not options.has("contentSecurityPolicy"):
            return
        csp = options.get("contentSecurityPolicy")
        pair = options.pair("contentSecurityPolicy")
        if isinstance(csp, Bool) and not csp.value and pair is not None:
            if is_development_only(sem, pair):
                return  # CSP off in development only
            yield Report(
                pair,
                "helmet is configured with contentSecurityPolicy: false, so no "
                "Content-Security-Policy is sent and nothing limits injected scripts; keep the "
                "policy and relax only the directives you need",
            )
        elif isinstance(csp, Obj) and csp.node is not None:
            yield from self._check_csp_options(sem, csp.node, nonces)
        elif isinstance(csp, Choice):
            # `reportOnly ? {…} : {…}`: each policy that may ship is judged; a `false`
            # arm is a switch this file cannot decide
            for arm in (csp.consequence, csp.alternative):
                if isinstance(arm, Obj) and arm.node is not None:
                    yield from self._check_csp_options(sem, arm.node, nonces)

    def _check_csp_options(self, sem: Semantics, node: Node, nonces: bool) -> Iterator[Report]:
        options = sem.value(node)
        if not isinstance(options, Obj):
            return
        directives = options.get("directives")
        if not isinstance(directives, Obj):
            return
        for key in directives.keys:
            name = _directive_name(key)
            if name not in (*SCRIPT_DIRECTIVES, STYLE_DIRECTIVE):
                continue
            value = directives.value_node(key)
            if value is None:
                continue
            directive = Directive(name, nonce=nonces and name != "default-src")
            _collect_items(sem, value, directive, 0)
            yield from _judge(sem, directive)

    # -- hand-set headers ----------------------------------------------------------------

    def _check_header_call(self, sem: Semantics, method: str, args: list[Node]) -> Iterator[Report]:
        if method == "writeHead":
            for node in args[1:]:
                yield from self._check_header_object(sem, node)
            return
        if len(args) >= 2:
            name = sem.value(args[0])
            if isinstance(name, Str) and name.value.strip().lower() in CSP_HEADERS:
                yield from _check_policy_text(sem, args[1])
        elif len(args) == 1 and method in ("set", "header"):
            yield from self._check_header_object(sem, args[0])

    def _check_header_object(self, sem: Semantics, node: Node) -> Iterator[Report]:
        headers = sem.value(node)
        if not isinstance(headers, Obj):
            return
        for key in headers.keys:
            if key.strip().lower() in CSP_HEADERS:
                value = headers.value_node(key)
                if value is not None:
                    yield from _check_policy_text(sem, value)

    def _check_header_decorator(self, sem: Semantics, decorator: Node) -> Iterator[Report]:
        call = next((c for c in decorator.named_children if c.type == "call_expression"), None)
        if call is None or node_text(call.child_by_field_name("function")) != "Header":
            return
        args = call_arguments(call)
        name = sem.value(args[0]) if args else None
        if len(args) > 1 and isinstance(name, Str) and name.value.lower() in CSP_HEADERS:
            yield from _check_policy_text(sem, args[1])


def _judge(sem: Semantics, directive: Directive) -> Iterator[Report]:
    """One finding per offending source expression in the directive."""
    if directive.name not in (*SCRIPT_DIRECTIVES, STYLE_DIRECTIVE):
        return
    for token in directive.tokens:
        if is_development_only(sem, token.node):
            continue
        if directive.name == STYLE_DIRECTIVE:
            if token.text == UNSAFE_INLINE and not directive.nonce:
                yield Report(
                    token.where,
                    "the CSP style-src allows 'unsafe-inline', so injected styles apply (a "
                    "smaller risk than scripts); prefer nonces or hashes for inline styles",
                    level=Level.NOTE,
                )
            continue
        if token.text == UNSAFE_INLINE and directive.nonce:
            continue  # CSP3: a nonce or hash in the same directive disables 'unsafe-inline'
        if token.text in HOST_WILDCARDS and directive.nonce and directive.strict_dynamic:
            continue  # 'strict-dynamic' ignores host and scheme sources
        if token.text in WHY:
            yield Report(
                token.where, f"the CSP {directive.name} allows {token.text}, {WHY[token.text]}"
            )


def _check_policy_text(sem: Semantics, node: Node) -> Iterator[Report]:
    """A policy written as header text: ``default-src 'self'; script-src …``."""
    chars = _chars(sem, node, 0)
    if chars is None:
        return
    directive: Directive | None = None
    for word in _words(chars, node):
        if word is None:  # a `;`: the directive ends
            if directive is not None:
                yield from _judge(sem, directive)
            directive = None
        elif directive is None:
            directive = Directive(word.text)
        else:
            _add_token(directive, word)
    if directive is not None:
        yield from _judge(sem, directive)


def _add_token(directive: Directive, token: Token) -> None:
    if NONCE_OR_HASH.match(token.text):
        directive.nonce = True
    elif UNKNOWN in token.text:
        if "nonce" in token.text or "sha" in token.text:
            directive.nonce = True
        return
    directive.tokens.append(token)


# -- directive values in helmet options ---------------------------------------------------


def _directive_name(key: str) -> str:
    """``scriptSrc`` / ``'script-src'`` -> ``script-src``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", key.strip()).lower()


def _collect_items(sem: Semantics, node: Node, directive: Directive, depth: int) -> None:
    """Sources of a helmet directive: an array (with spreads of constants), a string, a
    nonce function; through constants and both arms of a ternary."""
    node = unwrap(node) or node
    if depth > MAX_DEPTH:
        return
    if node.type == "array":
        for child in node.named_children:
            if child.type == "spread_element" and child.named_children:
                _collect_items(sem, child.named_children[0], directive, depth + 1)
            elif child.type != "comment":
                _collect_items(sem, child, directive, depth + 1)
        return
    if node.type in ("arrow_function", "function_expression", "function"):
        directive.nonce = True  # helmet calls it per request for a nonce
        return
    if node.type == "ternary_expression":
        for side in ("consequence", "alternative"):
            branch = node.child_by_field_name(side)
            if branch is not None:
                _collect_items(sem, branch, directive, depth + 1)
        return
    chars = _chars(sem, node, 0)
    if chars is not None:
        for word in _words(chars, node):
            if word is not None:
                _add_token(directive, word)
        return
    value = sem.value(node)
    if isinstance(value, Func):
        directive.nonce = True
    elif isinstance(value, Choice):
        for arm in (value.consequence, value.alternative):
            if arm is not None and arm.node is not None:
                _collect_items(sem, arm.node, directive, depth + 1)
    elif value.node is not None and value.node is not node and value.node.type == "array":
        _collect_items(sem, value.node, directive, depth + 1)
    elif re.search(r"nonce|hash", node_text(node), re.I):
        directive.nonce = True


# -- policy text with positions ---------------------------------------------------------

# each character of the text with the byte range it was written at (None when it is not
# written literally, e.g. a decoded escape) and the node to fall back to
Char = tuple[str, int | None, "Node"]


def _chars(sem: Semantics, node: Node | None, depth: int) -> list[Char] | None:
    """The text of a string expression, character by character, or None when unknown."""
    node = unwrap(node)
    if node is None or depth > MAX_DEPTH:
        return None
    if node.type == "string":
        raw = node_text(node)[1:-1]
        if "\\" in raw:
            return [(c, None, node) for c in string_value(node)]
        return _positioned(raw, node.start_byte + 1, node)
    if node.type == "template_string":
        chars: list[Char] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                chars.extend(_positioned(node_text(child), child.start_byte, child))
            elif child.type == "escape_sequence":
                chars.extend((c, None, child) for c in string_value(child))
            elif child.type == "template_substitution":
                inner = child.named_children[0] if child.named_children else None
                chars.extend(_chars(sem, inner, depth + 1) or [(UNKNOWN, None, child)])
        return chars
    if node.type == "binary_expression" and node_text(node.child_by_field_name("operator")) == "+":
        left = _chars(sem, node.child_by_field_name("left"), depth + 1)
        right = _chars(sem, node.child_by_field_name("right"), depth + 1)
        if left is None and right is None:
            return None
        return (left or [(UNKNOWN, None, node)]) + (right or [(UNKNOWN, None, node)])
    if node.type == "call_expression" and member_name(node) == "join":
        return _joined(sem, node, depth)
    if node.type in ("identifier", "member_expression"):
        value = sem.value(node)
        if isinstance(value, Str) and value.node is not None and value.node != node:
            return _chars(sem, value.node, depth + 1)
    return None


def _joined(sem: Semantics, call: Node, depth: int) -> list[Char] | None:
    """``[ "default-src 'self'", "script-src …" ].join('; ')``."""
    receiver = call_receiver(call)
    args = call_arguments(call)
    separator = _chars(sem, args[0], depth + 1) if args else [(",", None, call)]
    if receiver is None or separator is None:
        return None
    array = unwrap(receiver)
    if array is not None and array.type == "identifier":
        value = sem.value(array)
        array = value.node if value.node is not None and value.node.type == "array" else None
    if array is None or array.type != "array":
        return None
    chars: list[Char] = []
    for index, item in enumerate(c for c in array.named_children if c.type != "comment"):
        if index:
            chars.extend(separator)
        chars.extend(_chars(sem, item, depth + 1) or [(UNKNOWN, None, item)])
    return chars


def _positioned(text: str, start: int, node: Node) -> list[Char]:
    chars: list[Char] = []
    offset = start
    for char in text:
        chars.append((char, offset, node))
        offset += len(char.encode("utf-8"))
    return chars


def _words(chars: list[Char], whole: Node) -> Iterator[Token | None]:
    """Whitespace-separated words of the text; None for each `;`."""
    word: list[Char] = []
    for char in [*chars, (" ", None, whole)]:
        if char[0].isspace() or char[0] == ";":
            if word:
                yield _token(word, whole)
                word = []
            if char[0] == ";":
                yield None
        else:
            word.append(char)


def _token(word: list[Char], whole: Node) -> Token:
    text = "".join(c[0] for c in word).lower()
    first, last = word[0], word[-1]
    if first[1] is not None and last[1] is not None:
        end = last[1] + len(last[0].encode("utf-8"))
        return Token(text, first[2], (first[1], end))
    return Token(text, first[2] if all(c[2] == first[2] for c in word) else whole)


def _is_true(value: object) -> bool:
    return isinstance(value, Bool) and value.value
