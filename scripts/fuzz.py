#!/usr/bin/env python3
"""Fuzz the linter in-process over mutated fixtures.

    python scripts/fuzz.py [--seconds N | --count N] [--seed S] [--out DIR]

Each input is a fixture (tests/fixtures, examples/) mutated by byte edits,
token insertions, splices of two files and deep-nesting blow-ups, linted with
every file rule and the fact extractors. A crash is any exception escaping the
engine, any rule/facts failure notification, or a finding outside the file;
each crashing input is saved under --out. With atheris installed and
--atheris, atheris drives the mutations instead (coverage-guided).
Prints the number of inputs tried and of crashes found; exits 1 on a crash.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from readylint.config import Config  # noqa: E402
from readylint.discovery import Candidate  # noqa: E402
from readylint.engine import build_settings, lint_bytes, select_rules  # noqa: E402

SUFFIXES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".env", ".example", ".json")
TOKENS = [
    b"(", b")", b"{", b"}", b"[", b"]", b"'", b'"', b"`", b"${", b"}`", b"=>", b";", b"\n",
    b"\r\n", b"\r", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"await ", b"async ", b"process.env.",
    b"||", b"??", b"?", b":", b"@", b"class ", b"new ", b"require(", b"import ", b"export ",
    b"queryRunner.", b"manager.", b".save(", b"cors(", b"jwt.sign(", b"\\u{1F600}", "😀".encode(),
]  # fmt: skip


def corpus() -> list[tuple[str, bytes]]:
    files = []
    for base in (ROOT / "tests" / "fixtures", ROOT / "examples"):
        for path in sorted(base.rglob("*")):
            if path.is_file() and (path.suffix in SUFFIXES or path.name.startswith(".env")):
                files.append((path.name, path.read_bytes()))
    return files


def mutate(rng: random.Random, name: str, data: bytes, others: list[tuple[str, bytes]]) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randint(0, len(buffer)) if buffer else 0
        if choice < 0.25 and buffer:
            del buffer[position : position + rng.randint(1, 64)]
        elif choice < 0.55:
            buffer[position:position] = rng.choice(TOKENS)
        elif choice < 0.7 and position < len(buffer):
            buffer[position] = rng.randrange(256)
        elif choice < 0.85:
            _, other = rng.choice(others)
            start = rng.randint(0, len(other))
            buffer[position:position] = other[start : start + rng.randint(1, 400)]
        else:
            depth = rng.choice([50, 500, 5000])
            opener, closer = rng.choice(
                [(b"(", b")"), (b"[", b"]"), (b"{a:", b"}"), (b"f(()=>", b")")]
            )
            buffer[position:position] = opener * depth + b"1" + closer * depth
    return bytes(buffer)


class Target:
    def __init__(self) -> None:
        config = Config()
        rules = select_rules(config)
        self.settings = build_settings(config, [r for r in rules if r.scope == "file"])
        self.settings.fact_extractors = tuple(sorted({n for r in rules for n in r.facts}))

    def crash_reason(self, name: str, data: bytes) -> str | None:
        candidate = Candidate(name, name, name, True)
        try:
            result = lint_bytes(candidate, data, self.settings)
        except Exception:
            return traceback.format_exc()
        failures = [n for n in result.notifications if n.rule]
        if failures:
            return "; ".join(n.message for n in failures)
        lines = data.count(b"\n") + data.count(b"\r") + 1
        for finding in result.findings:
            if not 1 <= finding.span.line <= finding.span.end_line <= lines:
                return f"finding outside the file: {finding.rule} {finding.span}"
        return None


def save(out: Path, name: str, data: bytes, reason: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    target = out / f"crash-{digest}-{name}"
    target.write_bytes(data)
    target.with_name(target.name + ".txt").write_text(reason, encoding="utf-8")
    return target


def run_random(args: argparse.Namespace) -> tuple[int, int]:
    rng = random.Random(args.seed)
    files = corpus()
    target = Target()
    deadline = time.monotonic() + args.seconds if args.seconds else float("inf")
    tried = crashes = 0
    while time.monotonic() < deadline and (not args.count or tried < args.count):
        name, data = rng.choice(files)
        mutated = mutate(rng, name, data, files)
        tried += 1
        started = time.monotonic()
        reason = target.crash_reason(name, mutated)
        elapsed = time.monotonic() - started
        if reason is None and elapsed > args.slow:
            reason = f"slow input: {elapsed:.1f} s (limit {args.slow} s)"
        if reason is not None:
            crashes += 1
            print(f"crash #{crashes}: {save(args.out, name, mutated, reason)}\n{reason}")
    return tried, crashes


def run_atheris(args: argparse.Namespace) -> None:  # pragma: no cover - optional tool
    import atheris

    target = Target()
    names = [".ts", ".js", ".tsx", ".env"]

    def one_input(data: bytes) -> None:
        name = "fuzz" + names[data[0] % len(names)] if data else "fuzz.ts"
        reason = target.crash_reason(name, data[1:])
        if reason is not None:
            save(args.out, name, data[1:], reason)
            raise RuntimeError(reason)

    atheris.Setup(
        [sys.argv[0], f"-runs={args.count or -1}", f"-max_total_time={args.seconds or 0}"],
        one_input,
    )
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.0)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slow", type=float, default=10.0, help="seconds that count as a hang")
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--atheris", action="store_true", help="coverage-guided, if installed")
    args = parser.parse_args()
    if not args.seconds and not args.count:
        args.seconds = 60.0
    if args.atheris:
        run_atheris(args)
        return
    started = time.monotonic()
    tried, crashes = run_random(args)
    print(f"inputs tried: {tried}  crashes: {crashes}  ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
