"""Rule documentation from ``rules/*.md``: for ``explain``, SARIF help and reports.

In a wheel the docs live in ``readylint/_docs``; in a source checkout they
are read from the repository's ``rules/`` folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HEADER = re.compile(r"^#\s+([A-Z]{3}\d{3})\s+([a-z0-9-]+)\s*$")
FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.S)


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    markdown: str
    sections: dict[str, str]

    @property
    def why(self) -> str:
        return self.sections.get("why", "")

    @property
    def bad_example(self) -> str:
        return _first_code_block(self.sections.get("bad", ""))

    @property
    def good_example(self) -> str:
        return _first_code_block(self.sections.get("good", ""))

    @property
    def fix_line(self) -> str:
        """The first sentence of "How to fix": the one-line fix in reports."""
        text = self.sections.get("how to fix", "").strip()
        first = text.split("\n\n", 1)[0].replace("\n", " ").strip()
        return first

    @property
    def plain_text(self) -> str:
        """The doc without Markdown headings' hashes, for SARIF ``help.text``."""
        return re.sub(r"^#+\s*", "", self.markdown, flags=re.M)


def _first_code_block(text: str) -> str:
    match = FENCE.search(text)
    return match.group(1) if match else ""


def docs_dir() -> Path:
    from importlib import resources  # ~4 ms to import: only runs that show docs pay it

    packaged = resources.files("readylint").joinpath("_docs")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def parse_doc(markdown: str) -> RuleDoc | None:
    lines = markdown.splitlines()
    if not lines:
        return None
    header = HEADER.match(lines[0])
    if header is None:
        return None
    sections: dict[str, str] = {}
    current = ""
    for line in lines[1:]:
        if line.startswith("## "):
            current = line[3:].strip().lower()
            sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return RuleDoc(header.group(1), header.group(2), markdown, sections)


@cache
def all_docs() -> dict[str, RuleDoc]:
    docs: dict[str, RuleDoc] = {}
    folder = docs_dir()
    if not folder.is_dir():
        return docs
    for path in sorted(folder.glob("*.md")):
        doc = parse_doc(path.read_text(encoding="utf-8"))
        if doc is not None:
            docs[doc.code] = doc
    return docs


def doc_for(code: str) -> RuleDoc | None:
    return all_docs().get(code)
