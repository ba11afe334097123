"""Finds rules by looking in ``readylint/rules/``: no central list to edit.

A rule module is named ``<code>_<name>.py`` (``sec002_open_cors.py``) and
defines exactly one ``Rule`` subclass whose ``code`` matches the file name.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from readylint import rules as rules_package
from readylint.rule import ANGLES, Rule

MODULE_NAME = re.compile(r"^([a-z]{3}\d{3})_[a-z0-9_]+$")


class RegistryError(Exception):
    pass


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code."""
    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.iter_modules(rules_package.__path__):
        match = MODULE_NAME.match(module_info.name)
        if not match:
            continue
        module = importlib.import_module(f"{rules_package.__name__}.{module_info.name}")
        classes = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Rule)
            and obj is not Rule
            and obj.__module__ == module.__name__
        ]
        if len(classes) != 1:
            raise RegistryError(f"{module.__name__} must define exactly one Rule subclass")
        rule = classes[0]
        _validate(rule, match.group(1))
        found[rule.code] = rule
    return tuple(found[code] for code in sorted(found))


def _validate(rule: type[Rule], module_code: str) -> None:
    if rule.code.lower() != module_code:
        raise RegistryError(f"rule {rule.code} lives in a module named for {module_code}")
    if rule.angle not in ANGLES:
        raise RegistryError(f"rule {rule.code}: unknown angle {rule.angle!r}")
    if rule.scope not in ("file", "project"):
        raise RegistryError(f"rule {rule.code}: unknown scope {rule.scope!r}")


def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def matches(code: str, selector: str) -> bool:
    """``SEC`` selects SEC001…; ``SEC001`` selects itself; ``ALL`` selects all."""
    selector = selector.strip().upper()
    return selector == "ALL" or code.startswith(selector)


def is_known_selector(selector: str) -> bool:
    return any(matches(rule.code, selector) for rule in all_rules())
