"""NODE_ENV guards: does this code run only outside production?

Shared by the rules that let development-only code pass (SEC005, SEC008):
``if (process.env.NODE_ENV !== 'production')``, a ternary or ``&&`` on such a
condition, ``isDev``-style flags, and code after ``if (isProd) return …``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from readylint.semantics import (
    Semantics,
    ancestors,
    call_arguments,
    call_function,
    call_receiver,
    member_name,
    node_text,
    string_value,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

PRODUCTION = frozenset({"production", "prod"})
DEVELOPMENT = frozenset({"development", "dev", "local", "test", "debug"})
PROD_WORDS = frozenset({"prod", "production"})
DEV_WORDS = frozenset({"dev", "development", "debug", "local", "verbose"})
WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def is_development_only(sem: Semantics, node: Node) -> bool:
    """Does this code run only outside production: inside ``if (NODE_ENV !== 'production')``,
    a ternary or ``&&`` on such a condition, or after ``if (isProd) return …``?"""
    current = node
    for parent in ancestors(node):
        if parent.type in ("if_statement", "ternary_expression"):
            condition = parent.child_by_field_name("condition")
            if current == parent.child_by_field_name("consequence"):
                if _polarity(sem, condition) == "dev":
                    return True
            elif (
                current
                in (
                    parent.child_by_field_name("alternative"),
                    *(c for c in parent.children if c.type == "else_clause"),
                )
                and _polarity(sem, condition) == "prod"
            ):
                return True
        elif parent.type == "binary_expression" and current == parent.child_by_field_name("right"):
            operator = node_text(parent.child_by_field_name("operator"))
            left = _polarity(sem, parent.child_by_field_name("left"))
            if (operator == "&&" and left == "dev") or (operator == "||" and left == "prod"):
                return True
        elif parent.type in ("statement_block", "program") and _after_production_exit(sem, current):
            return True
        current = parent
    return False


def _after_production_exit(sem: Semantics, statement: Node) -> bool:
    """``if (isProduction) { return res.status(500).json(generic) }`` before this statement."""
    sibling = statement.prev_named_sibling
    for _ in range(50):
        if sibling is None:
            return False
        if (
            sibling.type == "if_statement"
            and _polarity(sem, sibling.child_by_field_name("condition")) == "prod"
        ):
            consequence = sibling.child_by_field_name("consequence")
            has_else = any(c.type == "else_clause" for c in sibling.children)
            if consequence is not None and not has_else and _exits(consequence):
                return True
        sibling = sibling.prev_named_sibling
    return False


def _exits(block: Node) -> bool:
    last = block
    if block.type == "statement_block":
        statements = [c for c in block.named_children if c.type != "comment"]
        if not statements:
            return False
        last = statements[-1]
    return last.type in ("return_statement", "throw_statement")


def _polarity(sem: Semantics, condition: Node | None, depth: int = 0) -> str | None:
    """``dev`` when the condition holds only outside production, ``prod`` when only in it."""
    node = unwrap(condition)
    if node is None or depth > 8:
        return None
    if node.type == "unary_expression" and node_text(node).startswith("!"):
        inner = _polarity(sem, node.named_children[0] if node.named_children else None, depth + 1)
        return {"dev": "prod", "prod": "dev"}.get(inner or "")
    if node.type == "binary_expression":
        return _binary_polarity(sem, node, depth)
    if node.type == "call_expression":
        return _includes_polarity(node) or _name_polarity(node_text(call_function(node)))
    if node.type == "identifier":
        declarator = sem.binding_of(node)
        value = declarator.child_by_field_name("value") if declarator is not None else None
        found = _polarity(sem, value, depth + 1) if value is not None else None
        return found or _name_polarity(node_text(node))
    if node.type == "member_expression":
        return _name_polarity(node_text(node))
    return None


def _binary_polarity(sem: Semantics, node: Node, depth: int) -> str | None:
    operator = node_text(node.child_by_field_name("operator"))
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if operator in ("&&", "||"):
        sides = {_polarity(sem, left, depth + 1), _polarity(sem, right, depth + 1)}
        if operator == "&&":
            return "dev" if "dev" in sides else ("prod" if "prod" in sides else None)
        return sides.pop() if len(sides) == 1 else None
    if operator not in ("===", "==", "!==", "!="):
        return None
    literal = next((s for s in (left, right) if s is not None and s.type == "string"), None)
    other = right if literal is left else left
    if literal is None or "env" not in node_text(other).lower():
        return None
    value = string_value(literal).lower()
    if value in PRODUCTION:
        equal = "prod"
    elif value in DEVELOPMENT:
        equal = "dev"
    else:
        return None
    if operator in ("===", "=="):
        return equal
    return "dev" if equal == "prod" else None  # `!== 'development'` may still be staging


def _includes_polarity(call: Node) -> str | None:
    """``['development', 'test'].includes(process.env.NODE_ENV)``."""
    if member_name(call) != "includes":
        return None
    receiver = call_receiver(call)
    args = call_arguments(call)
    if receiver is None or receiver.type != "array" or not args:
        return None
    if "env" not in node_text(args[0]).lower():
        return None
    values = {string_value(s).lower() for s in receiver.named_children if s.type == "string"}
    if values and values <= DEVELOPMENT:
        return "dev"
    if values and values <= PRODUCTION:
        return "prod"
    return None


def _name_polarity(text: str) -> str | None:
    """``isProduction``, ``config.isProd``, ``IS_DEV``, ``process.env.DEBUG``."""
    words = {w.lower() for w in WORDS.findall(text.rsplit(".", 1)[-1])}
    if words & PROD_WORDS:
        return "prod"
    if words & DEV_WORDS:
        return "dev"
    return None
