"""SEC001 hardcoded-api-key: credentials written into source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from readylint import needles
from readylint.credentials import (
    JWT_LABEL,
    PEM_LABEL,
    PROVIDER_KEYS,
    CredentialNames,
    find_provider_tokens_in_bytes,
    is_credential_env_key,
    looks_like_compared_key,
    looks_like_credential,
    looks_random,
    may_hold_provider_token,
    name_words,
    scheme_token,
)
from readylint.envfile import is_template_env, parse_env
from readylint.findings import Level, mask_secret
from readylint.needles import Mentions
from readylint.patterns import descendants
from readylint.queries import holding, in_document_order
from readylint.rule import FileContext, Option, Report, Rule
from readylint.semantics import (
    FUNCTION_TYPES,
    PROPERTY_TYPES,
    Semantics,
    ancestors,
    call_arguments,
    call_function,
    call_receiver,
    enclosing_class,
    function_parameters,
    has_computed_key,
    member_name,
    node_bytes,
    node_text,
    parent_of,
    pattern_names,
    string_value,
    unwrap,
)
from readylint.values import Arr, ConfigRead, EnvRead, Obj, Str, Unknown, Value

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.source import SourceFile

FIX_SOURCE = "load it from the environment or a secret manager"
FIX_KEYS = "keep API keys in a secret store or hashed in the database, not in source"
FIX_PROVIDER = "revoke it, then load the new one from the environment or a secret manager"
FIX_ENV = "rotate it, remove the file from git and commit only a .env.example without values"

# -- where a request carries a key ----------------------------------------------

REQUEST_OBJECT = r"(?:req|request|ctx|context|c\.req|ctx\.request|event|this\.req|this\.request)"
# ``req.headers`` / ``request.query`` / ``ctx.request.body`` / ``event.headers`` / ``headers``
# / ``event.queryStringParameters`` (Lambda) / ``socket.handshake.auth`` (socket.io)
REQUEST_CONTAINER = re.compile(
    rf"^{REQUEST_OBJECT}\s*\??\.\s*(?:headers|header|query|body|params)$"
    r"|(?:^|\.)(?:headers|queryStringParameters|handshake\.(?:auth|query))$"
)
# ``req.get(name)`` / ``req.header(name)`` / ``request.headers.get(name)`` (fetch, Next.js)
# / ``headers().get(name)`` / ``url.searchParams.get(name)``
REQUEST_GETTER_RECEIVER = re.compile(
    rf"^{REQUEST_OBJECT}$|(?:^|\.)headers(?:\(\))?$|(?:^|\.)searchParams$"
)
# the last word of a header/query/body field that carries a credential
KEY_FIELD_LAST_WORDS = frozenset(
    {"key", "token", "secret", "authorization", "apikey", "password", "passwd", "pwd"}
)
# a field name that may carry a credential ends so (a cheap pre-check on bytes)
KEY_FIELD_TAIL = re.compile(rb"(?i)(?:key|token|secret|authorization|passw(?:or)?d|pwd)$")
# the words KEY_FIELD_TAIL ends on, to find where such names end in the bytes
KEY_FIELD_END_WORDS = needles.declare(
    b"key", b"token", b"secret", b"authorization", b"password", b"passwd", b"pwd"
)
# what a request-key subscript holds: a key word, or a request container it reads
SUBSCRIPT_WORDS = needles.declare(
    *KEY_FIELD_END_WORDS, b"header", b"query", b"body", b"params", b"auth"
)
KEY_FIELD_QUALIFIERS = frozenset({"x", "api", "auth", "access", "secret", "partner", "client"})
# ``pageToken``, ``x-csrf-token``, ``x-idempotency-key``: fields that carry no credential
KEY_FIELD_NOT_CREDENTIAL = frozenset(
    {
        "page", "next", "continuation", "cursor", "csrf", "xsrf", "sync", "idempotency",
        "request", "trace", "correlation", "device", "push", "fcm", "notification",
        "captcha", "recaptcha", "cache", "sort", "partition", "public",
    }
)  # fmt: skip
NEST_PARAM_DECORATORS = frozenset({"Headers", "Query", "Body"})
# calls that pass a key through unchanged enough to still be "the key"
KEY_TRANSFORMS = frozenset(
    {
        "trim", "trimStart", "trimEnd", "toString", "replace", "replaceAll", "slice",
        "substring", "substr", "split", "pop", "shift", "at", "normalize", "valueOf",
    }
)  # fmt: skip
KEY_WRAPPERS = frozenset({"String", "decodeURIComponent", "decodeURI"})
EQUALITY = frozenset({"===", "==", "!==", "!="})
LIST_LOOKUPS = frozenset({"includes", "indexOf", "lastIndexOf"})
MAP_LOOKUPS = frozenset({"has", "get", "hasOwnProperty"})
PREDICATE_LOOKUPS = frozenset(
    {"some", "find", "findIndex", "filter", "every", "findLast", "findLastIndex"}
)
SAFE_COMPARE = frozenset(
    {
        "timingSafeEqual", "safeCompare", "secureCompare", "constantTimeCompare",
        "timingSafeCompare", "tsscmp", "safeEqual", "constantTimeEqual",
    }
)  # fmt: skip
MAX_SCAN_NODES = 200_000  # nodes of key-reading functions scanned per file
# lower-case bytes, one of which a file needs for the request-key check to have work
REQUEST_WORDS = needles.declare(b"header", b"query", b"body", b"params", b"handshake", b"strategy")
KEY_WORDS = needles.declare(b"key", b"token", b"secret", b"authorization", b"pass", b"pwd")

# -- where a literal gets a name ------------------------------------------------------

HEADER_SETTERS = frozenset({"set", "setHeader", "header", "append"})
CREDENTIAL_HINT = re.compile(r"key|secret|token|pass|pwd|bearer|authorization", re.I)
CREDENTIAL_WORDS = needles.declare(
    b"key", b"secret", b"token", b"pass", b"pwd", b"bearer", b"authorization"
)
JWT_CONTEXT_WORDS = frozenset({"jwt", "authorization", "auth", "bearer"})
# what wants() asks: the words every check starts from (KEY_WORDS and the
# key-field words are all credential words; provider prefixes in any case)
_CREDENTIAL_KEYS = needles.keys(CREDENTIAL_WORDS)


@dataclass
class Table:
    """A lookup table written in the file: a Map, Set, array or object literal."""

    keys: list[Value] = field(default_factory=list)  # Map keys, Set/array items, object keys
    values: list[Value] = field(default_factory=list)  # Map values, items, object values


class HardcodedApiKey(Rule):
    code = "SEC001"
    name = "hardcoded-api-key"
    angle = "security"
    level = Level.ERROR
    summary = "API key, password, token or private key written into source or a committed .env"
    tags = ("security", "secrets", "external/cwe/cwe-798")
    precision = "high"
    security_severity = 9.1
    # tests are checked for provider token formats only, so the rule runs on them
    skips_tests = False
    file_kinds = frozenset({"js", "env"})
    captures = (
        "pair", "declarator", "field", "assignment", "call", "subscript",
        "decorator", "function",
    )  # fmt: skip
    # No needles: credential words (key, pass, token, …) are in nearly every file, and
    # extra-credential-names may add any word; check() filters each part by bytes first.
    needles = ()
    options = (
        Option(
            "extra-credential-names",
            list,
            [],
            "more words that name a credential (e.g. 'pin', 'signingKey')",
        ),
    )

    def wants(self, mentions: Mentions, options: dict[str, Any]) -> bool:
        """Every check starts from a provider prefix, a credential word (or one the
        options add) or, for basicAuth users, both ``users`` and ``asic``."""
        if mentions.any_key(PROVIDER_KEYS) or mentions.any_key(_CREDENTIAL_KEYS):
            return True
        if mentions.any(_extra_words(tuple(options.get("extra-credential-names") or ()))):
            return True
        return b"users" in mentions and b"asic" in mentions

    def check(self, ctx: FileContext) -> Iterator[Report]:
        names = CredentialNames.of(tuple(ctx.options.get("extra-credential-names") or ()))
        only_providers = ctx.is_test and not ctx.include_tests
        if ctx.source.language == "env":
            reports = list(_check_env_file(ctx, names, only_providers))
        else:
            scan = _Scan(ctx, names)
            scan.provider_tokens()
            if not only_providers:
                scan.request_keys()
                scan.basic_auth_users()
                scan.credential_names()
            reports = scan.reports
        yield from _share_line_secrets(ctx.source, reports)


@lru_cache(maxsize=64)
def _extra_words(names: tuple[str, ...]) -> tuple[bytes, ...]:
    """The words ``extra-credential-names`` adds, as bytes (asked for every file)."""
    return tuple(word.encode() for word in CredentialNames.of(names).extra_words)


class _Scan:
    """One file's findings; each literal is reported once, by the most specific check."""

    def __init__(self, ctx: FileContext, names: CredentialNames) -> None:
        self.ctx = ctx
        self.names = names
        self.reports: list[Report] = []
        self.reported: set[int] = set()
        self.key_params: dict[tuple[int, str], str] = {}  # (function id, param) -> field
        self.functions: dict[str, Node] | None = None  # built on first use, once
        self.mentions = ctx.mentions  # for cheap "is there anything to do" checks
        extra = sorted(names.extra_words)
        self.hint_words = (*CREDENTIAL_WORDS, *(w.encode() for w in extra))
        self.hint = (
            re.compile("|".join([CREDENTIAL_HINT.pattern, *map(re.escape, extra)]), re.I)
            if extra
            else CREDENTIAL_HINT
        )
        self.hint_bytes = re.compile(self.hint.pattern.encode(), re.I)
        self.nest_headers = b"@Headers(" in ctx.source.data

    @property
    def sem(self) -> Semantics:
        return self.ctx.semantics  # built on first use: most files never need it

    def _report(self, node: Node, message: str, secrets: tuple[str, ...]) -> None:
        if node.start_byte in self.reported:
            return
        self.reported.add(node.start_byte)
        self.reports.append(Report(node, message, secrets=tuple(s for s in secrets if s)))

    # -- 3. provider token formats, anywhere (even tests) --------------------------

    def provider_tokens(self) -> None:
        data = self.ctx.source.data
        if not may_hold_provider_token(self.mentions) or self.ctx.tree is None:
            return
        root = self.ctx.tree.root_node
        for found in find_provider_tokens_in_bytes(data):
            literal = _enclosing_literal(root, found.start, found.end)
            if literal is None:
                continue  # a comment, a regex or code: not a string literal
            if found.label == JWT_LABEL:
                before = data[literal.start_byte : found.start].decode("utf-8", "replace")
                if not self._used_as_bearer(literal, before):
                    continue
            secrets = [found.token]
            if found.label == PEM_LABEL:
                secrets += [_literal_text(literal), _value_text(literal)]
            self._report(
                literal,
                f"{found.label} {mask_secret(found.token)} is written into the source, "
                f"where everyone with the code can use it; {FIX_PROVIDER}",
                tuple(secrets),
            )

    def _used_as_bearer(self, node: Node, before: str) -> bool:
        """A literal JWT counts when it is sent as a credential: after ``Bearer``, or
        held by a token/authorization-named place."""
        if "bearer" in before.lower():
            return True
        name = _assigned_name(node)
        if not name:
            return False
        return self.names.matches(name) or bool(JWT_CONTEXT_WORDS & set(name_words(name)))

    # -- 1. literal keys checked against a request's key ----------------------------

    def request_keys(self) -> None:
        if not self.mentions.any(REQUEST_WORDS) or not self.mentions.any(KEY_WORDS):
            return
        scopes: dict[int, Node] = {}
        for node in self._key_reads():
            scope = _enclosing_scope(node)
            scopes.setdefault(scope.id, scope)
        # a function inside another scanned function is scanned with it
        pending = [s for s in scopes.values() if not any(a.id in scopes for a in ancestors(s))]
        done: set[int] = set()
        budget = MAX_SCAN_NODES
        while pending and budget > 0:
            scope = pending.pop(0)
            if scope.id in done:
                continue
            done.add(scope.id)
            more, budget = self._scan_scope(scope, budget)
            done.difference_update(f.id for f in more)  # scanned again with the new key
            pending.extend(more)

    def _key_reads(self) -> Iterator[Node]:
        mentions = self.mentions
        # a subscript names the key (`['x-api-key']`) or reads a request container
        # (`headers[name]`); a destructured read names the key
        keys = mentions.starts(KEY_FIELD_END_WORDS)
        subscripts = holding(self.ctx.captures["subscript"], mentions.starts(SUBSCRIPT_WORDS))
        for node in (*self._key_named_members(), *subscripts):
            if self._request_field(node) is not None:
                yield node
        for call in self.ctx.calls.named("header", "get"):
            if self._request_field(call) is not None:
                yield call
        for declarator in holding(self.ctx.captures["declarator"], keys):
            pattern = declarator.child_by_field_name("name")
            if pattern is not None and pattern.type == "object_pattern":
                value = declarator.child_by_field_name("value")
                if self._is_container(value) and any(
                    _is_key_field(name) for name in _pattern_keys(pattern)
                ):
                    yield declarator
        for decorator in self.ctx.captures["decorator"]:
            if parent_of(decorator) is not None and _decorated_field(decorator) is not None:
                yield decorator
        if b"Strategy" in self.ctx.source.data:
            yield from self._strategy_verify_params()

    def _key_named_members(self) -> list[Node]:
        """The members whose property ends in a key word (``req.headers.apiKey``), in
        document order. Found from where such names end in the bytes: a file has far
        fewer of them than members, and ``_request_field`` rejects every other member."""
        assert self.ctx.tree is not None
        root = self.ctx.tree.root_node
        found: list[Node] = []
        for end in self.mentions.name_ends(KEY_FIELD_END_WORDS):
            leaf = root.descendant_for_byte_range(end - 1, end)
            if leaf is None or leaf.end_byte != end or leaf.type not in PROPERTY_TYPES:
                continue
            member = parent_of(leaf)
            if member is None or member.type != "member_expression":
                continue
            prop = member.child_by_field_name("property")
            if prop is not None and prop.id == leaf.id:
                found.append(member)
        return in_document_order(found)

    def _strategy_verify_params(self) -> Iterator[Node]:
        """Passport verify callbacks get the request's credentials as parameters:
        ``new LocalStrategy((username, password, done) => …)``, a Nest
        ``validate(username, password)`` in a ``PassportStrategy(Strategy)`` class,
        ``new HeaderAPIKeyStrategy(…, (apiKey, done) => …)``."""
        for function in self.ctx.captures["function"]:
            if not _is_strategy_verify(function):
                continue
            for param in function_parameters(function):
                name = _param_identifier(param)
                if name is not None and _is_key_field(name):
                    self.key_params[(function.id, name)] = name
                    yield param

    def _scan_scope(self, scope: Node, budget: int) -> tuple[list[Node], int]:
        """Report every literal the request key is compared with in ``scope``;
        return same-file functions the key is passed to, and the budget left."""
        more: list[Node] = []
        for node in descendants(scope, budget):
            budget -= 1
            kind = node.type
            if kind == "binary_expression":
                self._check_binary(node)
            elif kind == "call_expression":
                more.extend(self._check_call(node))
            elif kind == "subscript_expression":
                index = node.child_by_field_name("index")
                field_name = self._key_of(index)
                if field_name is not None:
                    table = node.child_by_field_name("object")
                    self._report_table(table, self._table(table), "keys", field_name)
            elif kind == "switch_statement":
                self._check_switch(node)
        return more, budget

    def _check_binary(self, node: Node) -> None:
        operator = node_text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator in EQUALITY:
            self._check_pair(left, right)
        elif operator == "in":
            field_name = self._key_of(left)
            if field_name is not None:
                self._report_table(right, self._table(right), "keys", field_name)

    def _check_pair(self, a: Node | None, b: Node | None) -> None:
        key_a, key_b = self._key_of(a), self._key_of(b)
        if key_a is not None and key_b is None:
            self._compared_with(b, key_a)
        elif key_b is not None and key_a is None:
            self._compared_with(a, key_b)

    def _check_call(self, call: Node) -> list[Node]:
        method = member_name(call)
        args = call_arguments(call)
        if not args:
            return []
        receiver = call_receiver(call)
        callee = node_text(call_function(call)) if method in ("hasOwn", "call") else ""
        if method in LIST_LOOKUPS and receiver is not None and args:
            field_name = self._key_of(args[0])
            if field_name is not None:
                self._report_table(receiver, self._table(receiver), "values", field_name)
        elif method in MAP_LOOKUPS and receiver is not None and args:
            field_name = self._key_of(args[0])
            if field_name is not None:
                self._report_table(receiver, self._table(receiver), "keys", field_name)
        elif callee in ("Object.hasOwn", "Object.prototype.hasOwnProperty.call") and len(args) > 1:
            field_name = self._key_of(args[1])
            if field_name is not None:
                self._report_table(args[0], self._table(args[0]), "keys", field_name)
        elif method in PREDICATE_LOOKUPS and receiver is not None and args:
            self._check_predicate(receiver, args[0])
        elif method in SAFE_COMPARE and len(args) == 2:
            self._check_pair(self._unbuffer(args[0]), self._unbuffer(args[1]))
        else:
            return self._key_passed_to_function(call, args)
        return []

    def _unbuffer(self, node: Node) -> Node:
        """``Buffer.from(x)`` (also held in a constant) -> ``x``, for ``timingSafeEqual``."""
        inner = unwrap(node)
        if inner is not None and inner.type == "identifier":
            inner = unwrap(self._initializer(inner))
        if (
            inner is not None
            and inner.type == "call_expression"
            and node_text(call_function(inner)) == "Buffer.from"
            and call_arguments(inner)
        ):
            return call_arguments(inner)[0]
        return node

    def _check_switch(self, node: Node) -> None:
        field_name = self._key_of(node.child_by_field_name("value"))
        body = node.child_by_field_name("body")
        if field_name is None or body is None:
            return
        for case in body.named_children:
            if case.type == "switch_case":
                self._compared_with(case.child_by_field_name("value"), field_name)

    def _compared_with(self, node: Node | None, field_name: str) -> None:
        """``key === 'lit'`` (or a constant, or an env fallback); a loop variable over a table."""
        held = self._constant_in_template(node)
        value = held if held is not None else self.sem.value(node)
        if isinstance(value, EnvRead | ConfigRead):
            value = value.fallback  # type: ignore[assignment]
        if isinstance(value, Str) and value.node is not None:
            if looks_like_compared_key(value.value):
                noun = _credential_noun(field_name)
                self._report(
                    value.node,
                    f"the request's {field_name} is compared with the literal {noun} "
                    f"{mask_secret(value.value)}, so anyone who reads the code has a working "
                    f"{noun}; compare it with values loaded from the environment or a secret "
                    "store",
                    _secrets_of(value),
                )
            return
        element = self._loop_element(node)
        if element is not None:
            table_node, table, which, prop = element
            self._report_table(table_node, table, which, field_name, prop)

    def _constant_in_template(self, node: Node | None) -> Value | None:
        """A compared template or concatenation that holds a constant (``Bearer ${TOKEN}``,
        ``'Bearer ' + TOKEN`` with ``const TOKEN = 'k…'``): the constant's literal,
        reported where it is written."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "template_string":
            parts = [
                c.named_children[0]
                for c in node.named_children
                if c.type == "template_substitution" and c.named_children
            ]
        elif (
            node.type == "binary_expression"
            and node_text(node.child_by_field_name("operator")) == "+"
        ):
            parts = [
                p
                for p in (node.child_by_field_name("left"), node.child_by_field_name("right"))
                if p is not None
            ]
        else:
            return None
        for part in parts:
            value = self.sem.value(part)
            if isinstance(value, Str) and value.node is not None and not _within(value.node, node):
                return value
        return None

    def _check_predicate(self, receiver: Node, argument: Node) -> None:
        """``KEYS.some((k) => k === key)``, ``PARTNERS.find((p) => p.apiKey === key)``."""
        callback = unwrap(argument)
        if callback is None or callback.type not in ("arrow_function", "function_expression"):
            return
        params = function_parameters(callback)
        if not params:
            return
        param = _param_identifier(params[0])
        body = callback.child_by_field_name("body")
        if param is None or body is None:
            return
        comparisons = [body] if body.type == "binary_expression" else []
        comparisons += [n for n in descendants(body, 2000) if n.type == "binary_expression"]
        for node in comparisons:
            if node_text(node.child_by_field_name("operator")) not in EQUALITY:
                continue
            for mine, other in (("left", "right"), ("right", "left")):
                field_name = self._key_of(node.child_by_field_name(other))
                side = unwrap(node.child_by_field_name(mine))
                if field_name is None or side is None:
                    continue
                prop = _element_property(side, param)
                if prop is not None:
                    self._report_table(receiver, self._table(receiver), "values", field_name, prop)

    def _key_passed_to_function(self, call: Node, args: list[Node]) -> list[Node]:
        """``isValidKey(req.headers['x-api-key'])``: the parameter is the key there too."""
        function = self._local_function(call)
        if function is None:
            return []
        params = function_parameters(function)
        found = []
        for index, arg in enumerate(args[: len(params)]):
            name = _param_identifier(params[index])
            if name is None or (function.id, name) in self.key_params:
                continue
            field_name = self._key_of(arg)
            if field_name is not None:
                self.key_params[(function.id, name)] = field_name
                found.append(function)
        return found

    def _local_function(self, call: Node) -> Node | None:
        fn = call_function(call)
        if fn is None:
            return None
        if fn.type == "identifier":
            if self.functions is None:
                self.functions = _index_functions(self.ctx.captures)
            return self.functions.get(node_text(fn))
        if fn.type == "member_expression" and node_text(fn.child_by_field_name("object")) == "this":
            cls = enclosing_class(call)
            body = cls.child_by_field_name("body") if cls is not None else None
            wanted = node_text(fn.child_by_field_name("property"))
            for member in body.named_children if body is not None else ():
                if (
                    member.type == "method_definition"
                    and node_text(member.child_by_field_name("name")) == wanted
                ):
                    return member
        return None

    # -- what the request's key is ------------------------------------------------------

    def _request_field(self, node: Node | None) -> str | None:
        """The key-carrying field a request read names: ``req.headers['x-api-key']``,
        ``req.header('x-api-key')``, ``req.get('X-API-Key')``, ``req.query.apiKey``."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "member_expression":
            # the field's name first: it is cheap and rules out nearly every member
            prop = node.child_by_field_name("property")
            if prop is None or not KEY_FIELD_TAIL.search(node_bytes(prop)):
                return None
            name = node_text(prop)
        elif node.type == "subscript_expression":
            index = unwrap(node.child_by_field_name("index"))
            if index is None:
                return None
            if index.type == "string":
                if not KEY_FIELD_TAIL.search(node_bytes(index)[1:-1]):
                    return None
                name = string_value(index)
            elif index.type in ("identifier", "member_expression"):
                # ``req.headers[API_KEY_HEADER]``: resolve the index only on a request
                obj = unwrap(node.child_by_field_name("object"))
                if obj is None or not REQUEST_CONTAINER.search(node_text(obj)):
                    return None
                value = self.sem.value(index)
                name = value.value if isinstance(value, Str) else ""
            else:
                return None
        else:
            name = ""
        if node.type in ("member_expression", "subscript_expression"):
            if not _is_key_field(name):
                return None
            return name if self._is_container(node.child_by_field_name("object")) else None
        if node.type == "call_expression" and member_name(node) in ("header", "get"):
            receiver = call_receiver(node)
            args = call_arguments(node)
            if receiver is None or not args:
                return None
            if not REQUEST_GETTER_RECEIVER.search(node_text(receiver)):
                return None
            name_value = self.sem.value(args[0])
            if isinstance(name_value, Str) and _is_key_field(name_value.value):
                return name_value.value
        return None

    def _is_container(self, node: Node | None, depth: int = 0) -> bool:
        node = unwrap(node)
        if node is None or depth > 3:
            return False
        text = node_text(node)
        if REQUEST_CONTAINER.search(text):
            return True
        if node.type == "identifier":
            declarator = self.sem.binding_of(node)
            if declarator is not None:
                pattern = declarator.child_by_field_name("name")
                if pattern is not None and pattern.type == "identifier":
                    return self._is_container(declarator.child_by_field_name("value"), depth + 1)
                return False
            return self.nest_headers and _is_nest_container_param(node)
        return False

    def _key_of(self, node: Node | None, depth: int = 0) -> str | None:
        """The request field whose value ``node`` holds, through local variables,
        destructuring, ``split``/``replace``/``trim`` and ``||`` defaults."""
        node = unwrap(node)
        if node is None or depth > 8:
            return None
        direct = self._request_field(node)
        if direct is not None:
            return direct
        kind = node.type
        if kind == "await_expression" and node.named_children:
            return self._key_of(node.named_children[0], depth + 1)
        if kind == "call_expression":
            return self._key_through_call(node, depth)
        if kind == "subscript_expression":
            obj = unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "call_expression" and member_name(obj) == "split":
                return self._key_of(obj, depth + 1)
            return None
        if kind == "binary_expression" and node_text(node.child_by_field_name("operator")) in (
            "||",
            "??",
        ):
            return self._key_of(node.child_by_field_name("left"), depth + 1) or self._key_of(
                node.child_by_field_name("right"), depth + 1
            )
        if kind == "ternary_expression":
            return self._key_of(node.child_by_field_name("consequence"), depth + 1) or self._key_of(
                node.child_by_field_name("alternative"), depth + 1
            )
        if kind == "identifier":
            return self._key_of_identifier(node, depth)
        return None

    def _key_through_call(self, call: Node, depth: int) -> str | None:
        fn = call_function(call)
        args = call_arguments(call)
        method = member_name(call)
        receiver = call_receiver(call)
        if receiver is not None and method in KEY_TRANSFORMS:
            return self._key_of(receiver, depth + 1)
        if receiver is not None and method == "from" and node_text(receiver) == "Buffer" and args:
            return self._key_of(args[0], depth + 1)
        if fn is not None and fn.type == "identifier" and node_text(fn) in KEY_WRAPPERS and args:
            return self._key_of(args[0], depth + 1)
        return None

    def _key_of_identifier(self, node: Node, depth: int) -> str | None:
        declarator = self.sem.binding_of(node)
        if declarator is None:
            return self._key_param(node)
        pattern = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if pattern is None:
            return None
        if pattern.type == "identifier":
            return self._key_of(value, depth + 1)
        if pattern.type == "array_pattern":
            return self._key_of(value, depth + 1)
        if pattern.type == "object_pattern" and self._is_container(value):
            field_name = _destructured_key(pattern, node_text(node))
            return field_name if field_name is not None and _is_key_field(field_name) else None
        return None

    def _key_param(self, node: Node) -> str | None:
        """A parameter that is the key: Nest ``@Headers('x-api-key') apiKey``, or one
        that a same-file caller passes the key to."""
        name = node_text(node)
        for parent in ancestors(node):
            if parent.type not in FUNCTION_TYPES:
                continue
            for param in function_parameters(parent):
                if name not in pattern_names(param):
                    continue
                decorated = _decorated_field_of_param(param)
                if decorated is not None:
                    return decorated
                return self.key_params.get((parent.id, name))
        return None

    def basic_auth_users(self) -> None:
        """``basicAuth({ users: { admin: 'S3cret!' } })`` (express-basic-auth): each
        password is compared with the request's credentials."""
        if b"users" not in self.ctx.source.data or b"asic" not in self.ctx.source.data:
            return
        # resolving every callee is costly: a call can only reach the package in a file
        # that names it; elsewhere only the usual local names count
        if b"express-basic-auth" in self.mentions:
            calls = self.ctx.captures["call"]
        else:
            calls = self.ctx.calls.named("basicAuth", "expressBasicAuth")
        for call in calls:
            args = call_arguments(call)
            if not args or not _is_basic_auth(self.sem, call):
                continue
            options = self.sem.value(args[0])
            users = options.get("users") if isinstance(options, Obj) else None
            if not isinstance(users, Obj):
                continue
            for user in users.keys:
                password = users.get(user)
                if (
                    isinstance(password, Str)
                    and password.node is not None
                    and looks_like_compared_key(password.value)
                ):
                    self._report(
                        password.node,
                        f"basic-auth user {user} has the literal password "
                        f"{mask_secret(password.value)}, so anyone who reads the code can "
                        f"log in; {FIX_SOURCE}",
                        _secrets_of(password),
                    )

    # -- lookup tables --------------------------------------------------------------

    def _table(self, node: Node | None, depth: int = 0) -> Table | None:
        node = unwrap(node)
        if node is None or depth > 8:
            return None
        if node.type == "call_expression":
            callee = node_text(call_function(node))
            args = call_arguments(node)
            inner_node = call_receiver(node)
            if callee in ("Object.keys", "Object.values") and args:
                inner = self._table(args[0], depth + 1)
                if inner is None:
                    return None
                chosen = inner.keys if callee == "Object.keys" else inner.values
                return Table(chosen, chosen)
            if member_name(node) in ("keys", "values") and inner_node is not None and not args:
                inner = self._table(inner_node, depth + 1)
                if inner is None:
                    return None
                chosen = inner.keys if member_name(node) == "keys" else inner.values
                return Table(chosen, chosen)
            if member_name(node) == "entries" and inner_node is not None and not args:
                return self._table(inner_node, depth + 1)
            if callee == "Object.entries" and args:
                return self._table(args[0], depth + 1)
        init = self._initializer(node)
        target = unwrap(init) if init is not None else node
        if target is not None and target.type == "new_expression":
            return self._collection(node, target, depth)
        if (
            target is not None
            and target.type == "binary_expression"
            and node_text(target.child_by_field_name("operator")) in ("||", "??")
        ):
            # ``process.env.KEYS?.split(',') || ['demo-key-123']``: the fallback is accepted
            return self._table(target.child_by_field_name("right"), depth + 1)
        return self._literal_table(self.sem.value(target))

    def _collection(self, node: Node, new: Node, depth: int) -> Table | None:
        constructor = node_text(new.child_by_field_name("constructor"))
        if constructor not in ("Map", "Set"):
            return None
        args = call_arguments(new)
        if not args:
            return self._filled_by_calls(node, constructor)
        source = unwrap(args[0])
        if (
            source is not None
            and source.type == "call_expression"
            and node_text(call_function(source)) == "Object.entries"
        ):
            args = call_arguments(source)
            return self._table(args[0], depth + 1) if args else None
        value = self.sem.value(args[0])
        if not isinstance(value, Arr):
            return None
        if constructor == "Set":
            return Table(list(value.items), list(value.items))
        table = Table()
        for entry in value.items:
            if isinstance(entry, Arr) and len(entry.items) >= 2:
                table.keys.append(entry.items[0])
                table.values.append(entry.items[1])
        return table

    def _filled_by_calls(self, node: Node, constructor: str) -> Table:
        """``const keys = new Map(); keys.set('k', …)`` in the same file."""
        table = Table()
        wanted = _holder_name(node) if node.type == "new_expression" else node_text(node)
        method = "set" if constructor == "Map" else "add"
        for call in self.ctx.calls.named(method) if wanted else ():
            if node_text(call_receiver(call)) != wanted:
                continue
            args = call_arguments(call)
            if args:
                key = self.sem.value(args[0])
                table.keys.append(key)
                table.values.append(self.sem.value(args[1]) if len(args) > 1 else key)
        return table

    def _literal_table(self, value: Value) -> Table | None:
        if isinstance(value, Arr):
            return Table(list(value.items), list(value.items))
        if isinstance(value, Obj):
            table = Table()
            for key in value.keys:
                pair = value.pair(key)
                key_node = pair.child_by_field_name("key") if pair is not None else None
                if pair is None or pair.type != "pair" or key_node is None:
                    continue
                if key_node.type == "computed_property_name" and key_node.named_children:
                    table.keys.append(self.sem.value(key_node.named_children[0]))
                elif key_node.type in ("string", "property_identifier"):
                    table.keys.append(Str(key_node, key))
                table.values.append(value.get(key) or Str())
            return table
        return None

    def _initializer(self, node: Node) -> Node | None:
        """What a name or ``this.field`` was initialised with, in this file."""
        if node.type == "identifier":
            declarator = self.sem.binding_of(node)
            pattern = declarator.child_by_field_name("name") if declarator is not None else None
            if declarator is None or pattern is None or pattern.type != "identifier":
                return None
            return declarator.child_by_field_name("value")
        if node.type == "member_expression" and node_text(node.child_by_field_name("object")) == (
            "this"
        ):
            return self.sem.field_source(node, node_text(node.child_by_field_name("property")))
        return None

    def _loop_element(self, node: Node | None) -> tuple[Node, Table | None, str, str] | None:
        """``for (const k of KEYS) if (k === key)``, ``for (const [k] of MAP)``,
        ``for (const p of PARTNERS) if (p.key === key)``: the table the value comes from."""
        node = unwrap(node)
        if node is None:
            return None
        prop = ""
        if node.type == "member_expression":
            prop = node_text(node.child_by_field_name("property"))
            node = unwrap(node.child_by_field_name("object"))
            if node is None:
                return None
        if node.type != "identifier" or self.sem.binding_of(node) is not None:
            return None
        name = node_text(node)
        for loop in ancestors(node):
            if loop.type in FUNCTION_TYPES:
                return None
            if loop.type != "for_in_statement":
                continue
            left = loop.child_by_field_name("left")
            right = loop.child_by_field_name("right")
            if left is None or right is None or name not in pattern_names(left):
                continue
            over_keys = any(child.type == "in" for child in loop.children)
            table = self._table(right)
            if over_keys:
                return right, table, "keys", prop
            if left.type == "array_pattern":
                position = [node_text(c) for c in left.named_children].index(name)
                return right, table, "keys" if position == 0 else "values", prop
            if left.type == "identifier":
                return right, table, "values", prop
            return None
        return None

    def _report_table(
        self,
        node: Node | None,
        table: Table | None,
        which: str,
        field_name: str,
        prop: str = "",
    ) -> None:
        if table is None:
            return
        entries = table.keys if which == "keys" else table.values
        where = node_text(unwrap(node)) if node is not None else "a table"
        if len(where) > 40 or "\n" in where:
            where = "a lookup table"
        for entry in entries:
            value: Value | None = entry
            if prop:
                value = entry.get(prop) if isinstance(entry, Obj) else None
            if (
                isinstance(value, Str)
                and value.node is not None
                and looks_like_compared_key(value.value)
            ):
                self._report(
                    value.node,
                    f"{where} holds the literal key {mask_secret(value.value)}, which is "
                    f"accepted when a request's {field_name} matches it; {FIX_KEYS}",
                    _secrets_of(value),
                )

    # -- 2. literals in credential-named places ----------------------------------------

    def credential_names(self) -> None:
        if not self.mentions.any(self.hint_words):
            return
        found: list[tuple[str, Node, Value]] = []
        for name, node in self._named_sites():
            if self.hint.search(name) and (
                self._is_authorization(name) or self.names.matches(name)
            ):
                found.append((name, node, self.sem.value(node)))
        # a literal is named where it is written first (``const apiKey = 'k…'``), and
        # only then where a constant holding it is used (``headers: { key: apiKey }``)
        for written_here in (True, False):
            for name, node, value in found:
                if self._is_authorization(name):
                    self._check_authorization(name, node, value, written_here)
                else:
                    self._check_named(name, node, value, written_here)

    @staticmethod
    def _is_authorization(name: str) -> bool:
        return name_words(name)[-1:] == ("authorization",)

    def _named_sites(self) -> Iterator[tuple[str, Node]]:
        """(name, value) of every declarator, key, field, assignment, parameter default
        and header setter whose name may name a credential (bytes checked first)."""
        hinted = self.hint_bytes.search
        hints = self.mentions.starts(self.hint_words)
        captures = self.ctx.captures
        for node in holding(captures["declarator"], hints):
            pattern = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if pattern is None or not hinted(node_bytes(pattern)):
                continue
            if pattern.type == "identifier" and value is not None:
                yield node_text(pattern), value
            elif pattern.type == "object_pattern":
                for prop in pattern.named_children:
                    if prop.type == "object_assignment_pattern":
                        right = prop.child_by_field_name("right")
                        if right is not None:
                            yield node_text(prop.child_by_field_name("left")), right
        # (a computed key may name a constant that holds a header name)
        for node in holding(captures["pair"], hints, has_computed_key):
            key_node = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key_node is None or value is None:
                continue
            if key_node.type != "computed_property_name" and not hinted(node_bytes(key_node)):
                continue  # a computed key may name a constant that holds a header name
            key = self.sem.property_key(key_node)
            if key is not None:
                yield key, value
        for node in holding(captures["field"], hints):
            field_name = node.child_by_field_name("name") or node.child_by_field_name("property")
            value = node.child_by_field_name("value")
            if field_name is not None and value is not None and hinted(node_bytes(field_name)):
                yield node_text(field_name), value
        for node in holding(captures["assignment"], hints):
            if node.type != "assignment_expression":
                continue
            left = node.child_by_field_name("left")
            if left is None or not hinted(node_bytes(left)):
                continue
            target = _assigned_target_name(self.sem, left)
            value = node.child_by_field_name("right")
            if target and value is not None:
                yield target, value
        for node in holding(captures["function"], hints):
            params = node.child_by_field_name("parameters")
            if params is not None and hinted(node_bytes(params)):
                for param in function_parameters(node):
                    yield from _parameter_defaults(param)
        for node in self.ctx.calls.named(*HEADER_SETTERS):
            args = call_arguments(node)
            if len(args) == 2 and (args[0].type != "string" or hinted(node_bytes(args[0]))):
                header = self.sem.value(args[0])
                if isinstance(header, Str):
                    yield header.value, args[1]

    def _check_named(self, name: str, value_node: Node, value: Value, written_here: bool) -> None:
        for literal, fallback in self._literals_of(value_node, value):
            if literal.node is None or _within(literal.node, value_node) != written_here:
                continue
            if not looks_like_credential(literal.value, name):
                continue
            how = "falls back to" if fallback else "is set to"
            self._report(
                literal.node,
                f"{name} {how} the literal {mask_secret(literal.value)}, so the credential "
                f"ships with the source to everyone who can read it; {FIX_SOURCE}",
                _secrets_of(literal),
            )

    def _literals_of(self, value_node: Node, value: Value) -> Iterator[tuple[Str, bool]]:
        """The literals a credential-named place holds: the value, an env/config
        fallback, the items of an array (``API_KEYS = ['…', '…']``), and the
        random-looking keys and values of an object, ``Map`` or ``Set``
        (``API_KEYS = { acme: 'k_9f8e…' }``) — not labels such as ``'ios-v1'``."""
        if isinstance(value, Str):
            yield value, False
        elif isinstance(value, EnvRead | ConfigRead):
            if isinstance(value.fallback, Str):
                yield value.fallback, True
        elif isinstance(value, Arr):
            for item in value.items:
                if isinstance(item, Str):
                    yield item, False
        else:
            table = self._table(value_node) if isinstance(value, Obj | Unknown) else None
            for entry in [*table.keys, *table.values] if table is not None else ():
                if isinstance(entry, Str) and looks_random(entry.value):
                    yield entry, False

    def _check_authorization(
        self, name: str, value_node: Node, value: Value, written_here: bool
    ) -> None:
        """``Authorization: 'Bearer abc…'`` / ``'Basic dXNl…'``: the token is the credential."""
        if not isinstance(value, Str) or value.node is None:
            return
        if _within(value.node, value_node) != written_here:
            return
        token = scheme_token(value.value)
        if token is None or not looks_like_credential(token):
            return
        self._report(
            value.node,
            f"the {name} header is set to the literal credential {mask_secret(token)}, so it "
            f"ships with the source to everyone who can read it; {FIX_SOURCE}",
            (token, *_secrets_of(value)),
        )


# -- .env files --------------------------------------------------------------------


def _check_env_file(
    ctx: FileContext, names: CredentialNames, only_providers: bool
) -> Iterator[Report]:
    """Committed ``.env`` files: provider tokens anywhere; credential-named keys with
    real values unless the file is a template (``.env.example``) or a test env."""
    if ctx.git_tracked is False:
        return  # ignored by git: the place where secrets belong
    data = ctx.source.data
    taken: list[tuple[int, int]] = []
    if may_hold_provider_token(ctx.mentions):
        for found in find_provider_tokens_in_bytes(data):
            taken.append((found.start, found.end))
            yield Report(
                (found.start, found.end),
                f"{found.label} {mask_secret(found.token)} is committed in this env file, "
                f"where everyone with the repository can use it; {FIX_PROVIDER}",
                secrets=(found.token,),
            )
    if only_providers or is_template_env(ctx.source.path):
        return
    for entry in parse_env(data):
        if not is_credential_env_key(entry.key, names):
            continue
        if any(start < entry.value_end and entry.value_start < end for start, end in taken):
            continue
        if looks_like_credential(entry.value, entry.key):
            yield Report(
                (entry.value_start, entry.value_end),
                f"committed env file sets {entry.key} to {mask_secret(entry.value)}, so the "
                f"credential is in the repository's history; {FIX_ENV}",
                secrets=(entry.value,),
            )


# -- helpers ----------------------------------------------------------------------


def _share_line_secrets(source: SourceFile, reports: list[Report]) -> Iterator[Report]:
    """A code frame shows the whole line: mask every secret found on it, not only
    the finding's own (``new Map([['k1', 'a'], ['k2', 'b']])`` on one line)."""
    by_line: dict[int, list[str]] = {}
    starts: list[int] = []
    for report in reports:
        start, end = report.byte_range
        first = source.position(start).line
        last = source.position(end).line
        starts.append(first)
        for line in range(first, min(last, first + 200) + 1):
            by_line.setdefault(line, []).extend(report.secrets)
    for report, line in zip(reports, starts, strict=True):
        shared = [s for s in by_line.get(line, ()) if s not in report.secrets]
        if shared:
            report.secrets = (*report.secrets, *dict.fromkeys(shared))
        yield report


def _is_key_field(name: str) -> bool:
    """Header/query/body fields that carry a key: ``x-api-key``, ``api_key``,
    ``apiKey``, ``authorization``, ``x-auth-token``, ``token`` — not ``sortKey``."""
    if not name or name.startswith("/"):
        return False
    words = name_words(name)
    if not words or words[-1] not in KEY_FIELD_LAST_WORDS:
        return False
    if KEY_FIELD_NOT_CREDENTIAL & set(words[:-1]):
        return False
    if words[-1] == "key" and len(words) > 1:
        return bool(KEY_FIELD_QUALIFIERS & set(words[:-1]))
    return words != ("key",)


def _is_basic_auth(sem: Semantics, call: Node) -> bool:
    callee = sem.callee(call)
    if callee is not None:
        return callee[0] == "express-basic-auth"
    return member_name(call) in ("basicAuth", "expressBasicAuth")


def _is_strategy_verify(function: Node) -> bool:
    if function.type == "method_definition":
        if node_text(function.child_by_field_name("name")) != "validate":
            return False
        cls = enclosing_class(function)
        heritage = (
            next((c for c in cls.children if c.type == "class_heritage"), None) if cls else None
        )
        return heritage is not None and "Strategy" in node_text(heritage)
    if function.type not in ("arrow_function", "function_expression", "function"):
        return False
    args = parent_of(function)
    new = parent_of(args) if args is not None and args.type == "arguments" else None
    return (
        new is not None
        and new.type == "new_expression"
        and node_text(new.child_by_field_name("constructor")).endswith("Strategy")
    )


def _enclosing_literal(root: Node, start: int, end: int) -> Node | None:
    """The string or template literal that holds the bytes ``start:end``."""
    node: Node | None = root.descendant_for_byte_range(start, end)
    for _ in range(4):
        if node is None:
            return None
        if node.type in ("string", "template_string"):
            return node
        node = parent_of(node)
    return None


def _credential_noun(field_name: str) -> str:
    words = name_words(field_name)
    if words and words[-1] in ("password", "passwd", "pwd"):
        return "password"
    return "token" if words and words[-1] in ("token", "authorization") else "key"


def _enclosing_scope(node: Node) -> Node:
    """The function to scan for comparisons: the key read's own function, or the one
    around a ``KEYS.find((k) => k === key)`` callback (the table is looked up there)."""
    last = node
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES and not _is_predicate_callback(parent):
            return parent
        last = parent
    return last


def _is_predicate_callback(function: Node) -> bool:
    args = parent_of(function)
    call = parent_of(args) if args is not None and args.type == "arguments" else None
    return call is not None and member_name(call) in PREDICATE_LOOKUPS


def _is_nest_container_param(node: Node) -> bool:
    """``@Headers() headers`` in a Nest handler."""
    name = node_text(node)
    for parent in ancestors(node):
        if parent.type in FUNCTION_TYPES:
            for param in function_parameters(parent):
                if name in pattern_names(param):
                    return any(
                        _decorator_call(d) == ("Headers", None)
                        for d in param.children
                        if d.type == "decorator"
                    )
            return False
    return False


def _decorator_call(decorator: Node) -> tuple[str, str | None] | None:
    call = next((c for c in decorator.named_children if c.type == "call_expression"), None)
    if call is None:
        return None
    args = call_arguments(call)
    first = string_value(args[0]) if args and args[0].type == "string" else None
    return node_text(call.child_by_field_name("function")), first


def _decorated_field(decorator: Node) -> str | None:
    """``@Headers('x-api-key')`` / ``@Query('api_key')`` on a parameter."""
    holder = parent_of(decorator)
    if holder is None or holder.type not in ("required_parameter", "optional_parameter"):
        return None
    found = _decorator_call(decorator)
    if found is None or found[0] not in NEST_PARAM_DECORATORS or found[1] is None:
        return None
    return found[1] if _is_key_field(found[1]) else None


def _decorated_field_of_param(param: Node) -> str | None:
    for child in param.children:
        if child.type == "decorator":
            found = _decorated_field(child)
            if found is not None:
                return found
    return None


def _pattern_keys(pattern: Node) -> Iterator[str]:
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern":
            yield node_text(prop)
        elif prop.type == "object_assignment_pattern":
            yield node_text(prop.child_by_field_name("left"))
        elif prop.type == "pair_pattern":
            key = prop.child_by_field_name("key")
            if key is not None:
                yield string_value(key) if key.type == "string" else node_text(key)


def _destructured_key(pattern: Node, local: str) -> str | None:
    """The property a destructuring pattern reads into ``local``."""
    for prop in pattern.named_children:
        if prop.type == "shorthand_property_identifier_pattern" and node_text(prop) == local:
            return local
        if (
            prop.type == "object_assignment_pattern"
            and node_text(prop.child_by_field_name("left")) == local
        ):
            return local
        if prop.type == "pair_pattern":
            target = prop.child_by_field_name("value")
            if target is not None and target.type == "assignment_pattern":
                target = target.child_by_field_name("left")
            key = prop.child_by_field_name("key")
            if node_text(target) == local and key is not None:
                return string_value(key) if key.type == "string" else node_text(key)
    return None


def _param_identifier(param: Node) -> str | None:
    names = list(pattern_names(param))
    if len(names) != 1:
        return None
    inner = param.child_by_field_name("pattern") if param.type.endswith("_parameter") else param
    if inner is not None and inner.type == "assignment_pattern":
        inner = inner.child_by_field_name("left")
    return names[0] if inner is not None and inner.type == "identifier" else None


def _element_property(side: Node, param: str) -> str | None:
    """In a predicate over ``param``: ``param`` itself -> ``''``; ``param.key`` -> ``'key'``."""
    if side.type == "identifier" and node_text(side) == param:
        return ""
    if side.type == "member_expression":
        obj = unwrap(side.child_by_field_name("object"))
        if obj is not None and obj.type == "identifier" and node_text(obj) == param:
            return node_text(side.child_by_field_name("property"))
    return None


def _index_functions(captures: dict[str, list[Node]]) -> dict[str, Node]:
    """Same-file functions by name: declarations and ``const f = (…) => …``."""
    found: dict[str, Node] = {}
    for node in captures.get("function", ()):
        if node.type in ("function_declaration", "generator_function_declaration"):
            found.setdefault(node_text(node.child_by_field_name("name")), node)
        elif (parent := parent_of(node)) is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                found.setdefault(node_text(name), node)
    return found


def _assigned_target_name(sem: Semantics, left: Node | None) -> str:
    left = unwrap(left)
    if left is None:
        return ""
    if left.type == "identifier":
        return node_text(left)
    if left.type == "member_expression":
        return node_text(left.child_by_field_name("property"))
    if left.type == "subscript_expression":
        index = sem.value(left.child_by_field_name("index"))
        return index.value if isinstance(index, Str) else ""
    return ""


def _parameter_defaults(param: Node) -> Iterator[tuple[str, Node]]:
    """``password = 'x'`` (JS), ``private apiKey: string = 'x'`` (TS) and destructured
    ``{ password = 'x' } = {}`` options."""
    pattern: Node | None = param
    if param.type in ("required_parameter", "optional_parameter"):
        pattern = param.child_by_field_name("pattern")
        value = param.child_by_field_name("value")
        if pattern is not None and pattern.type == "identifier" and value is not None:
            yield node_text(pattern), value
            return
    elif param.type == "assignment_pattern":
        pattern = param.child_by_field_name("left")
        right = param.child_by_field_name("right")
        if pattern is not None and pattern.type == "identifier" and right is not None:
            yield node_text(pattern), right
            return
    if pattern is not None and pattern.type == "object_pattern":
        for prop in pattern.named_children:
            if prop.type == "object_assignment_pattern":
                right = prop.child_by_field_name("right")
                if right is not None:
                    yield node_text(prop.child_by_field_name("left")), right


def _assigned_name(node: Node) -> str:
    """The name a literal is given: its key, variable, field, parameter or header."""
    current = node
    for parent in ancestors(node):
        kind = parent.type
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression"):
            current = parent
            continue
        if kind == "binary_expression" and parent.child_by_field_name("right") == current:
            current = parent
            continue
        if kind == "pair" and parent.child_by_field_name("value") == current:
            key = parent.child_by_field_name("key")
            return string_value(key) if key is not None and key.type == "string" else node_text(key)
        if kind == "variable_declarator":
            return node_text(parent.child_by_field_name("name"))
        if kind in ("public_field_definition", "field_definition"):
            return node_text(
                parent.child_by_field_name("name") or parent.child_by_field_name("property")
            )
        if kind == "assignment_expression":
            left = unwrap(parent.child_by_field_name("left"))
            if left is not None and left.type == "member_expression":
                return node_text(left.child_by_field_name("property"))
            return node_text(left)
        if kind in ("required_parameter", "optional_parameter", "assignment_pattern"):
            return next(iter(pattern_names(parent)), "")
        if kind == "arguments":
            call = parent_of(parent)
            args = [a for a in parent.named_children if a.type != "comment"]
            if call is not None and member_name(call) in HEADER_SETTERS and len(args) == 2:
                first = args[0]
                if first.type == "string" and args[1] == current:
                    return string_value(first)
        return ""
    return ""


def _holder_name(new: Node) -> str:
    """How code refers to the collection ``new`` creates: ``KEYS`` or ``this.keys``."""
    parent = parent_of(new)
    while parent is not None and parent.type in ("as_expression", "satisfies_expression"):
        parent = parent_of(parent)
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        return node_text(parent.child_by_field_name("name"))
    if parent.type in ("public_field_definition", "field_definition"):
        field_name = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        return f"this.{node_text(field_name)}"
    return ""


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _literal_text(node: Node) -> str:
    """The source text inside a literal's quotes (differs from the value when escaped)."""
    text = node_text(node)
    return text[1:-1] if len(text) >= 2 else text


def _value_text(node: Node) -> str:
    return string_value(node) if node.type == "string" else _literal_text(node)


def _secrets_of(value: Str) -> tuple[str, ...]:
    if value.node is None:
        return (value.value,)
    raw = _literal_text(value.node) if value.node.type in ("string", "template_string") else ""
    return (value.value, raw) if raw and raw != value.value else (value.value,)
