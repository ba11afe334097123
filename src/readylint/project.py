"""The project pass: merged facts in, project findings out.

``ProjectReport`` is what a project rule yields (a place from the facts and a
message); ``HttpProject`` answers the questions the infrastructure rules ask
of the HTTP facts: which applications exist, every route with its full path
(router mounts across files, koa-router prefixes, Nest controller prefixes and
``setGlobalPrefix`` joined), and which settings count for an application.
"""

from __future__ import annotations

import posixpath
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
        for route, bases in self._route_bases:
            if route["app"] not in (None, app["id"]):
                continue
            for base in bases:
                for global_prefix in prefixes if route["receiver"] is None else [""]:
                    found.append(Route(route, join_paths(global_prefix, base, route["path"])))
        return found

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
