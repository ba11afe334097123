"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (``try-repo``).

``pre-commit try-repo`` clones the hook repository, installs the hook's Python
environment from it (``pip install`` of this package, from PyPI's build and
runtime dependencies) and runs the hook in a user's repository. The hook
repository here is a commit of this working tree, tracked and untracked
(not ignored) files alike: try-repo on a dirty checkout would only carry the
tracked changes, and this way the test lints exactly what is on disk.
Each try-repo installs the environment afresh, so these tests take a minute.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit", reason="pre-commit is not installed (the 'test' extra has it)")
yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 900  # seconds for one try-repo: it builds and installs readylint in a new venv

BAD = """\
import cors from 'cors';
import express from 'express';
import { health } from './health';

const app = express();
app.use(cors());
app.get('/health', health);
app.listen(3000);
"""
GOOD = """\
import type { Request, Response } from 'express';

export function health(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}
"""
GIT = ["git", "-c", "user.name=readylint tests", "-c", "user.email=tests@example.invalid"]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        [*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=120
    ).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree, committed in a repository of its own: (path, rev)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    snapshot = tmp_path_factory.mktemp("readylint-hook-repo")
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = REPO / name
        if not source.is_file():  # deleted in the working tree
            continue
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot", cwd=snapshot)
    return snapshot, _git("rev-parse", "HEAD", cwd=snapshot).strip()


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository with a bad and a good file, both staged."""
    repo = tmp_path_factory.mktemp("user-repo")
    _git("init", "-q", cwd=repo)
    (repo / "src").mkdir()
    (repo / "src" / "server.ts").write_text(BAD, encoding="utf-8")
    (repo / "src" / "health.ts").write_text(GOOD, encoding="utf-8")
    (repo / "README.md").write_text("app.use(cors());\n", encoding="utf-8")
    _git("add", "-A", cwd=repo)
    return repo


def try_repo(hook_repo: tuple[Path, str], user_repo: Path, hook: str, *files: str):
    path, rev = hook_repo
    env = {
        **os.environ,
        "PRE_COMMIT_COLOR": "never",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "NO_COLOR": "1",
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(path), hook, "--ref", rev]
    command += ["--files", *files] if files else ["--all-files"]
    result = subprocess.run(
        command,
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_manifest_declares_both_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"readylint", "readylint-project"}
    assert hooks["readylint"]["language"] == hooks["readylint-project"]["language"] == "python"
    assert hooks["readylint"].get("pass_filenames", True) is True
    assert "--force-exclude" in hooks["readylint"]["entry"]
    assert hooks["readylint-project"]["pass_filenames"] is False
    assert hooks["readylint-project"]["entry"].endswith(" .")


def test_file_hook_fails_on_the_bad_file_and_passes_on_the_good_one(
    hook_repo: tuple[Path, str], user_repo: Path
) -> None:
    code, output = try_repo(hook_repo, user_repo, "readylint", "src/server.ts")
    assert code == 1, output
    assert "readylint" in output and "Failed" in output
    assert "src/server.ts:6:9: SEC002" in output  # the open cors() call
    assert "INF001" not in output  # files given: project rules are left to readylint-project

    code, output = try_repo(hook_repo, user_repo, "readylint", "src/health.ts", "README.md")
    assert code == 0, output
    assert "Passed" in output and "SEC002" not in output


def test_project_hook_lints_the_whole_repository(
    hook_repo: tuple[Path, str], user_repo: Path
) -> None:
    # only the good file changed, but the project hook looks at every file
    code, output = try_repo(hook_repo, user_repo, "readylint-project", "src/health.ts")
    assert code == 1, output
    assert "readylint (whole project)" in output and "Failed" in output
    assert "src/server.ts:6:9: SEC002" in output
    assert "INF001" in output  # a project rule: no readiness route in the application
