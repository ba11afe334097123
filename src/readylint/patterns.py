"""Shapes of code several rules recognise: request input, guards, body reads.

These stay syntactic and same-file, in the evaluator's spirit: when the
shape is not clear, the answer is "no", which is never a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from readylint.semantics import (
    FUNCTION_TYPES,
    Semantics,
    ancestors,
    enclosing_function,
    function_parameters,
    node_text,
    pattern_names,
    unwrap,
)

if TYPE_CHECKING:
    from tree_sitter import Node

REQUEST_OBJECT = r"(?:req|request|ctx|context|ctx\.request|c\.req)"
REQUEST_INPUT = re.compile(
    rf"^{REQUEST_OBJECT}\s*(?:\.\s*|\?\.\s*)"
    r"(?:headers?|get|query|body|params|header\(|get\()",
)
MAX_NODES = 20_000  # a bound on descendant scans, so hostile input stays cheap


def descendants(node: Node, limit: int = MAX_NODES) -> Iterator[Node]:
    """Named descendants, depth-first, iteratively, at most ``limit`` of them."""
    stack = list(reversed(node.named_children))
    seen = 0
    while stack and seen < limit:
        current = stack.pop()
        seen += 1
        yield current
        stack.extend(reversed(current.named_children))


def identifiers_in(node: Node) -> set[str]:
    names = {node_text(node)} if node.type == "identifier" else set()
    names.update(node_text(n) for n in descendants(node) if n.type == "identifier")
    return names


def is_request_input(sem: Semantics, node: Node | None, depth: int = 0) -> bool:
    """Does this expression read the incoming request (headers, query, body, params)?

    Follows one local binding: ``const origin = req.headers.origin`` or
    ``const { origin } = req.headers``."""
    node = unwrap(node)
    if node is None or depth > 4:
        return False
    if node.type in ("member_expression", "subscript_expression", "call_expression"):
        return bool(REQUEST_INPUT.match(node_text(node)))
    if node.type == "binary_expression":
        return any(
            is_request_input(sem, node.child_by_field_name(side), depth + 1)
            for side in ("left", "right")
        )
    if node.type == "identifier":
        declarator = sem.binding_of(node)
        if declarator is None:
            return False
        return is_request_input(sem, declarator.child_by_field_name("value"), depth + 1)
    return False


def function_reads(function: Node, name: str) -> bool:
    body = function.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "identifier":
        return node_text(body) == name
    return any(
        n.type in ("identifier", "shorthand_property_identifier") and node_text(n) == name
        for n in descendants(body)
    )


def first_parameter_name(function: Node) -> str | None:
    params = function_parameters(function)
    if not params:
        return None
    names = list(pattern_names(params[0]))
    return names[0] if len(names) == 1 else None


GUARD_CALLS = re.compile(r"\.(includes|has|indexOf|test|some|find|match|startsWith|endsWith)\s*\(")


def is_checked_in_function(node: Node, names: set[str]) -> bool:
    """Is one of ``names`` tested in a condition or allowlist call in the same
    function (or, at top level, in an enclosing condition)?"""
    function = enclosing_function(node)
    scope = function if function is not None else None
    if scope is None:
        for parent in ancestors(node):
            if parent.type in ("if_statement", "ternary_expression"):
                condition = parent.child_by_field_name("condition")
                if condition is not None and names & identifiers_in(condition):
                    return True
        return False
    for candidate in descendants(scope):
        if candidate.type in ("if_statement", "ternary_expression", "while_statement"):
            condition = candidate.child_by_field_name("condition")
            if condition is not None and names & _mentioned(condition):
                return True
        elif candidate.type == "binary_expression":
            operator = node_text(candidate.child_by_field_name("operator"))
            left = candidate.child_by_field_name("left")
            if operator == "&&" and left is not None and names & _mentioned(left):
                return True
        elif candidate.type == "call_expression" and GUARD_CALLS.search(
            node_text(candidate.child_by_field_name("function")) + "("
        ):
            args = candidate.child_by_field_name("arguments")
            if args is not None and names & _mentioned(args):
                return True
    return False


def _mentioned(node: Node) -> set[str]:
    """Identifiers and property names mentioned in an expression."""
    names = identifiers_in(node)
    names.update(node_text(n) for n in descendants(node) if n.type == "property_identifier")
    names.update(node_text(n)[1:-1].lower() for n in descendants(node) if n.type == "string")
    return names


def in_function_types(node: Node) -> bool:
    return node.type in FUNCTION_TYPES
