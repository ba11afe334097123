"""Lines and columns from byte offsets: CRLF, lone CR, non-ASCII, astral characters."""

from hypothesis import given, settings
from hypothesis import strategies as st

from readylint.source import SourceFile, language_for, line_starts


def test_line_starts_handle_every_line_ending() -> None:
    assert line_starts(b"a\nb\r\nc\rd") == [0, 2, 5, 7]
    assert line_starts(b"") == [0]


def test_positions_count_characters_and_utf16_units() -> None:
    data = "const s = '😀é'; x\r\ny".encode()
    source = SourceFile.from_bytes("a.ts", data)
    x = data.index(b"x")
    pos = source.position(x)
    assert pos.line == 1
    assert pos.column == 17  # code points: 😀 and é count one each
    assert pos.column_utf16 == 18  # 😀 is two UTF-16 units
    y = source.position(data.index(b"y"))
    assert (y.line, y.column) == (2, 1)


def test_lone_cr_lines_and_bom() -> None:
    source = SourceFile.from_bytes("a.js", b"\xef\xbb\xbfa\rb\rc")
    assert source.data.startswith(b"a")
    assert source.position(source.data.index(b"c")).line == 3
    assert source.line_text(2) == "b"


def test_language_by_extension() -> None:
    assert language_for("a.ts") == "typescript"
    assert language_for("a.mts") == "typescript"
    assert language_for("a.tsx") == "tsx"
    assert language_for("a.cjs") == "javascript"
    assert language_for("x/.env.production") == "env"
    assert language_for("ormconfig.json") == "json"
    assert language_for("a.py") is None


def reference_line_starts(data: bytes) -> list[int]:
    """Line starts found the slow, obvious way: after each CRLF, CR or LF."""
    starts, i = [0], 0
    while i < len(data):
        if data[i : i + 2] == b"\r\n":
            i += 2
        elif data[i : i + 1] in (b"\r", b"\n"):
            i += 1
        else:
            i += 1
            continue
        starts.append(i)
    return starts


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\xc3\xa9", b" "]), max_size=40))
def test_line_starts_match_the_obvious_definition(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert line_starts(data) == reference_line_starts(data)
