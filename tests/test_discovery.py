"""File discovery: extensions, .gitignore (nested), always-skipped paths, excludes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from readylint.discovery import discover


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("const a = 1;\n", encoding="utf-8")


def found(root: Path, **kwargs) -> list[str]:
    result = discover([root], **kwargs)
    base = root.resolve()
    return sorted(c.absolute.resolve().relative_to(base).as_posix() for c in result.files)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_extensions_and_always_skipped(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "a.ts", "b.tsx", "c.mts", "d.cts", "e.js", "f.jsx", "g.mjs", "h.cjs", ".env", ".env.local",
        "ormconfig.json", "package.json", "README.md", "x.py", "types.d.ts", "vendor.min.js",
        "node_modules/pkg/index.js", "dist/app.js", "build/app.js", "coverage/lcov.js", "src/deep/ok.ts",
    )  # fmt: skip
    assert found(tmp_path) == [
        ".env", ".env.local", "a.ts", "b.tsx", "c.mts", "d.cts", "e.js", "f.jsx", "g.mjs", "h.cjs",
        "ormconfig.json", "src/deep/ok.ts",
    ]  # fmt: skip


def test_nested_gitignores_and_excludes(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    touch(
        tmp_path,
        "src/a.ts",
        "src/gen/b.ts",
        "src/keep.ts",
        "legacy/old.js",
        "tmp/x.js",
        "pkg/sub/c.ts",
    )
    (tmp_path / ".gitignore").write_text("tmp/\n", encoding="utf-8")
    (tmp_path / "src" / ".gitignore").write_text("gen/\n", encoding="utf-8")
    (tmp_path / "pkg" / ".gitignore").write_text("*.ts\n", encoding="utf-8")
    assert found(tmp_path) == ["legacy/old.js", "src/a.ts", "src/keep.ts"]
    assert found(tmp_path, exclude=["legacy/**", "src/keep.ts"], exclude_base=tmp_path) == [
        "src/a.ts"
    ]


def test_gitignored_env_counts_when_tracked(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    touch(tmp_path, ".env", "app/.env.production", "app/.env.local")
    (tmp_path / ".gitignore").write_text(".env*\n", encoding="utf-8")
    git(tmp_path, "add", "-f", ".env", "app/.env.production")
    assert found(tmp_path) == [".env", "app/.env.production"]


def test_explicit_files_are_linted_unless_force_exclude(tmp_path: Path) -> None:
    touch(tmp_path, "legacy/old.js")
    target = tmp_path / "legacy" / "old.js"
    assert len(discover([target], exclude=["legacy/**"], exclude_base=tmp_path).files) == 1
    forced = discover([target], exclude=["legacy/**"], exclude_base=tmp_path, force_exclude=True)
    assert forced.files == []


def test_missing_paths_and_symlink_loops(tmp_path: Path) -> None:
    touch(tmp_path, "src/a.ts")
    os.symlink(tmp_path / "src", tmp_path / "src" / "loop")
    result = discover([tmp_path, tmp_path / "nope.ts"])
    assert [c.absolute.name for c in result.files] == ["a.ts"]
    assert result.missing == [str(tmp_path / "nope.ts")]
    assert result.directories_given
