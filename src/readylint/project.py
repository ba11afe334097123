"""The project pass: merged facts in, project findings out.

``ProjectReport`` is what a project rule yields (a place from the facts and a
message); ``HttpProject`` answers the questions the infrastructure rules ask
of the HTTP facts: which applications exist, every route with its full path
(router mounts across files, koa-router prefixes, Nest controller prefixes and
``setGlobalPrefix`` joined), and which settings count for an application.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from readylint.facts import Fact, ProjectFacts
from readylint.facts.http import join_paths
from readylint.findings import Level

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
    def __init__(self, facts: ProjectFacts) -> None:
        self.facts = facts

    @cached_property
    def apps(self) -> list[Fact]:
        """Applications; an ``http.createServer(app)`` whose handler is an
        application made elsewhere in the project is that application's server."""
        apps = self.facts["apps"]
        others = [a for a in apps if not (a["kind"] == "http" and a["serves_identifier"])]
        if not others:
            return apps
        return others

    def settings(self, app: Fact, what: str) -> list[Fact]:
        return [
            s for s in self.facts["settings"] if s["what"] == what and s["app"] in (None, app["id"])
        ]

    def routes(self, app: Fact) -> list[Route]:
        prefixes = [p.get("prefix", "") for p in self.settings(app, "global-prefix")] or [""]
        found = []
        for route in self.facts["routes"]:
            if route["app"] not in (None, app["id"]):
                continue
            for base in self._prefixes(route["place"]["path"], route["receiver"], route["app"], 0):
                for global_prefix in prefixes if route["receiver"] is None else [""]:
                    found.append(Route(route, join_paths(global_prefix, base, route["path"])))
        return found

    # -- router mounts ------------------------------------------------------------------

    @cached_property
    def _routers(self) -> dict[tuple[str, str], str]:
        """(file, router variable) -> its own prefix (koa-router ``prefix``)."""
        table: dict[tuple[str, str], str] = {}
        for path, facts in self._by_file("routers"):
            for router in facts:
                table[(path, router["var"])] = router["prefix"]
        return table

    @cached_property
    def _mounts_by_target(self) -> dict[str, list[Fact]]:
        """Same-file mounts by the router variable they mount."""
        table: dict[str, list[Fact]] = {}
        for mount in self.facts["mounts"]:
            if mount["module"] is None:
                table.setdefault(mount["target"], []).append(mount)
        return table

    @cached_property
    def _imported_mounts(self) -> list[Fact]:
        return [m for m in self.facts["mounts"] if m["module"] is not None]

    def _by_file(self, kind: str) -> Iterator[tuple[str, list[Fact]]]:
        grouped: dict[str, list[Fact]] = {}
        for fact in self.facts[kind]:
            grouped.setdefault(fact["file"], []).append(fact)
        yield from grouped.items()

    def _prefixes(self, path: str, receiver: str | None, app: str | None, depth: int) -> list[str]:
        if receiver is None or app is not None or depth > MAX_MOUNT_DEPTH:
            return [""]
        own = self._routers.get((path, receiver), "")
        results: list[str] = []
        for mount in self._mounts_by_target.get(receiver, []) + self._imported_mounts:
            if not self._mounts_router(mount, path, receiver):
                continue
            for outer in self._prefixes(mount["file"], mount["receiver"], mount["app"], depth + 1):
                results.append(join_paths(outer, mount["prefix"], own))
        return results or [join_paths(own)]

    def _mounts_router(self, mount: Fact, path: str, receiver: str) -> bool:
        if mount["module"] is None:
            return bool(mount["file"] == path and mount["target"] == receiver)
        if resolve_import(mount["file"], mount["module"]) not in _module_keys(path):
            return False
        wanted = "default" if mount["imported"] in ("*", "default") else mount["imported"]
        return any(
            e["file"] == path and e["local"] == receiver and e["exported"] == wanted
            for e in self.facts["exports"]
        )


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
