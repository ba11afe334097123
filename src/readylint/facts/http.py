"""HTTP facts: applications, routes, router mounts and exports, and the settings
the infrastructure rules look for (security headers, timeouts, shutdown,
metrics, signal handlers).

Kinds produced:

* ``apps``: ``{id, kind, var, place, serves_identifier}``;
* ``routes``: ``{app, receiver, method, path, place, shallow, health_check}``
  (``app`` is the id of the same-file application the route is registered on,
  else None; ``receiver`` the variable it is registered on);
* ``routers``: ``{var, prefix}`` made here (``express.Router()``, koa-router);
* ``mounts``: ``{receiver, app, prefix, target, module, imported}``;
* ``exports``: ``{local, exported}`` and ``imports``: ``{local, module, imported}``;
* ``settings``: ``{what, app, how, place}`` for ``security-headers``,
  ``timeout``, ``shutdown``, ``metrics``, ``global-prefix`` (with ``prefix``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from readylint import needles
from readylint.facts import Fact, FileFacts, Placer
from readylint.patterns import descendants
from readylint.queries import holding
from readylint.semantics import (
    FUNCTION_TYPES,
    Semantics,
    call_arguments,
    call_function,
    call_receiver,
    function_parameters,
    member_name,
    node_text,
    parent_of,
    pattern_names,
    unwrap,
)
from readylint.values import Obj, Str

if TYPE_CHECKING:
    from tree_sitter import Node

    from readylint.rule import FileContext

CAPTURES = ("call", "new", "class", "decorator", "assignment", "import", "export")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "head", "options"})
NEST_METHODS = {
    "Get": "get", "Post": "post", "Put": "put", "Patch": "patch", "Delete": "delete",
    "All": "all", "Head": "head", "Options": "options",
}  # fmt: skip
SECURITY_HEADER_LIBS = frozenset({"helmet", "@fastify/helmet", "koa-helmet", "fastify-helmet"})
TIMEOUT_LIBS = frozenset({"connect-timeout", "express-timeout-handler"})
METRICS_LIBS = frozenset(
    {
        "prom-client",
        "express-prom-bundle",
        "@willsoto/nestjs-prometheus",
        "@opentelemetry/sdk-metrics",
        "@opentelemetry/exporter-prometheus",
        "fastify-metrics",
        "koa-prometheus-adv",
    }
)
SHUTDOWN_LIBS = frozenset(
    {
        "@godaddy/terminus",
        "http-terminator",
        "stoppable",
        "lightship",
        "@nestjs/terminus",
        "close-with-grace",
    }
)
# the method names _call acts on (anything else is skipped before any other work)
CALL_METHODS = HTTP_METHODS | {
    "Router", "route", "use", "register", "on", "enableShutdownHooks", "setGlobalPrefix",
    "setTimeout", "useGlobalInterceptors", "setHeader", "header", "set", "writeHead",
}  # fmt: skip
# callee names that can make an application, besides imported names; "" is a callee
# with no name, such as require('express')()
APP_MAKERS = frozenset({"create", "createServer", "fastify", "default", ""})
# every application kind's module or function, one of which a file that makes one names
APP_MAKER_WORDS = needles.keys(
    (b"express", b"fastify", b"koa", b"hono", b"NestFactory", b"createServer")
)
ROUTER_MODULES = frozenset({"koa-router", "@koa/router", "express"})
NODE_HTTP = frozenset({"http", "https", "node:http", "node:https"})
# the modules _application_kind knows an application (or server) is made with
APP_MODULES = frozenset({"express", "fastify", "koa", "hono", *NODE_HTTP})
SECURITY_HEADERS = frozenset({"content-security-policy", "x-content-type-options"})
SAFE_GLOBALS = frozenset(
    {"JSON", "Date", "process", "Math", "String", "Number", "Boolean", "undefined", "Object"}
)
# lowered substrings, one of which a file must hold to have HTTP facts
NEEDLES = needles.declare(
    b"express", b"fastify", b"koa", b"nestfactory", b"createserver", b"hono", b"router",
    b"@controller", b"helmet", b"sigterm", b"sigint", b".settimeout(", b"requesttimeout",
    b"headerstimeout", b"connectiontimeout", b"interceptor", b"connect-timeout",
    b"timeout-handler", b"prom-client", b"prometheus", b"metrics", b"terminus", b"terminator",
    b"enableshutdownhooks", b"stoppable", b"lightship", b"close-with-grace",
    b"content-security-policy", b"x-content-type-options",
)  # fmt: skip


# what an assignment the extractor records names: a server timeout or an export
ASSIGNMENT_WORDS = needles.declare(b"timeout", b"exports")


class _Extractor:
    def __init__(self, ctx: FileContext, place: Placer) -> None:
        self.ctx = ctx
        self.sem: Semantics = ctx.semantics
        self.place = place
        self.facts: FileFacts = {
            k: [] for k in ("apps", "routes", "routers", "mounts", "exports", "imports", "settings")
        }
        self.app_vars: dict[str, str] = {}  # variable -> app id

    def run(self) -> FileFacts:
        news = self.ctx.captures.get("new", [])
        imports = self.sem.imports
        # every application kind comes from a module or function the file names
        # (see _application_kind): most files that have HTTP facts make none
        if self.ctx.mentions.any_key(APP_MAKER_WORDS):
            # only these callees can make an application (see _may_create_application)
            makers = self.ctx.calls.matching(lambda name: name in imports or name in APP_MAKERS)
            for node in [*makers, *news]:
                self._application(node)
        # a router made with `new` comes from one of these modules, imported in this file
        if any(b.module in ROUTER_MODULES for b in imports.values()):
            for node in news:
                self._koa_router(node)
        for node in self.ctx.calls.matching(
            lambda name: name in CALL_METHODS or self._is_router_import(name)
        ):
            self._call(node)
        for node in self.ctx.captures.get("class", []):
            self._nest_controller(node)
            self._global_interceptor_class(node)
        # a timeout setting or an export names "timeout" or "exports" inside it
        words = self.ctx.mentions.starts(ASSIGNMENT_WORDS)
        for node in holding(self.ctx.captures.get("assignment", []), words):
            self._assignment(node)
        self._imports_and_exports()
        return {k: v for k, v in self.facts.items() if v}

    # -- applications -------------------------------------------------------------

    def _application(self, node: Node) -> None:
        kind = self._application_kind(node)
        if kind is None:
            return
        args = call_arguments(node)
        serves_identifier = kind == "http" and bool(args) and args[-1].type == "identifier"
        if kind == "http" and serves_identifier:
            target = node_text(args[-1])
            if target in self.app_vars:  # the server of an application made here
                return
        var = _assigned_name(node)
        app_id = f"{self.place.path}:{node.start_byte}"
        self.facts["apps"].append(
            {
                "id": app_id,
                "kind": kind,
                "var": var,
                "place": self.place.node(node),
                "serves_identifier": serves_identifier,
            }
        )
        if var:
            self.app_vars[var] = app_id
        if kind == "fastify" and args:
            options = self.sem.value(args[0])
            if isinstance(options, Obj) and (
                options.has("connectionTimeout") or options.has("requestTimeout")
            ):
                self._setting("timeout", app_id, "fastify options", node)

    def _application_kind(self, node: Node) -> str | None:
        if not self._may_create_application(node):
            return None
        ref = self.sem.callee(node)
        name = node_text(call_function(node))
        if node.type == "new_expression":
            if ref == ("koa", "default"):
                return "koa"
            if ref is not None and ref[0] == "hono" and ref[1] == "Hono":
                return "hono"
            return None
        if ref == ("express", "default"):
            return "express"
        if ref is not None and ref[0] == "fastify" and ref[1] in ("default", "fastify", "Fastify"):
            return "fastify"
        if name.endswith("NestFactory.create"):
            return "nest"
        if ref is not None and ref[0] in NODE_HTTP and ref[1] == "createServer":
            return "http"
        return None

    def _may_create_application(self, node: Node) -> bool:
        """A cheap look at the callee before resolving it: a name imported from a
        module applications are made with, ``X.create``/``X.createServer``, or
        ``require(…)(…)``."""
        fn = call_function(node)
        if fn is None:
            return False
        if fn.type == "identifier":
            binding = self.sem.imports.get(node_text(fn))
            return binding is not None and binding.module in APP_MODULES
        if fn.type == "member_expression":
            return node_text(fn.child_by_field_name("property")) in APP_MAKERS
        return fn.type == "call_expression"

    # -- calls: routes, mounts, settings ----------------------------------------------

    def _call(self, node: Node) -> None:
        method = member_name(node)  # run() hands over only CALL_METHODS and Router imports
        receiver_node = call_receiver(node)
        receiver = node_text(receiver_node) if receiver_node is not None else ""
        args = call_arguments(node)
        app = self.app_vars.get(receiver)
        ref = self.sem.callee(node)
        if (ref is not None and ref[0] == "express" and ref[1] == "Router") or (
            method == "Router" and receiver == "express"
        ):
            var = _assigned_name(node)
            if var:
                self.facts["routers"].append({"var": var, "prefix": ""})
            return
        if receiver_node is None:
            return
        if method in HTTP_METHODS and args:
            self._route(node, receiver, app, method, args)
        elif method == "route" and args:
            self._route_call(node, receiver, app, args)
        elif method in ("use", "register"):
            self._use(node, receiver, app, args)
        elif method == "on" and receiver == "process" and args:
            signal = self.sem.value(args[0])
            if isinstance(signal, Str) and signal.value in ("SIGTERM", "SIGINT"):
                self._setting("shutdown", None, f"process.on('{signal.value}')", node)
        elif method == "enableShutdownHooks":
            self._setting("shutdown", app, "enableShutdownHooks()", node)
        elif method == "setGlobalPrefix" and args:
            prefix = self.sem.value(args[0])
            if isinstance(prefix, Str):
                fact = self._setting("global-prefix", app, "setGlobalPrefix", node)
                fact["prefix"] = prefix.value
        elif method == "setTimeout" and args and _is_server_timeout(receiver, args):
            self._setting("timeout", app, f"{receiver}.setTimeout()", node)
        elif method == "useGlobalInterceptors":
            if any("Timeout" in node_text(a) for a in args):
                self._setting("timeout", app, "global timeout interceptor", node)
        elif method in ("setHeader", "header", "set", "writeHead"):
            self._header(node, args)

    def _is_router_import(self, name: str) -> bool:
        binding = self.sem.imports.get(name)
        return binding is not None and binding.module == "express" and binding.imported == "Router"

    def _route(
        self, node: Node, receiver: str, app: str | None, method: str, args: list[Node]
    ) -> None:
        path = self.sem.value(args[0])
        if not isinstance(path, Str):
            if method == "get" and len(args) == 1:
                return  # app.get('setting') reads a setting
            return
        handler = args[-1] if len(args) > 1 else None
        self.facts["routes"].append(
            {
                "app": app,
                "receiver": receiver,
                "method": method,
                "path": path.value,
                "place": self.place.node(node),
                "shallow": _is_shallow_handler(self.sem, handler),
                "health_check": False,
            }
        )

    def _route_call(self, node: Node, receiver: str, app: str | None, args: list[Node]) -> None:
        options = self.sem.value(args[0])
        if isinstance(options, Obj):  # fastify.route({ method, url, handler })
            url = options.get("url") or options.get("path")
            if isinstance(url, Str):
                method = options.get("method")
                handler = options.value_node("handler")
                self.facts["routes"].append(
                    {
                        "app": app,
                        "receiver": receiver,
                        "method": method.value.lower() if isinstance(method, Str) else "get",
                        "path": url.value,
                        "place": self.place.node(node),
                        "shallow": _is_shallow_handler(self.sem, handler),
                        "health_check": False,
                    }
                )
            return
        if isinstance(options, Str):  # app.route('/x').get(handler)
            parent = parent_of(node)
            while parent is not None and parent.type == "member_expression":
                verb = node_text(parent.child_by_field_name("property"))
                call = parent_of(parent)
                if verb not in HTTP_METHODS or call is None or call.type != "call_expression":
                    break
                call_args = call_arguments(call)
                self.facts["routes"].append(
                    {
                        "app": app,
                        "receiver": receiver,
                        "method": verb,
                        "path": options.value,
                        "place": self.place.node(node),
                        "shallow": _is_shallow_handler(
                            self.sem, call_args[-1] if call_args else None
                        ),
                        "health_check": False,
                    }
                )
                parent = parent_of(call)

    def _use(self, node: Node, receiver: str, app: str | None, args: list[Node]) -> None:
        if not args:
            return
        first = self.sem.value(args[0])
        rest = args[1:] if isinstance(first, Str) else args
        prefix = first.value if isinstance(first, Str) else ""
        for arg in rest:
            target = unwrap(arg)
            if target is None:
                continue
            if target.type == "call_expression":
                ref = self.sem.callee(target)
            else:
                ref = self.sem.reference(target)
            module = ref[0] if ref is not None else ""
            text = node_text(target)
            if module in SECURITY_HEADER_LIBS or text.startswith(("helmet(", "helmet.")):
                self._setting("security-headers", app, module or "helmet", node)
            elif module in TIMEOUT_LIBS or text.startswith("timeout("):
                self._setting("timeout", app, module or "timeout middleware", node)
            elif module in METRICS_LIBS:
                self._setting("metrics", app, module, node)
            elif target.type == "identifier":
                self._mount(node, receiver, app, prefix, target)
            elif target.type == "call_expression" and member_name(target) in (
                "routes",
                "middleware",
            ):
                inner = call_receiver(target)  # koa: app.use(router.routes())
                if inner is not None and inner.type == "identifier":
                    self._mount(node, receiver, app, prefix, inner)

    def _mount(self, node: Node, receiver: str, app: str | None, prefix: str, target: Node) -> None:
        binding = self.sem.import_of(target)
        self.facts["mounts"].append(
            {
                "receiver": receiver,
                "app": app,
                "prefix": prefix,
                "target": node_text(target),
                "module": binding.module if binding is not None else None,
                "imported": binding.imported if binding is not None else None,
            }
        )

    def _header(self, node: Node, args: list[Node]) -> None:
        names: list[str] = []
        if len(args) >= 2:
            name = self.sem.value(args[0])
            if isinstance(name, Str):
                names.append(name.value.lower())
        for arg in args:
            value = self.sem.value(arg)
            if isinstance(value, Obj):
                names.extend(k.lower() for k in value.keys)
        if SECURITY_HEADERS & set(names):
            self._setting("security-headers", None, "header set by hand", node)

    def _setting(self, what: str, app: str | None, how: str, node: Node) -> Fact:
        fact = {"what": what, "app": app, "how": how, "place": self.place.node(node)}
        self.facts["settings"].append(fact)
        return fact

    def _koa_router(self, node: Node) -> None:
        ref = self.sem.callee(node)
        if ref is None or ref[0] not in ROUTER_MODULES:
            return
        var = _assigned_name(node)
        if not var:
            return
        prefix = ""
        args = call_arguments(node)
        if args:
            options = self.sem.value(args[0])
            if isinstance(options, Obj) and isinstance(options.get("prefix"), Str):
                prefix = options.get("prefix").value  # type: ignore[union-attr]
        self.facts["routers"].append({"var": var, "prefix": prefix})

    def _assignment(self, node: Node) -> None:
        left = unwrap(node.child_by_field_name("left"))
        if left is None or left.type != "member_expression":
            return
        prop = node_text(left.child_by_field_name("property"))
        if prop in ("requestTimeout", "timeout", "headersTimeout", "keepAliveTimeout"):
            if prop != "keepAliveTimeout":
                self._setting("timeout", None, f"server.{prop}", node)
        elif node_text(left) in ("module.exports", "exports.default"):
            right = unwrap(node.child_by_field_name("right"))
            if right is not None and right.type == "identifier":
                self.facts["exports"].append({"local": node_text(right), "exported": "default"})
        elif node_text(left.child_by_field_name("object")) in ("module.exports", "exports"):
            right = unwrap(node.child_by_field_name("right"))
            if right is not None and right.type == "identifier":
                self.facts["exports"].append({"local": node_text(right), "exported": prop})

    # -- NestJS ---------------------------------------------------------------------

    def _nest_controller(self, cls: Node) -> None:
        decorators = _decorators(cls)
        controller = next((d for d in decorators if _decorator_name(d) == "Controller"), None)
        if controller is None:
            return
        prefix = _decorator_path(self.sem, controller)
        if prefix is None:
            return
        body = cls.child_by_field_name("body")
        if body is None:
            return
        pending: list[Node] = []
        for member in body.named_children:
            if member.type == "decorator":
                pending.append(member)
                continue
            if member.type != "method_definition":
                pending = []
                continue
            method_decorators = pending + _decorators(member)
            pending = []
            for decorator in method_decorators:
                verb = NEST_METHODS.get(_decorator_name(decorator))
                if verb is None:
                    continue
                sub = _decorator_path(self.sem, decorator)
                if sub is None:
                    continue
                self.facts["routes"].append(
                    {
                        "app": None,
                        "receiver": None,
                        "method": verb,
                        "path": join_paths(prefix, sub),
                        "place": self.place.node(decorator),
                        "shallow": _is_shallow_handler(self.sem, member),
                        "health_check": any(
                            _decorator_name(d) == "HealthCheck" for d in method_decorators
                        ),
                    }
                )

    def _global_interceptor_class(self, cls: Node) -> None:
        """``{ provide: APP_INTERCEPTOR, useClass: TimeoutInterceptor }`` in a module."""
        text = node_text(cls)
        if "APP_INTERCEPTOR" in text and re.search(r"useClass:\s*\w*Timeout\w*", text):
            self._setting("timeout", None, "APP_INTERCEPTOR timeout", cls)

    # -- imports / exports ------------------------------------------------------------

    def _imports_and_exports(self) -> None:
        for local, binding in self.sem.imports.items():
            self.facts["imports"].append(
                {"local": local, "module": binding.module, "imported": binding.imported}
            )
            if binding.module in METRICS_LIBS:
                self._setting("metrics", None, binding.module, binding.node)
            elif binding.module in SHUTDOWN_LIBS:
                self._setting("shutdown", None, binding.module, binding.node)
            elif binding.module in TIMEOUT_LIBS:
                self._setting("timeout", None, binding.module, binding.node)
        for node in self.ctx.captures.get("export", []):
            self._export(node)

    def _export(self, node: Node) -> None:
        text = node_text(node)
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if text.startswith("export default") and value is not None:
            value = unwrap(value)
            if value is not None and value.type == "identifier":
                self.facts["exports"].append({"local": node_text(value), "exported": "default"})
            return
        if declaration is not None:
            for child in declaration.named_children:
                if child.type == "variable_declarator":
                    name = node_text(child.child_by_field_name("name"))
                    self.facts["exports"].append({"local": name, "exported": name})
            return
        for clause in node.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                local = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or local
                self.facts["exports"].append(
                    {"local": node_text(local), "exported": node_text(alias)}
                )


def extract(ctx: FileContext, place: Placer) -> FileFacts:
    return _Extractor(ctx, place).run()


# -- helpers ------------------------------------------------------------------------


TIMER_RECEIVERS = frozenset({"window", "global", "globalThis", "self", "timers"})


def _is_server_timeout(receiver: str, args: list[Node]) -> bool:
    """``server.setTimeout(30_000)``, not the timer ``global.setTimeout(fn, ms)``."""
    first = unwrap(args[0])
    return (
        receiver not in TIMER_RECEIVERS and first is not None and first.type not in FUNCTION_TYPES
    )


def join_paths(*parts: str) -> str:
    joined = "/".join(p.strip("/") for p in parts if p and p.strip("/"))
    return "/" + joined


def _assigned_name(node: Node) -> str:
    """``app`` in ``const app = express()`` / ``app = express()`` / ``await``-wrapped."""
    parent = parent_of(node)
    while parent is not None and parent.type in (
        "await_expression",
        "parenthesized_expression",
        "as_expression",
    ):
        parent = parent_of(parent)
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return node_text(name) if name is not None and name.type == "identifier" else ""
    if parent.type == "assignment_expression":
        return node_text(parent.child_by_field_name("left"))
    if parent.type in ("public_field_definition", "field_definition"):
        name = parent.child_by_field_name("name") or parent.child_by_field_name("property")
        return "this." + node_text(name)
    return ""


def _decorators(node: Node) -> list[Node]:
    found = [c for c in node.children if c.type == "decorator"]
    parent = parent_of(node)  # `export class` keeps class decorators on the export statement
    if (
        node.type == "class_declaration"
        and parent is not None
        and parent.type == "export_statement"
    ):
        found = [c for c in parent.children if c.type == "decorator"] + found
    return found


def _decorator_name(decorator: Node) -> str:
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is None:
        return ""
    if inner.type == "call_expression":
        inner = call_function(inner)
    text = node_text(inner)
    return text.rsplit(".", 1)[-1]


def _decorator_path(sem: Semantics, decorator: Node) -> str | None:
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is None or inner.type != "call_expression":
        return ""
    args = call_arguments(inner)
    if not args:
        return ""
    value = sem.value(args[0])
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Obj):
        path = value.get("path")
        return path.value if isinstance(path, Str) else ("" if path is None else None)
    return None


def _is_shallow_handler(sem: Semantics, handler: Node | None) -> bool | None:
    """True when a handler only returns or sends a constant: no await, and no
    reference to anything but its own parameters and harmless globals.
    None when the handler is not a function written here (unknown)."""
    handler = unwrap(handler)
    if handler is None or handler.type not in FUNCTION_TYPES:
        return None
    params: set[str] = set()
    for param in function_parameters(handler):
        params.update(pattern_names(param))
    body = handler.child_by_field_name("body")
    if body is None:
        return None
    nodes: list[Any] = [body, *descendants(body)]
    for node in nodes:
        if node.type in ("await_expression", "this", "yield_expression"):
            return False
        if node.type == "identifier" and node_text(node) not in params | SAFE_GLOBALS:
            return False
        if node.type == "call_expression":
            callee = node_text(call_function(node))
            root = callee.split(".", 1)[0].split("(", 1)[0]
            if root not in params and root not in SAFE_GLOBALS and root != "new":
                return False
    return True
