"""Config discovery and validation: every mistake names the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readylint.config import ConfigError, find_config, load_config, parse_size
from readylint.findings import Level


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_read(tmp_path: Path) -> None:
    write(
        tmp_path / "readylint.toml",
        """
select = ["SEC", "SEC003"]
ignore = ["SEC002"]
exclude = ["legacy/**"]
fail-on = "warning"
include-tests = true
max-file-size = "1MB"
cache-dir = ".cache/rl"
[per-file-ignores]
"scripts/**" = ["SEC003"]
[levels]
SEC002 = "warning"
""",
    )
    config = load_config(None, tmp_path / "src")
    assert config.select == ["SEC", "SEC003"] and config.ignore == ["SEC002"]
    assert config.fail_on == "warning" and config.include_tests
    assert config.max_file_size == 1024 * 1024
    assert config.per_file_ignores == {"scripts/**": ["SEC003"]}
    assert config.levels == {"SEC002": Level.WARNING}


def test_discovery_walks_upward_and_prefers_toml_over_package_json(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "x", "readylint": {"ignore": ["SEC002"]}}))
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    found = find_config(nested)
    assert found is not None and found[0] == tmp_path / "package.json"
    write(tmp_path / "a" / ".readylint.toml", 'select = ["SEC003"]\n')
    found = find_config(nested)
    assert found is not None and found[0].name == ".readylint.toml"


def test_package_json_without_key_is_not_a_config(tmp_path: Path) -> None:
    write(tmp_path / "package.json", json.dumps({"name": "x"}))
    assert find_config(tmp_path) is None or find_config(tmp_path)[0] != tmp_path / "package.json"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("colour = true", "unknown key 'colour'"),
        ('select = ["NOPE001"]', "key 'select'"),
        ('select = "SEC"', "key 'select': expected a list of strings"),
        ('fail-on = "sometimes"', "key 'fail-on'"),
        ("include-tests = 1", "key 'include-tests'"),
        ('max-file-size = "huge"', "key 'max-file-size'"),
        ('[levels]\nSEC002 = "fatal"', "key 'levels.SEC002'"),
        ('[levels]\nXYZ999 = "error"', "key 'levels.XYZ999'"),
        ("[rules.SEC002]\nfoo = 1", "key 'rules.SEC002.foo'"),
        ('[per-file-ignores]\n"a/**" = ["BAD1"]', "key 'per-file-ignores.a/**'"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path / "readylint.toml", text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(None, tmp_path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_explicit_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", tmp_path)


def test_sizes() -> None:
    assert parse_size("2MB") == 2 * 1024 * 1024
    assert parse_size("512kb") == 512 * 1024
    assert parse_size(100) == 100
    assert parse_size("lots") is None
