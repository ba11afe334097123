"""The project pass: merged facts in, project findings out.

``ProjectReport`` is what a project rule yields (a place from the facts and a
message); ``HttpProject`` answers the questions the infrastructure rules ask
of the HTTP facts: which applications exist, every route with its full path
(router mounts across files, koa-router prefixes, Nest controller prefixes and
``setGlobalPrefix`` joined), and which settings count for an application.
"""

from __future__ import annotations

import heapq
import posixpath
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from readylint.facts import Fact, ProjectFacts
from readylint.facts.http import join_paths
from readylint.findings import Level

_first = itemgetter(0)  # merge (index, item) lists back into the facts' order
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
MAX_MOUNT_DEPTH = 8


@dataclass
class ProjectReport:
    place: Fact  # {"path", "line", "col", ...} as facts carry it
    message: str
    level: Level | None = None


@dataclass(frozen=True)
class Route:
    fact: Fact
    full_path: str

    @property
    def place(self) -> Fact:
        return self.fact["place"]  # type: ignore[no-any-return]


def _module_key(path: str) -> str:
    """``src/routes/health.routes.ts`` -> ``src/routes/health.routes``; index files
    also answer to their folder."""
    for suffix in SOURCE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def resolve_import(from_path: str, module: str) -> str | None:
    """A relative import specifier resolved to a module key, or None for packages."""
    if not module.startswith("."):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), module))
    return _module_key(joined)


class HttpProject:
    """Apps, routes and settings of the whole project. A route or setting that no
    application owns (a router's route, a ``process.on('SIGTERM')``) counts for every
    application: those are expanded and matched once, not once per application, so
    the pass stays linear when a monorepo holds many applications."""

    def __init__(self, facts: ProjectFacts) -> None:
        self.facts = facts
        self._unbound_routes: dict[tuple[str, ...], list[tuple[int, Route]]] = {}
        self._unbound_matches: dict[
            tuple[tuple[str, ...], tuple[str, ...]], list[tuple[int, Route]]
        ] = {}

    @classmethod
    def of(cls, facts: ProjectFacts) -> HttpProject:
        """The project's one analysis, shared by every project rule."""
        found = facts.analyses.get("http")
        if found is None:
            found = facts.analyses["http"] = cls(facts)
        return found

    @cached_property
    def apps(self) -> list[Fact]:
        """Applications; an ``http.createServer(app)`` whose handler is an
        application made elsewhere in the project is that application's server."""
        apps = self.facts["apps"]
        others = [a for a in apps if not (a["kind"] == "http" and a["serves_identifier"])]
        if not others:
            return apps
        return others

    # -- settings -------------------------------------------------------------------

    @cached_property
    def _settings_by(self) -> dict[tuple[str, str | None], list[tuple[int, Fact]]]:
        """(what, owning app or None) -> the settings, with their place in the facts."""
        table: dict[tuple[str, str | None], list[tuple[int, Fact]]] = {}
        for index, setting in enumerate(self.facts["settings"]):
            table.setdefault((setting["what"], setting["app"]), []).append((index, setting))
        return table

    def settings(self, app: Fact, what: str) -> list[Fact]:
        """The settings of one kind that count for ``app``, in the facts' order."""
        own = self._settings_by.get((what, app["id"]), [])
        shared = self._settings_by.get((what, None), [])
        return [s for _, s in heapq.merge(own, shared, key=_first)]

    def has_setting(self, app: Fact, what: str) -> bool:
        return bool(self._settings_by.get((what, app["id"]))) or bool(
            self._settings_by.get((what, None))
        )

    # -- routes ---------------------------------------------------------------------

    def routes(self, app: Fact) -> list[Route]:
        """Every route of ``app`` with its full path, in the facts' order."""
        prefixes = self._global_prefixes(app)
        own = self._own_routes(app, prefixes)
        return [r for _, r in heapq.merge(own, self._unbound(prefixes), key=_first)]

    def matching_routes(self, app: Fact, candidates: list[str]) -> list[Route]:
        """The routes of ``app`` whose full path ends with one of ``candidates``."""
        prefixes = self._global_prefixes(app)
        key = (prefixes, tuple(candidates))
        shared = self._unbound_matches.get(key)
        if shared is None:
            shared = [
                (i, r) for i, r in self._unbound(prefixes) if path_matches(r.full_path, candidates)
            ]
            self._unbound_matches[key] = shared
        own = [
            (i, r)
            for i, r in self._own_routes(app, prefixes)
            if path_matches(r.full_path, candidates)
        ]
        return [r for _, r in heapq.merge(own, shared, key=_first)]

    def _global_prefixes(self, app: Fact) -> tuple[str, ...]:
        return tuple(p.get("prefix", "") for p in self.settings(app, "global-prefix")) or ("",)

    def _own_routes(self, app: Fact, prefixes: tuple[str, ...]) -> list[tuple[int, Route]]:
        return self._expand(self._bases_by_app.get(app["id"], []), prefixes)

    def _unbound(self, prefixes: tuple[str, ...]) -> list[tuple[int, Route]]:
        found = self._unbound_routes.get(prefixes)
        if found is None:
            found = self._unbound_routes[prefixes] = self._expand(
                self._bases_by_app.get(None, []), prefixes
            )
        return found

    @staticmethod
    def _expand(
        routes: list[tuple[int, Fact, list[str]]], prefixes: tuple[str, ...]
    ) -> list[tuple[int, Route]]:
        return [
            (index, Route(route, join_paths(global_prefix, base, route["path"])))
            for index, route, bases in routes
            for base in bases
            for global_prefix in (prefixes if route["receiver"] is None else ("",))
        ]

    @cached_property
    def _bases_by_app(self) -> dict[str | None, list[tuple[int, Fact, list[str]]]]:
        """Routes by owning app (None: no app, counts for all), with their index."""
        table: dict[str | None, list[tuple[int, Fact, list[str]]]] = {}
        for index, (route, bases) in enumerate(self._route_bases):
            table.setdefault(route["app"], []).append((index, route, bases))
        return table

    @cached_property
    def _route_bases(self) -> list[tuple[Fact, list[str]]]:
        """Every route with the mount prefixes that lead to it, computed once."""
        return [
            (route, self._prefixes(route["place"]["path"], route["receiver"], route["app"], 0))
            for route in self.facts["routes"]
        ]

    # -- router mounts ------------------------------------------------------------------

    @cached_property
    def _routers(self) -> dict[tuple[str, str], str]:
        """(file, router variable) -> its own prefix (koa-router ``prefix``)."""
        return {(r["file"], r["var"]): r["prefix"] for r in self.facts["routers"]}

    @cached_property
    def _local_mounts(self) -> dict[tuple[str, str], list[Fact]]:
        """Same-file mounts by (file, router variable)."""
        table: dict[tuple[str, str], list[Fact]] = {}
        for mount in self.facts["mounts"]:
            if mount["module"] is None:
                table.setdefault((mount["file"], mount["target"]), []).append(mount)
        return table

    @cached_property
    def _imported_mounts(self) -> dict[str, list[Fact]]:
        """Mounts of an imported router, by the module key their import resolves to."""
        table: dict[str, list[Fact]] = {}
        for mount in self.facts["mounts"]:
            if mount["module"] is not None:
                key = resolve_import(mount["file"], mount["module"])
                if key is not None:
                    table.setdefault(key, []).append(mount)
        return table

    @cached_property
    def _exports(self) -> dict[tuple[str, str], set[str]]:
        """(file, local name) -> the names it is exported as."""
        table: dict[tuple[str, str], set[str]] = {}
        for export in self.facts["exports"]:
            table.setdefault((export["file"], export["local"]), set()).add(export["exported"])
        return table

    def _prefixes(self, path: str, receiver: str | None, app: str | None, depth: int) -> list[str]:
        if receiver is None or app is not None or depth > MAX_MOUNT_DEPTH:
            return [""]
        own = self._routers.get((path, receiver), "")
        exported = self._exports.get((path, receiver), set())
        candidates = list(self._local_mounts.get((path, receiver), []))
        for key in _module_keys(path) if exported else ():
            for mount in self._imported_mounts.get(key, []):
                wanted = "default" if mount["imported"] in ("*", "default") else mount["imported"]
                if wanted in exported:
                    candidates.append(mount)
        results: list[str] = []
        for mount in candidates:
            for outer in self._prefixes(mount["file"], mount["receiver"], mount["app"], depth + 1):
                results.append(join_paths(outer, mount["prefix"], own))
        return results or [join_paths(own)]


def _module_keys(path: str) -> set[str]:
    """The specifiers (without extension) that import ``path``; an index file
    also answers to its folder."""
    key = _module_key(path)
    keys = {key}
    if posixpath.basename(key) == "index":
        keys.add(posixpath.dirname(key))
    return keys


APP_NAMES = {
    "express": "Express application",
    "fastify": "Fastify application",
    "koa": "Koa application",
    "nest": "NestJS application",
    "http": "HTTP server",
    "hono": "Hono application",
}


def describe_app(app: Fact) -> str:
    return "the " + APP_NAMES.get(app["kind"], "application")


def path_matches(full_path: str, candidates: list[str]) -> bool:
    """Does a route's full path end with one of ``candidates`` (trailing '/' ignored)?"""
    path = full_path.rstrip("/") or "/"
    return any(path.endswith(c.rstrip("/") or "/") for c in candidates)
