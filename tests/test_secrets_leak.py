"""No output format ever carries a secret the linter found; --show-secrets only
unmasks them in the terminal's text output.

A project full of known secrets (partner keys in a Map, credential-named
literals, provider tokens, a PEM key, a JWT, committed .env values, a JWT
fallback secret) is linted through the CLI in every format, to stdout and with
``-o``; the bytes are searched for each secret whole and for every 8-character
piece of it past the 4-character prefix that masking may show.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from readylint.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ticketing-api"

PARTNER_KEYS = ("pk_Lq4Vd8Ns2Xc6Bz0T", "pk_Gh3Jk7Mn1Pq5Rs9W")
ONE_LINE_KEYS = ("int_9f8e7d6c5b4a3f2e", "int_0a1b2c3d4e5f6071")
SMTP_PASSWORD = "Mg!9vR2xQ7pL4sT1"
CLIENT_SECRET = "cs_8HjK2lMn5PqR7sTv9WxY"
BEARER_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99"
FALLBACK_PASSWORD = "Tix!Db#2024xq"
AWS_KEY = "AKIAZ7Q4N2XW5RT8LM3P"
GITHUB_TOKEN = "ghp_R7kq2WZm9XbT4vLp8NcY3sQd6HfJ1gKa5Ue0"
STRIPE_KEY = "sk_live_51Hx8QzLp2WmT7vKc4RnY9sBd3FgJ6hUa"
SLACK_TOKEN = "xoxb-2841937465-5928374651-Kq8ZrT2mWx4NvLp7YcB3sD6f"
GOOGLE_KEY = "AIzaSyC4x9Qm2Lp7TzW3vR8nKb5YcJ1dF6gH0sE"
SENDGRID_KEY = "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"
NPM_TOKEN = "npm_4Rk8Tz2QmW7xLp9VcN3bY5sD1fG6hJ0aUe3K"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcmVwb3J0cyIsImlhdCI6MTcxNjIzOTAyMn0"
    ".4pcPyMD09olPSyXnrXCjTwXyr4BsezdI1AVTmud2fU4"
)
PEM_BODY = (
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0"
    "/IzW7yWR7QkrmBL7jTKEn5u"
)
PEM_ONE_LINE_BODY = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
ENV_DB_PASSWORD = "Stg-Db_p4ss!2024"
ENV_STRIPE_KEY = "sk_live_51NfQ8ku8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL"
ENV_PARTNER_TOKEN = "c3f8a1e9-7b2d-4e6f-9a0c-5d8b1e4f7a23"
ENV_JWT_SECRET = "stg-Jw7-s3cr3t-24"
JWT_FALLBACK = "fb-Jw7-K3y-2024xq"

SECRETS = (
    *PARTNER_KEYS,
    *ONE_LINE_KEYS,
    SMTP_PASSWORD,
    CLIENT_SECRET,
    BEARER_TOKEN,
    FALLBACK_PASSWORD,
    AWS_KEY,
    GITHUB_TOKEN,
    STRIPE_KEY,
    SLACK_TOKEN,
    GOOGLE_KEY,
    SENDGRID_KEY,
    NPM_TOKEN,
    JWT,
    PEM_BODY,
    PEM_ONE_LINE_BODY,
    ENV_DB_PASSWORD,
    ENV_STRIPE_KEY,
    ENV_PARTNER_TOKEN,
    ENV_JWT_SECRET,
    JWT_FALLBACK,
)

FILES = {
    "src/partners.ts": f"""\
import {{ NextFunction, Request, Response }} from 'express';

const PARTNER_KEYS = new Map<string, string>([
  ['{PARTNER_KEYS[0]}', 'boxoffice'],
  ['{PARTNER_KEYS[1]}', 'venuehub'],
]);
const INTERNAL_KEYS = new Set(['{ONE_LINE_KEYS[0]}', '{ONE_LINE_KEYS[1]}']);

export function partnerAuth(req: Request, res: Response, next: NextFunction): void {{
  const apiKey = String(req.headers['x-api-key'] ?? '');
  if (!PARTNER_KEYS.has(apiKey) && !INTERNAL_KEYS.has(apiKey)) {{
    res.sendStatus(401);
    return;
  }}
  next();
}}
""",
    "src/config.ts": f"""\
export const config = {{
  smtp: {{ host: 'smtp.mailgun.org', password: '{SMTP_PASSWORD}' }},
  oauth: {{ clientSecret: '{CLIENT_SECRET}' }},
  db: {{ password: process.env.DB_PASSWORD ?? '{FALLBACK_PASSWORD}' }},
  weather: {{ headers: {{ Authorization: 'Bearer {BEARER_TOKEN}' }} }},
}};
""",
    "src/providers.ts": f"""\
export const awsAccessKeyId = '{AWS_KEY}';
export const github = {{ auth: '{GITHUB_TOKEN}' }};
export const stripe = ['{STRIPE_KEY}'];
export const slack = {{ bot: "{SLACK_TOKEN}" }};
export const geocode = (q: string) => `https://maps.example.io/geo?q=${{q}}&key={GOOGLE_KEY}`;
export const mail = {{ provider: '{SENDGRID_KEY}' }};
export const npmrc = '//registry.npmjs.org/:_authToken={NPM_TOKEN}';
export const api = {{ headers: {{ Authorization: 'Bearer {JWT}' }} }};
export const signingPem = `-----BEGIN RSA PRIVATE KEY-----
{PEM_BODY}
-----END RSA PRIVATE KEY-----`;
export const inlinePem = '-----BEGIN PRIVATE KEY-----\\n{PEM_ONE_LINE_BODY}\\n-----END PRIVATE KEY-----';
""",
    "src/tokens.ts": f"""\
import jwt from 'jsonwebtoken';

const JWT_SECRET = process.env.JWT_SECRET || '{JWT_FALLBACK}';

export function issue(sub: string): string {{
  return jwt.sign({{ sub }}, JWT_SECRET, {{ expiresIn: '15m' }});
}}
""",
    ".env": f"""\
NODE_ENV=staging
DB_PASSWORD={ENV_DB_PASSWORD}
STRIPE_SECRET_KEY={ENV_STRIPE_KEY}
PARTNER_API_TOKEN="{ENV_PARTNER_TOKEN}"
JWT_SECRET={ENV_JWT_SECRET}
""",
}

# (path, line) of every finding the project must produce: each secret is found
PLANTED = Counter(
    {
        ("src/partners.ts", 4): 1,
        ("src/partners.ts", 5): 1,
        ("src/partners.ts", 7): 2,
        ("src/config.ts", 2): 1,
        ("src/config.ts", 3): 1,
        ("src/config.ts", 4): 1,
        ("src/config.ts", 5): 1,
        **{("src/providers.ts", line): 1 for line in range(1, 10)},
        ("src/providers.ts", 12): 1,
        ("src/tokens.ts", 3): 1,
        (".env", 2): 1,
        (".env", 3): 1,
        (".env", 4): 1,
        (".env", 5): 1,
    }
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def leaks(output: str) -> list[str]:
    """Secrets (or 8-character pieces of them past the shown prefix) in ``output``."""
    found = []
    for secret in SECRETS:
        if secret in output:
            found.append(secret)
            continue
        for start in range(4, len(secret) - 7):
            piece = secret[start : start + 8]
            if piece in output:
                found.append(f"{secret[:4]}… piece {piece!r}")
                break
    return found


def check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", ".", "--select", "SEC", *args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_the_project_holds_the_secrets_and_each_is_reported(project: Path) -> None:
    text = "".join((project / name).read_text(encoding="utf-8") for name in FILES)
    assert all(secret in text for secret in SECRETS)
    data = json.loads(check("--format", "json", "--no-cache"))
    found = Counter((f["path"], f["line"]) for f in data["findings"])
    assert found == PLANTED, f"missing {PLANTED - found}, unexpected {found - PLANTED}"


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "text"),
        ("--format", "text", "--quiet"),
        ("--format", "text", "--statistics"),
        ("--format", "json"),
        ("--format", "sarif"),
        ("--format", "github"),
    ],
    ids=["text", "text-quiet", "text-statistics", "json", "sarif", "github"],
)
def test_no_format_leaks_a_secret(project: Path, args: tuple[str, ...]) -> None:
    for cache in ("--no-cache", "--cache-dir=.cache-a", "--cache-dir=.cache-a"):  # cold, warm
        output = check(*args, cache)
        assert "…" in output or "%E2%80%A6" in output or "\\u2026" in output
        assert leaks(output) == [], f"{args} {cache}"
        written = project / "out.txt"
        check(*args, cache, "-o", str(written))
        assert leaks(written.read_text(encoding="utf-8")) == [], f"{args} -o {cache}"


def test_the_cache_keeps_no_secret(project: Path) -> None:
    check("--format", "json", "--cache-dir=.cache-b")
    check("--format", "json", "--cache-dir=.cache-b")
    stored = b"".join(p.read_bytes() for p in (project / ".cache-b").rglob("*") if p.is_file())
    assert leaks(stored.decode("utf-8", "replace")) == []


def test_show_secrets_prints_them_in_the_terminal_text_only(project: Path) -> None:
    shown = check("--format", "text", "--show-secrets")
    for secret in (*PARTNER_KEYS, *ONE_LINE_KEYS, SMTP_PASSWORD, STRIPE_KEY, ENV_DB_PASSWORD):
        assert secret in shown, secret
    for fmt in ("json", "sarif", "github"):
        assert leaks(check("--format", fmt, "--show-secrets")) == [], fmt
    written = project / "shown.txt"
    check("--format", "text", "--show-secrets", "-o", str(written))
    assert leaks(written.read_text(encoding="utf-8")) == []


def test_the_example_reports_exactly_its_planted_sec001_rows() -> None:
    planted = Counter(
        (where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))
        for where, code in (
            row.split() for row in (EXAMPLE / "EXPECTED").read_text().splitlines() if row.strip()
        )
        if code == "SEC001"
    )
    result = CliRunner().invoke(
        main, ["check", str(EXAMPLE), "--select", "SEC001", "--format", "json", "--no-cache"]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    prefix = "examples/ticketing-api/"
    found = Counter((f["path"].removeprefix(prefix), f["line"]) for f in data["findings"])
    assert {f["rule"] for f in data["findings"]} == {"SEC001"}
    assert found == planted, f"missing {planted - found}, unexpected {found - planted}"
    assert leaks(result.output) == []


def test_extra_credential_names_extend_the_names_sec001_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[rules.SEC001] extra-credential-names`` adds words in code and in .env keys."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "kiosk.ts").write_text(
        "export const kioskPin = 'K9x-4471-pQ';\nexport const pinLength = 6;\n", encoding="utf-8"
    )
    (tmp_path / ".env").write_text("KIOSK_PIN=K9x-4471-pQ\nPIN_LENGTH=6\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = json.loads(check("--format", "json", "--no-cache"))
    assert before["findings"] == []
    (tmp_path / "readylint.toml").write_text(
        '[rules.SEC001]\nextra-credential-names = ["pin"]\n', encoding="utf-8"
    )
    after = json.loads(check("--format", "json", "--no-cache"))
    assert sorted((f["path"], f["line"]) for f in after["findings"]) == [
        (".env", 1),
        ("src/kiosk.ts", 1),
    ]
    assert "K9x-4471-pQ" not in json.dumps(after)


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_the_report_keeps_no_secret(project: Path, fmt: str) -> None:
    result = CliRunner().invoke(main, ["report", ".", "--format", fmt, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "SEC001" in result.output
    assert leaks(result.output) == []


def test_debug_logs_keep_no_secret(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "readylint", "check", ".", "--debug", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "readylint: debug:" in result.stderr
    assert leaks(result.stderr) == [] and leaks(result.stdout) == []
