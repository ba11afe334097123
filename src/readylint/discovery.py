"""Which files a run lints, and where the project root is.

Directories are walked without following symlinked directories (so a
symlink loop cannot trap the walk), honouring every ``.gitignore`` on the way
(nested ones apply below their folder), the always-skipped folders and files,
and the config's ``exclude``. ``.env*`` files that git tracks are linted even
when a ``.gitignore`` names them: tracked means committed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from readylint.source import language_for

ALWAYS_SKIPPED_DIRS = frozenset(
    {"node_modules", "dist", "build", "coverage", ".git", ".readylint_cache", ".hg", ".svn"}
)
ALWAYS_SKIPPED_SUFFIXES = (".min.js", ".d.ts", ".d.mts", ".d.cts")


@dataclass(frozen=True)
class Candidate:
    """A file to lint."""

    location: str  # the absolute path, as the OS takes it
    path: str  # relative to the project root, '/' separated
    lint_relative: str  # relative to the directory being linted (test-file decisions)
    committed: bool  # tracked by git, or not ignored (matters for .env files)

    @property
    def absolute(self) -> Path:
        """``location`` as a Path (built on demand: the walk makes thousands of these)."""
        return Path(self.location)


@dataclass
class Discovery:
    files: list[Candidate]
    missing: list[str]  # paths given on the command line that do not exist
    project_root: Path
    directories_given: bool


def git_toplevel(start: Path) -> Path | None:
    directory = start if start.is_dir() else start.parent
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip()).resolve()


def git_tracked_env_files(top: Path | None) -> set[str]:
    """Paths (relative to the git top level) of tracked ``.env*`` files."""
    if top is None:
        return set()
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", ".env*", "**/.env*"],
            cwd=top,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if result.returncode != 0:
        return set()
    return {p for p in result.stdout.decode("utf-8", "replace").split("\0") if p}


def is_lintable_name(name: str) -> bool:
    if name.endswith(ALWAYS_SKIPPED_SUFFIXES):
        return False
    return language_for(name) is not None


def _relative(path: Path, base: Path) -> str:
    return _relative_str(str(path), str(base))


def _relative_str(path: str, base: str) -> str:
    """``path`` relative to ``base`` (both absolute), '/'-separated. Plain string work:
    the walk does this for every file, and pathlib costs microseconds a call."""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if path.startswith(prefix):
        rel = path[len(prefix) :]
    elif path == base:
        rel = "."
    else:
        rel = os.path.relpath(path, base)
    return rel if os.sep == "/" else rel.replace(os.sep, "/")


class _IgnoreStack:
    """The .gitignore specs in force for a directory, nearest last."""

    def __init__(self, exclude: pathspec.GitIgnoreSpec | None, exclude_base: Path) -> None:
        self.exclude = exclude
        self.exclude_base = str(exclude_base)

    @staticmethod
    def load(directory: Path | str) -> pathspec.GitIgnoreSpec | None:
        gitignore = os.path.join(directory, ".gitignore")
        try:
            with open(gitignore, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return None
        return pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(
        self, path: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]
    ) -> bool:
        for base, spec in specs:
            rel = _relative_str(path, base) + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
        return self.excluded(path, is_dir)

    def excluded(self, path: Path | str, is_dir: bool) -> bool:
        if self.exclude is None:
            return False
        rel = _relative_str(str(path), self.exclude_base)
        if rel.startswith(".."):
            return False
        return self.exclude.match_file(rel + ("/" if is_dir else ""))


@dataclass
class DiscoveryPlan:
    """What is known before the walk: the project root, the paths that do not exist,
    whether directories were given. ``candidates()`` walks lazily, so linting can
    start on the first files while the rest of the tree is still being listed."""

    given: list[tuple[Path, bool]]  # the paths that exist (absolute) and whether a directory
    project_root: Path
    top: Path | None
    tracked_env: set[str]
    ignores: _IgnoreStack
    force_exclude: bool
    missing: list[str]
    directories_given: bool

    def candidates(self) -> Iterator[Candidate]:
        """Each file once, in walk order (not sorted)."""
        seen: set[str] = set()
        for absolute, is_dir in self.given:
            if is_dir:
                found: Iterable[Candidate] = _walk(
                    absolute, self.project_root, self.top, self.ignores, self.tracked_env
                )
            else:
                if self.force_exclude and self.ignores.excluded(absolute, False):
                    continue
                rel = _relative(absolute, self.project_root)
                committed = _committed_explicit(absolute, self.top, self.tracked_env)
                found = [Candidate(str(absolute), rel, absolute.name, committed)]
            for candidate in found:
                if candidate.path not in seen:
                    seen.add(candidate.path)
                    yield candidate


def plan(
    paths: list[Path],
    exclude: list[str] | None = None,
    exclude_base: Path | None = None,
    force_exclude: bool = False,
) -> DiscoveryPlan:
    first = (paths[0] if paths else Path(".")).resolve()
    top = git_toplevel(first)
    root = top or Path.cwd().resolve()
    tracked_env = (
        {(top / p).resolve().as_posix() for p in git_tracked_env_files(top)} if top else set()
    )
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
    ignores = _IgnoreStack(exclude_spec, (exclude_base or root).resolve())
    existing: list[tuple[Path, bool]] = []
    missing: list[str] = []
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if absolute.is_dir():
            existing.append((absolute, True))
        elif absolute.exists() or absolute.is_symlink():
            existing.append((absolute, False))
        else:
            missing.append(str(given))
    directories_given = any(is_dir for _, is_dir in existing)
    return DiscoveryPlan(
        existing, root, top, tracked_env, ignores, force_exclude, missing, directories_given
    )


def discover(
    paths: list[Path],
    exclude: list[str] | None = None,
    exclude_base: Path | None = None,
    force_exclude: bool = False,
) -> Discovery:
    """Every file to lint, sorted by path."""
    planned = plan(paths, exclude, exclude_base, force_exclude)
    ordered = sorted(planned.candidates(), key=lambda c: c.path)
    return Discovery(ordered, planned.missing, planned.project_root, planned.directories_given)


def _committed_explicit(absolute: Path, top: Path | None, tracked_env: set[str]) -> bool:
    if top is None:
        return True
    if absolute.resolve().as_posix() in tracked_env:
        return True
    specs = _specs_above(absolute.parent, top)
    return not any(spec.match_file(_relative_str(str(absolute), base)) for base, spec in specs)


def _specs_above(directory: Path, top: Path) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    specs = []
    current = directory.resolve()
    chain = [current, *current.parents]
    for folder in chain:
        spec = _IgnoreStack.load(folder)
        if spec is not None:
            specs.append((str(folder), spec))
        if folder == top:
            break
    return specs


def _walk(
    start: Path,
    root: Path,
    top: Path | None,
    ignores: _IgnoreStack,
    tracked_env: set[str],
) -> Iterator[Candidate]:
    initial_specs = _specs_above(start.parent, top) if top is not None and start != top else []
    root_str, start_str = str(root), str(start)
    Specs = list[tuple[str, pathspec.GitIgnoreSpec]]
    stack: list[tuple[str, Specs]] = [(start_str, initial_specs)]
    while stack:
        directory, specs = stack.pop()
        own = _IgnoreStack.load(directory)
        if own is not None:
            specs = [*specs, (directory, own)]
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name in ALWAYS_SKIPPED_DIRS or ignores.ignored(path, True, specs):
                    continue
                subdirs.append((path, specs))
                continue
            if not is_lintable_name(entry.name):
                continue
            is_env = entry.name.startswith(".env")
            tracked = Path(path).resolve().as_posix() in tracked_env if is_env else False
            if ignores.ignored(path, False, specs) and not tracked:
                continue
            rel = _relative_str(path, root_str)
            yield Candidate(path, rel, _relative_str(path, start_str), True)
        stack.extend(reversed(subdirs))
