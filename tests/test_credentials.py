"""Provider token formats: the anchored byte scanner finds what a plain scan finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readylint.credentials import (
    _BYTE_PROVIDERS,
    ANCHORS,
    PROVIDERS,
    _is_fake,
    find_provider_tokens_in_bytes,
)

# pieces that make tokens, near-tokens and their surroundings
PIECES = [
    *(anchor.decode() for anchors in ANCHORS.values() for anchor in anchors),
    "A1B2C3D4E5F6G7H8", "Zq9", "abcdefghij0123456789", "-", "_", ".", " ", "'", "x",
    "-----BEGIN RSA PRIVATE KEY-----\n", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 2, "\n",
    "eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxMjM0NTY3ODkwIn0.", "dozjgNryP4J3jVmNHl0w5N",
]  # fmt: skip


def plain_scan(data: bytes) -> list[tuple[str, int, int]]:
    found = []
    for label, pattern in _BYTE_PROVIDERS:
        for match in pattern.finditer(data):
            if not _is_fake(label, match.group(0).decode("utf-8", "replace")):
                found.append((label, match.start(), match.end()))
    return found


def anchored_scan(data: bytes) -> list[tuple[str, int, int]]:
    return [(t.label, t.start, t.end) for t in find_provider_tokens_in_bytes(data)]


def test_every_provider_has_anchors() -> None:
    assert set(ANCHORS) == {label for label, _ in PROVIDERS}


def test_known_tokens_are_found_where_a_plain_scan_finds_them() -> None:
    data = (
        b"const a = 'AKIAZ7QRSTUV2WXY3ABC'; const b = \"xAKIAZ7QRSTUV2WXY3ABC\";\n"
        b"const c = 'ghp_" + b"a1B2" * 9 + b"'; const s = 'sk_live_" + b"9fQ2" * 6 + b"';\n"
        b"const pem = `-----BEGIN PRIVATE KEY-----\n" + b"MIIEvQIBADANBgkqhkiG9w0BAQ" * 3 + b"`;"
    )
    found = anchored_scan(data)
    assert [label for label, _, _ in found] == [
        "an AWS access key id",
        "a GitHub token",
        "a Stripe live secret key",
        "a PEM private key",
    ]
    assert found == plain_scan(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_anchored_scan_equals_plain_scan(pieces: list[str]) -> None:
    data = "".join(pieces).encode()
    assert anchored_scan(data) == plain_scan(data)
