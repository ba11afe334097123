"""The same-file evaluator and binding resolution, on their own."""

from __future__ import annotations

import pytest

from readylint import parsing, queries
from readylint.semantics import Semantics, node_text
from readylint.values import (
    Arr,
    Bool,
    Choice,
    ConfigRead,
    EnvRead,
    Func,
    Num,
    Obj,
    Regex,
    Str,
    Template,
    Unknown,
)


def analyse(code: str, language: str = "typescript") -> tuple[Semantics, dict]:
    tree = parsing.parse(language, code.encode())
    names = tuple(sorted({*queries.SEMANTIC_CAPTURES, "call", "member"}))
    captures = queries.run(language, names, tree.root_node)
    return Semantics(tree.root_node, captures), captures


def value_of(code: str, target: str = "probe", language: str = "typescript"):
    """Evaluate the argument of the last ``probe(...)`` call in ``code``."""
    sem, captures = analyse(code, language)
    calls = [c for c in captures["call"] if node_text(c.child_by_field_name("function")) == target]
    arg = calls[-1].child_by_field_name("arguments").named_children[0]
    return sem.value(arg)


def test_literals() -> None:
    assert value_of("probe('a\\nb')") == Str(None, "a\nb")
    assert value_of("probe(42)") == Num(None, 42.0)
    assert value_of("probe(true)") == Bool(None, True)
    assert value_of("probe(/ab+c$/i)") == Regex(None, "ab+c$", "i")
    assert value_of("probe(`plain`)") == Str(None, "plain")


def test_const_and_concatenation() -> None:
    assert value_of("const A = 'x'; const B = A + 'y'; probe(B)") == Str(None, "xy")
    assert value_of("const P = 'v'; probe(`${P}1`)") == Str(None, "v1")
    template = value_of("probe(`id=${user.id}`)")
    assert isinstance(template, Template)


def test_reassigned_let_is_unknown_but_single_assignment_is_followed() -> None:
    assert isinstance(value_of("let a = 'x'; a = 'y'; probe(a)"), Unknown)
    assert value_of("let a = 'x'; probe(a)") == Str(None, "x")
    assert value_of("var a = 'x'; probe(a)", language="javascript") == Str(None, "x")


def test_scopes_and_parameters_shadow() -> None:
    assert isinstance(value_of("const a = 'x'; function f(a) { probe(a) }"), Unknown)
    assert value_of("const a = 'x'; function f() { const a = 'inner'; probe(a) }") == Str(
        None, "inner"
    )
    assert value_of("const a = 'outer'; function f() { probe(a) }") == Str(None, "outer")


def test_env_reads_and_fallbacks() -> None:
    env = value_of("probe(process.env.JWT_SECRET)")
    assert isinstance(env, EnvRead) and env.name == "JWT_SECRET" and env.fallback is None
    env = value_of("const S = process.env['JWT_SECRET'] ?? 'dev'; probe(S)")
    assert isinstance(env, EnvRead) and env.fallback == Str(None, "dev")
    env = value_of("const { JWT_SECRET = 'dflt' } = process.env; probe(JWT_SECRET)")
    assert (
        isinstance(env, EnvRead) and env.name == "JWT_SECRET" and env.fallback == Str(None, "dflt")
    )


def test_config_reads() -> None:
    read = value_of("probe(this.configService.get<string>('JWT_SECRET'))")
    assert isinstance(read, ConfigRead) and read.key == "JWT_SECRET" and not read.required
    read = value_of("probe(config.get('jwt.secret', 'x'))")
    assert isinstance(read, ConfigRead) and read.fallback == Str(None, "x")
    read = value_of("probe(configService.getOrThrow('JWT_SECRET'))")
    assert isinstance(read, ConfigRead) and read.required
    assert isinstance(value_of("probe(cacheManager.get('k'))"), Unknown)


def test_objects_arrays_and_destructuring() -> None:
    obj = value_of("const o = { origin: '*', 'x-y': 1, ...rest }; probe(o)")
    assert isinstance(obj, Obj) and obj.has_spread and obj.get("origin") == Str(None, "*")
    assert obj.get("x-y") == Num(None, 1.0) and obj.get("missing") is None
    assert value_of("const o = { a: { b: 'deep' } }; probe(o.a.b)") == Str(None, "deep")
    arr = value_of("probe(['a', /b$/])")
    assert isinstance(arr, Arr) and arr.items[0] == Str(None, "a")
    assert value_of("const { a, b: c } = { a: 'A', b: 'B' }; probe(c)") == Str(None, "B")
    assert value_of("const key = 'k'; probe({ [key]: 1 }.k)") == Num(None, 1.0)


def test_class_fields_and_constructor_assignments() -> None:
    code = """
    class A {
      private secret = 'field';
      constructor() { this.other = 'ctor'; }
      run() { probe(this.secret); probe2(this.other); }
    }"""
    assert value_of(code) == Str(None, "field")
    assert value_of(code, target="probe2") == Str(None, "ctor")
    reassigned = (
        "class A { constructor() { this.x = 'a' } set() { this.x = 'b' } run() { probe(this.x) } }"
    )
    assert isinstance(value_of(reassigned), Unknown)


def test_choice_functions_and_unknowns() -> None:
    assert isinstance(value_of("probe(a ? 'x' : 'y')"), Choice)
    assert isinstance(value_of("probe((o, cb) => cb(null, true))"), Func)
    assert isinstance(value_of("import { X } from './x'; probe(X)"), Unknown)
    assert isinstance(value_of("probe(getValue())"), Unknown)
    assert value_of("probe(('x' as string))") == Str(None, "x")


def test_deep_nesting_is_unknown_not_a_crash() -> None:
    code = (
        "const a0 = 'x';"
        + "".join(f"const a{i} = a{i - 1};" for i in range(1, 120))
        + "probe(a119)"
    )
    assert isinstance(value_of(code), Unknown)
    deep = "probe(" + "(" * 3000 + "'x'" + ")" * 3000 + ")"
    value_of(deep)  # must not raise RecursionError


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import cors from 'cors'; cors()", ("cors", "default")),
        ("import * as cors from 'cors'; cors()", ("cors", "default")),
        ("const cors = require('cors'); cors()", ("cors", "default")),
        ("let cors = require('cors'); cors()", ("cors", "default")),
        ("require('cors')()", ("cors", "default")),
        ("import jwt from 'jsonwebtoken'; jwt.sign()", ("jsonwebtoken", "sign")),
        ("import * as jwt from 'jsonwebtoken'; jwt.sign()", ("jsonwebtoken", "sign")),
        ("import { sign as signToken } from 'jsonwebtoken'; signToken()", ("jsonwebtoken", "sign")),
        ("const { verify } = require('jsonwebtoken'); verify()", ("jsonwebtoken", "verify")),
        ("import jwt = require('jsonwebtoken'); jwt.verify()", ("jsonwebtoken", "verify")),
        ("function cors() {} cors()", None),
        ("import cors from 'cors'; function f(cors) { cors() }", None),
        ("jwt.sign()", None),
    ],
)
def test_callee_resolution(code: str, expected: tuple[str, str] | None) -> None:
    sem, captures = analyse(code)
    call = max(captures["call"], key=lambda c: (c.end_byte, -c.start_byte))
    assert sem.callee(call) == expected
