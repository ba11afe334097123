"""Configuration: discovery, parsing and strict validation.

Found upward from the first path: ``readylint.toml``, ``.readylint.toml``, or
a ``"readylint"`` key in ``package.json``. Unknown keys, unknown rule codes and
wrong types are errors that name the file, the key and what was expected.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readylint.findings import Level
from readylint.registry import is_known_selector, rules_by_code

CONFIG_NAMES = ("readylint.toml", ".readylint.toml")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$", re.I)
_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
LEVEL_NAMES = ("error", "warning", "note")
FAIL_ON = (*LEVEL_NAMES, "never")


class ConfigError(Exception):
    """A config problem; the message names the file and key."""


@dataclass
class Config:
    path: Path | None = None
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    fail_on: str = "error"
    include_tests: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache_dir: str = ".readylint_cache"
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    levels: dict[str, Level] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def options_for(self, code: str) -> dict[str, Any]:
        rule = rules_by_code().get(code)
        merged = rule.option_defaults() if rule is not None else {}
        merged.update(self.rule_options.get(code, {}))
        return merged


def parse_size(text: str | int) -> int | None:
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text >= 0 else None
    if not isinstance(text, str):
        return None
    match = _SIZE.match(text)
    if match is None:
        return None
    unit = (match.group(2) or "b").lower()
    return int(float(match.group(1)) * _UNITS[unit])


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config at or above ``start``, with its raw table."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate, _read_toml(candidate)
        package = directory / "package.json"
        if package.is_file():
            table = _read_package_json(package)
            if table is not None:
                return package, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _read_package_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # a broken package.json is not our config
    if not isinstance(data, dict) or "readylint" not in data:
        return None
    table = data["readylint"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'readylint' must be an object")
    return table


def load_config(explicit: Path | None, start: Path) -> Config:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        if explicit.name == "package.json":
            table = _read_package_json(explicit)
            if table is None:
                raise ConfigError(f"{explicit}: has no 'readylint' key")
        else:
            table = _read_toml(explicit)
        return validate(table, explicit)
    found = find_config(start)
    if found is None:
        return Config()
    return validate(found[1], found[0])


class _Validator:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(f"{self.path}: key '{key}': expected {expected}")

    def str_list(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of strings")
        return list(value)

    def codes(self, key: str, value: Any) -> list[str]:
        codes = self.str_list(key, value)
        for code in codes:
            if not is_known_selector(code):
                raise self.fail(key, f"rule codes or prefixes, and {code!r} is not a known rule")
        return [code.upper() for code in codes]

    def level(self, key: str, value: Any) -> Level:
        if not isinstance(value, str) or value.lower() not in LEVEL_NAMES:
            raise self.fail(key, "one of " + ", ".join(LEVEL_NAMES))
        return Level.parse(value)


def validate(table: dict[str, Any], path: Path) -> Config:
    check = _Validator(path)
    config = Config(path=path)
    for key, value in table.items():
        if key == "select":
            config.select = check.codes(key, value)
        elif key in ("extend-select", "extend_select"):
            config.extend_select = check.codes(key, value)
        elif key == "ignore":
            config.ignore = check.codes(key, value)
        elif key == "exclude":
            config.exclude = check.str_list(key, value)
        elif key == "fail-on":
            if not isinstance(value, str) or value.lower() not in FAIL_ON:
                raise check.fail(key, "one of " + ", ".join(FAIL_ON))
            config.fail_on = value.lower()
        elif key == "include-tests":
            if not isinstance(value, bool):
                raise check.fail(key, "true or false")
            config.include_tests = value
        elif key == "max-file-size":
            size = parse_size(value)
            if size is None:
                raise check.fail(key, 'a size such as "2MB" or a number of bytes')
            config.max_file_size = size
        elif key == "cache-dir":
            if not isinstance(value, str) or not value:
                raise check.fail(key, "a directory path string")
            config.cache_dir = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise check.fail(key, "a table of glob = [codes]")
            config.per_file_ignores = {
                str(glob): check.codes(f"{key}.{glob}", codes) for glob, codes in value.items()
            }
        elif key == "levels":
            config.levels = _levels(check, value)
        elif key == "rules":
            config.rule_options = _rule_options(check, value)
        else:
            raise ConfigError(
                f"{path}: unknown key '{key}' (known: select, extend-select, ignore, exclude, "
                "fail-on, include-tests, max-file-size, cache-dir, per-file-ignores, levels, rules)"
            )
    return config


def _levels(check: _Validator, value: Any) -> dict[str, Level]:
    if not isinstance(value, dict):
        raise check.fail("levels", "a table of CODE = level")
    known = rules_by_code()
    levels = {}
    for code, level in value.items():
        if code.upper() not in known:
            raise check.fail(f"levels.{code}", "a rule code")
        levels[code.upper()] = check.level(f"levels.{code}", level)
    return levels


def _rule_options(check: _Validator, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise check.fail("rules", "a table of [rules.CODE] tables")
    known = rules_by_code()
    result: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        rule = known.get(code.upper())
        if rule is None:
            raise check.fail(f"rules.{code}", "a rule code")
        if not isinstance(options, dict):
            raise check.fail(f"rules.{code}", "a table of options")
        declared = {option.name: option for option in rule.options}
        for name, setting in options.items():
            option = declared.get(name)
            key = f"rules.{code}.{name}"
            if option is None:
                names = ", ".join(declared) or "none"
                raise check.fail(key, f"an option of {rule.code} (known: {names})")
            if option.kind is list:
                check.str_list(key, setting)
            elif option.kind is bool:
                if not isinstance(setting, bool):
                    raise check.fail(key, "true or false")
            elif not isinstance(setting, option.kind) or isinstance(setting, bool):
                raise check.fail(key, f"a {option.kind.__name__}")
        result[rule.code] = dict(options)
    return result
