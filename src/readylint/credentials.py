"""What a credential looks like: its names, its values, and providers' token formats.

Shared by the secret rules (SEC001 and later). Everything here works on plain
strings, so it is cheap and easy to test:

* ``CredentialNames``: does ``smtpPassword`` / ``stripe_secret_key`` name a
  credential (and ``tokenType`` / ``passwordResetUrl`` not)?
* ``looks_like_credential``: is ``'pgT1ck3t!ng2024Prod'`` a credential, and
  ``'auth_token'``, ``'changeme'``, ``'JWT_SECRET'``, ``'./keys/a.pem'`` not?
* ``find_provider_tokens``: AWS, GitHub, Slack, Stripe live, Google, SendGrid,
  npm tokens, PEM private keys and signed JWTs in any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from readylint import needles
from readylint.needles import Mentions

# -- names ---------------------------------------------------------------------

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# word sequences that name a credential wherever they occur in a name
CREDENTIAL_PHRASES: tuple[tuple[str, ...], ...] = (
    ("api", "key"),
    ("api", "keys"),
    ("apikey",),
    ("apikeys",),
    ("secret",),
    ("secrets",),
    ("token",),
    ("tokens",),
    ("password",),
    ("passwords",),
    ("passwd",),
    ("private", "key"),
    ("private", "keys"),
    ("privatekey",),
    ("bearer",),
    ("passphrase",),
)
# short words that name a credential only as the last word (``smtpPass``, ``DB_PWD``)
CREDENTIAL_LAST_WORDS = frozenset({"pass", "pwd"})
# a credential word followed by one of these names something about the credential
METADATA_TAILS = frozenset(
    {
        "name", "names", "type", "types", "kind", "url", "urls", "uri", "endpoint", "host",
        "hostname", "domain", "path", "paths", "file", "filename", "dir", "folder", "header",
        "headers", "cookie", "cookies", "field", "fields", "param", "params", "prefix",
        "suffix", "length", "len", "size", "min", "max", "minimum", "maximum", "count",
        "limit", "ttl", "expiry", "expires", "expire", "expiration", "exp", "in", "at", "on",
        "age", "timeout", "duration", "lifetime", "seconds", "ms", "id", "ids", "arn", "label",
        "title", "description", "desc", "message", "messages", "msg", "error", "errors",
        "hint", "placeholder", "regex", "regexp", "pattern", "policy", "rule", "rules",
        "strategy", "algorithm", "algorithms", "alg", "encoding", "format", "version", "event",
        "events", "route", "routes", "mode", "scheme", "location", "region", "env", "var",
        "variable", "required", "enabled", "enable", "disabled", "hash", "hashed", "digest",
        "salt", "rounds", "cost", "strength", "validator", "validation", "schema", "dto",
        "service", "provider", "guard", "module", "store", "storage", "cache", "repository",
        "repo", "manager", "ref", "selector", "query", "input", "text", "column", "table",
        "attribute", "property", "method", "handler", "callback", "factory", "status", "state",
        "flag", "option", "options", "config", "settings", "score", "visible", "visibility",
        "hidden", "reset", "changed", "audience", "issuer", "usage", "locale",
        "i18n", "key_name", "lookup", "map", "source", "origin", "target", "icon",
    }
)  # fmt: skip
# ``TOKEN_STORAGE_KEY``, ``tokenCacheKey``: a key under which something is stored
STORAGE_WORDS = frozenset({"storage", "cache", "cookie", "header", "local", "lookup", "redis"})


@lru_cache(maxsize=8192)
def name_words(name: str) -> tuple[str, ...]:
    """``stripe_secret_key`` / ``stripeSecretKey`` / ``x-api-key`` -> lower-case words."""
    return tuple(
        w.lower() for chunk in re.split(r"[^A-Za-z0-9]+", name) for w in _WORDS.findall(chunk)
    )


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


class CredentialNames:
    """Which names suggest a credential; extra words come from the rule's options."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        phrases = list(CREDENTIAL_PHRASES)
        for word in extra:
            words = tuple(name_words(word))
            if words:
                phrases.append(words)
        self.phrases = tuple(phrases)
        self.words = frozenset(w for phrase in phrases for w in phrase)
        # the option's words (``pin``), for byte pre-checks
        self.extra_words = frozenset(w for p in phrases[len(CREDENTIAL_PHRASES) :] for w in p)
        self._known: dict[str, bool] = {}

    @staticmethod
    @cache
    def of(extra: tuple[str, ...] = ()) -> CredentialNames:
        """One instance per set of extra words, so what it learnt of a name (``matches``
        is asked of the same names in file after file) is kept for the run."""
        return CredentialNames(extra)

    def matches(self, name: str) -> bool:
        """``apiKey``, ``smtpPassword``, ``AWS_SECRET_ACCESS_KEY`` — not ``tokenType``,
        ``passwordResetUrl``, ``TOKEN_STORAGE_KEY``, ``secretary``."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = self._matches(name)
        return known

    def _matches(self, name: str) -> bool:
        words = name_words(name)
        if not words or words[-1] in METADATA_TAILS:
            return False
        if len(words) >= 2 and words[-1] == "key" and words[-2] in STORAGE_WORDS:
            return False
        if words[-1] in CREDENTIAL_LAST_WORDS:
            return True
        return any(_contains(words, phrase) for phrase in self.phrases)


# -- values --------------------------------------------------------------------

# values that are modes or schemes, never credentials
ENUMERATIONS = frozenset(
    {
        "same-origin", "include", "omit", "none", "bearer", "basic", "digest", "token",
        "null", "undefined", "true", "false", "string", "object", "required", "optional",
        "client_credentials", "authorization_code", "refresh_token", "access_token",
        "id_token", "password", "implicit", "apikey", "api_key", "header", "query", "cookie",
    }
)  # fmt: skip
PLACEHOLDER_WORDS = (
    "changeme", "changeit", "placeholder", "example", "dummy", "test", "todo", "fixme",
    "replace", "redacted", "sample", "fake", "insert", "notset", "notreal", "mock",
)  # fmt: skip
_PLACEHOLDER_SHAPES = re.compile(
    r"^(?:your|my)[-_]|[-_]here$|^<.*>$|^\[.*\]$|^\{\{.*\}\}$|^\$\{.*\}$|^%\w+%$|^\$[A-Z_]+$|"
    r"x{3,}|\*{3,}|\.{3,}|(.)\1{5,}|^(?:0?123456789?0?|abcdefgh\w*|qwerty\w*)$",
    re.I,
)
# strongly fake values, also for keys compared with a request (where a dummy is still a key)
_OBVIOUS_PLACEHOLDER = re.compile(
    r"^(?:your|my)[-_]|[-_]here$|^<.*>$|^\{\{.*\}\}$|^\$\{.*\}$|x{4,}|\*{3,}|"
    r"changeme|change[-_]me|placeholder|example",
    re.I,
)
_UPPER_CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(?:[-_.:][A-Z0-9]+)+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_URL_USERINFO = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s]*:[^/@\s]+@")
_PATH = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)")
_PATHLIKE = re.compile(r"^[\w.@-]+(?:/[\w.@-]+)+/?$")
_PATH_SEGMENT = re.compile(r"^[a-z0-9._@-]+$|\.[a-zA-Z0-9]{1,5}$")
_HEADER_NAME = re.compile(
    r"^(?:x-[a-z0-9-]+|authorization|proxy-authorization|cookie|set-cookie|www-authenticate)$",
    re.I,
)
_HASH = re.compile(r"^\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*|[156])\$", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# words joined by separators, or camelCase words, with no digits: a name, not a secret
# (storage keys, error codes, event names, i18n keys, cookie names, DI tokens)
# words that make a camelCase value the name of something around credentials
NAME_VOCABULARY = frozenset(
    {
        "token", "tokens", "key", "keys", "secret", "secrets", "password", "passwd", "auth",
        "access", "refresh", "session", "id", "user", "api", "bearer", "jwt", "cookie",
        "header", "storage", "code", "type", "name", "client", "grant", "credentials",
        "repository", "service", "provider", "module", "config", "options", "factory",
        "event", "error", "invalid", "expired", "missing", "required", "reset",
    }
)  # fmt: skip
_NAME_SEPARATORS = re.compile(r"[-_.:/]")
_NAME_SEGMENT = re.compile(r"^(?:[a-z]+|[A-Z]+|[A-Z]?[a-z]+(?:[A-Z][a-z]+)*)$")
_REGEX_SHAPE = re.compile(r"^\^|(?<!\\)\$$|\(\?|\\[dws]")
# format strings and template placeholders: ``%s``, ``{0}``, ``${x}``, ``$S{x}``, ``{{x}}``
_FORMAT_SHAPE = re.compile(r"%[sdjo]|\{\d*\}|\$\w?\{|\{\{|\{[A-Za-z_]\w*\}")
_SCHEME_VALUE = re.compile(r"^(Bearer|Basic|Token|Bot|ApiKey|Digest)\s+(\S+)$", re.I)


def _squashed(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def is_placeholder(value: str) -> bool:
    """``changeme``, ``xxx…``, ``***``, ``<…>``, ``your-…``, ``my_…``, ``…-here``,
    ``example``, ``placeholder``, ``dummy``, ``test``, ``todo`` and the like."""
    squashed = _squashed(value)
    if any(word in squashed for word in PLACEHOLDER_WORDS):
        return True
    return bool(_PLACEHOLDER_SHAPES.search(value))


def is_obvious_placeholder(value: str) -> bool:
    return bool(_OBVIOUS_PLACEHOLDER.search(value))


def is_env_var_name(value: str) -> bool:
    return bool(_ENV_NAME.match(value))


def is_url_without_userinfo(value: str) -> bool:
    return bool(_URL.match(value)) and not _URL_USERINFO.match(value)


def is_path(value: str) -> bool:
    if _PATH.match(value):
        return True
    if not _PATHLIKE.match(value):
        return False
    # base64 keys contain '/', but not in lower-case or file-like segments
    return all(_PATH_SEGMENT.search(segment) for segment in value.strip("/").split("/"))


def is_header_name(value: str) -> bool:
    return bool(_HEADER_NAME.match(value))


def is_password_hash(value: str) -> bool:
    """bcrypt/argon2/scrypt/crypt hashes: compared by the library, not secrets."""
    return bool(_HASH.match(value))


def is_name_like(value: str, name: str = "") -> bool:
    """``auth_token``, ``INVALID_TOKEN``, ``errors.invalid_token``: words joined by
    separators, no digits — a key, code or event name, not a secret. A camelCase
    word (``accessToken``, ``UserRepository`` for ``USER_REPOSITORY_TOKEN``) counts
    when it speaks of credentials or repeats its own name; ``GaryHost`` does not."""
    if any(ch.isdigit() for ch in value):
        return False
    segments = _NAME_SEPARATORS.split(value.lstrip("@"))  # ``@@auth/TOKEN_REFRESHED``
    if not all(_NAME_SEGMENT.match(segment) for segment in segments):
        return False
    if len(segments) > 1:
        return True
    words = _stems(name_words(value))
    return len(words) > 1 and bool(words & (NAME_VOCABULARY | _stems(name_words(name))))


def _stems(words: tuple[str, ...]) -> set[str]:
    """Words without a plural ``s`` (``passwords`` -> ``password``)."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def same_word(value: str, name: str) -> bool:
    """``password: 'password'``, ``apiKey: 'api_key'``."""
    squashed = _squashed(value)
    words = name_words(name)
    return bool(squashed) and (
        squashed == _squashed(name) or (bool(words) and squashed == words[-1])
    )


def scheme_token(value: str) -> str | None:
    """The token of an ``Authorization`` value: ``'Bearer abc…'`` -> ``'abc…'``."""
    match = _SCHEME_VALUE.match(value.strip())
    return match.group(2) if match else None


def looks_like_credential(value: str, name: str = "") -> bool:
    """A literal assigned to a credential-named place: is it the credential itself?

    At least 8 characters, no whitespace, not a placeholder, an env-var name, a
    URL without userinfo, a path, a header name, a hash, an e-mail, a pattern, a
    name-like word list, or the name's own word; 8–15 characters also need a digit,
    mixed case or a symbol."""
    if len(value) < 8 or any(ch.isspace() for ch in value):
        return False
    if value.lower() in ENUMERATIONS or (name and same_word(value, name)):
        return False
    if (
        is_placeholder(value)
        or is_env_var_name(value)
        or is_url_without_userinfo(value)
        or is_path(value)
        or is_header_name(value)
        or is_password_hash(value)
        or _EMAIL.match(value)
        or _REGEX_SHAPE.search(value)
        or _FORMAT_SHAPE.search(value)
        or is_name_like(value, name)
    ):
        return False
    if _UPPER_CONSTANT.match(value) and not looks_random(value):
        return False  # ``MONGODB-X509``, ``SCRAM-SHA-256``: a constant's name
    if value.lower().startswith(("pk_live_", "encrypted:")):
        return False  # a Stripe publishable key is public; dotenvx values are encrypted
    if len(value) < 16:
        return _has_complexity(value)
    return True


def looks_like_compared_key(value: str) -> bool:
    """A literal compared with a request's key: a key unless plainly not one."""
    token = scheme_token(value) or value.strip()
    if len(token) < 4 or token.lower() in ENUMERATIONS or is_header_name(token):
        return False
    if is_obvious_placeholder(token) or is_env_var_name(token) or is_password_hash(token):
        return False
    if is_name_like(token):
        return False  # ``first-page``, ``refresh_token``: a word list, not a key
    if len(token) < 8:
        return _has_complexity(token)
    return True


def looks_random(value: str) -> bool:
    """``k_9f8e7d6c5b4a``, ``pk_7Hq2vL9sXw4m``, a UUID — not ``colorPrimary500``,
    ``android-v1``: letters and digits alternate, or a long value mixes case and digits."""
    if len(value) < 12:
        return False
    kinds = ["d" if ch.isdigit() else "a" if ch.isalpha() else "" for ch in value]
    classes = [k for k in kinds if k]
    changes = sum(1 for a, b in pairwise(classes) if a != b)
    if changes >= 4:
        return True
    return len(value) >= 20 and _has_complexity(value) and any(ch.isdigit() for ch in value)


def _has_complexity(value: str) -> bool:
    has_digit = any(ch.isdigit() for ch in value)
    mixed = any(ch.islower() for ch in value) and any(ch.isupper() for ch in value)
    symbol = any(not ch.isalnum() for ch in value)
    return has_digit or mixed or symbol


# -- .env keys -----------------------------------------------------------------

ENV_SUFFIXES = ("_KEY", "_SECRET", "_TOKEN", "_PASSWORD", "_PASS", "_PWD")
ENV_EXACT = frozenset({"SECRET", "TOKEN", "PASSWORD", "PASS", "PWD", "APIKEY", "API_KEY"})
# ``STRIPE_PUBLISHABLE_KEY``, ``RECAPTCHA_SITE_KEY``, ``CACHE_KEY``: not secrets
ENV_KEY_NOT_SECRET = frozenset(
    {
        "public", "publishable", "site", "cache", "sort", "partition", "primary", "foreign",
        "idempotency", "lock", "queue", "object", "bucket", "storage", "index", "range",
        "routing", "prefix", "hash", "s3", "redis", "map", "license",
    }
)  # fmt: skip


def is_credential_env_key(key: str, names: CredentialNames | None = None) -> bool:
    """``DB_PASSWORD``, ``STRIPE_SECRET_KEY``, ``GITHUB_TOKEN`` — not ``STRIPE_PUBLISHABLE_KEY``."""
    upper = key.upper()
    words = name_words(key)
    if upper in ENV_EXACT:
        return True
    if upper.endswith(ENV_SUFFIXES):
        return not (upper.endswith("_KEY") and len(words) >= 2 and words[-2] in ENV_KEY_NOT_SECRET)
    return names is not None and any(
        _contains(words, phrase) for phrase in names.phrases[len(CREDENTIAL_PHRASES) :]
    )


# -- provider token formats --------------------------------------------------------


@dataclass(frozen=True)
class ProviderToken:
    label: str  # with its article: 'an AWS access key id'
    start: int  # offsets in the text searched
    end: int
    token: str


PROVIDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "an AWS access key id",
        re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"),
    ),
    (
        "a GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
    ),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9]+(?:-[A-Za-z0-9]+){2,}")),
    ("a Stripe live secret key", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{20,}")),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])")),
    (
        "a SendGrid API key",
        re.compile(r"(?<![A-Za-z0-9])SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}(?![A-Za-z0-9_-])"),
    ),
    ("an npm token", re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")),
    (
        "a PEM private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"[^`'\"]{0,200}?[A-Za-z0-9+/]{40,}"
        ),
    ),
    (
        "a signed JWT",
        re.compile(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"
        ),
    ),
)
JWT_LABEL = "a signed JWT"
PEM_LABEL = "a PEM private key"
# the literal each provider's token starts with, as written in PROVIDERS
ANCHORS: dict[str, tuple[bytes, ...]] = {
    "an AWS access key id": (b"AKIA", b"ASIA"),
    "a GitHub token": (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
    "a Slack token": (b"xox",),
    "a Stripe live secret key": (b"sk_live_", b"rk_live_"),
    "a Google API key": (b"AIza",),
    "a SendGrid API key": (b"SG.",),
    "an npm token": (b"npm_",),
    PEM_LABEL: (b"-----BEGIN ",),
    JWT_LABEL: (b"eyJ",),
}
# case as written: provider prefixes are case-sensitive (``AKIA``, ``eyJ``)
PROVIDER_NEEDLES = (
    b"AKIA", b"ASIA", b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_", b"xox",
    b"_live_", b"AIza", b"SG.", b"npm_", b"PRIVATE KEY", b"eyJ",
)  # fmt: skip
PROVIDER_KEYS = needles.keys(PROVIDER_NEEDLES)  # found in the one pass over each file
_FAKE_TOKEN = re.compile(r"example|placeholder|your|dummy|test|fake|x{6,}|(.)\1{7,}", re.I)
_FAKE_PEM = re.compile(r"example|placeholder|your|dummy|\.\.\.", re.I)


def may_hold_provider_token(mentions: Mentions) -> bool:
    """A provider prefix in any case (one set test), then as written."""
    return mentions.any_key(PROVIDER_KEYS) and any(
        mentions.exact(needle) for needle in PROVIDER_NEEDLES
    )


def find_provider_tokens(text: str) -> Iterator[ProviderToken]:
    """Every provider token in ``text`` (documentation examples such as
    ``AKIAIOSFODNN7EXAMPLE`` or ``ghp_xxxx…`` left out)."""
    for label, pattern in PROVIDERS:
        for match in pattern.finditer(text):
            token = match.group(0)
            if not _is_fake(label, token):
                yield ProviderToken(label, match.start(), match.end(), token)


def find_provider_tokens_in_bytes(data: bytes) -> Iterator[ProviderToken]:
    """``find_provider_tokens`` over raw bytes: offsets are byte offsets, as in the tree.

    Each pattern is tried only where its anchor occurs (the same matches ``finditer``
    finds, without one): a pattern that opens with a look-behind makes ``finditer``
    try every byte of the file, 20 ms for one AKIA in a 800 KB bundle."""
    for label, pattern in _BYTE_PROVIDERS:
        starts = sorted({at for anchor in ANCHORS[label] for at in needles.find_all(data, anchor)})
        covered = 0  # like finditer: matches do not overlap
        for start in starts:
            if start < covered:
                continue
            match = pattern.match(data, start)
            if match is None:
                continue
            covered = match.end()
            token = match.group(0).decode("utf-8", "replace")
            if not _is_fake(label, token):
                yield ProviderToken(label, match.start(), match.end(), token)


def _is_fake(label: str, token: str) -> bool:
    fake = _FAKE_PEM if label == PEM_LABEL else _FAKE_TOKEN
    return bool(fake.search(token))


_BYTE_PROVIDERS = tuple(
    (label, re.compile(pattern.pattern.encode("ascii"), pattern.flags & re.IGNORECASE))
    for label, pattern in PROVIDERS
)
