"""Same input, same bytes out: across runs, --jobs 1/2, and warm or cold caches.
The cache is never trusted over the source."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ticketing-api"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(EXAMPLE, target / "example")
    shutil.copytree(FIXTURES, target / "fixtures-copy")  # many files: the pool really forks
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)  # the project root
    return target


def output(project: Path, fmt: str, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["check", str(project), "--format", fmt, *args])
    assert result.exit_code in (0, 1), result.output
    return result.output.encode()


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_byte_identical_across_runs_jobs_and_cache(project: Path, tmp_path: Path, fmt: str) -> None:
    cache = str(tmp_path / "cache")
    baseline = output(project, fmt, "--no-cache", "--jobs", "1")
    assert output(project, fmt, "--no-cache", "--jobs", "1") == baseline
    assert output(project, fmt, "--no-cache", "--jobs", "2") == baseline
    assert output(project, fmt, "--cache-dir", cache, "--jobs", "2") == baseline  # cold
    assert output(project, fmt, "--cache-dir", cache, "--jobs", "2") == baseline  # warm
    assert output(project, fmt, "--cache-dir", cache, "--jobs", "1") == baseline  # warm, 1 job


def cache_rows(cache: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(cache / "cache.sqlite") as db:
        return {
            row[0]: (row[1], row[2]) for row in db.execute("SELECT path, hash, key FROM results")
        }


def test_editing_a_file_invalidates_exactly_that_entry(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = output(project, "json", "--cache-dir", str(cache))
    before = cache_rows(cache)
    app = project / "example" / "src" / "app.ts"
    app.write_text(
        app.read_text(encoding="utf-8").replace(
            "app.use(cors());", "app.use(cors({ origin: ['https://a.example'] }));"
        ),
        encoding="utf-8",
    )
    second = output(project, "json", "--cache-dir", str(cache))
    after = cache_rows(cache)
    changed = {path for path in before if before[path] != after.get(path)}
    assert [p.rsplit("/", 1)[-1] for p in changed] == ["app.ts"]
    assert (
        b'"SEC002"' in first
        and second.count(b'"rule": "SEC002"') == first.count(b'"rule": "SEC002"') - 1
    )


def test_config_change_invalidates_what_it_affects(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    output(project, "json", "--cache-dir", str(cache))
    before = cache_rows(cache)
    (project / "readylint.toml").write_text(
        '[per-file-ignores]\n"example/src/app.ts" = ["SEC002"]\n', encoding="utf-8"
    )
    data = output(project, "json", "--cache-dir", str(cache))
    after = cache_rows(cache)
    changed = {p for p in before if before[p][1] != after.get(p, ("", ""))[1]}
    assert [p.rsplit("/", 1)[-1] for p in changed] == ["app.ts"]
    assert (
        b"example/src/app.ts" not in data
        or b'"SEC002"' not in data.split(b"example/src/app.ts")[1][:400]
    )


@pytest.mark.parametrize("damage", ["garbage", "truncate", "foreign-version", "bad-payload"])
def test_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    project: Path, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    clean = output(project, "json", "--no-cache")
    output(project, "json", "--cache-dir", str(cache))
    db_path = cache / "cache.sqlite"
    if damage == "garbage":
        db_path.write_bytes(b"this is not a database" * 100)
        for extra in cache.glob("cache.sqlite-*"):
            extra.unlink()
    elif damage == "truncate":
        data = db_path.read_bytes()
        db_path.write_bytes(data[: len(data) // 3])
    else:
        with sqlite3.connect(db_path) as db:
            if damage == "foreign-version":
                db.execute("UPDATE meta SET value='1:0.0.0-other' WHERE name='schema'")
                db.execute("UPDATE results SET payload='{\"findings\": []}'")
            else:
                db.execute('UPDATE results SET payload=\'{"findings": [{"nope": 1}]}\'')
    assert output(project, "json", "--cache-dir", str(cache)) == clean
    assert output(project, "json", "--cache-dir", str(cache)) == clean
