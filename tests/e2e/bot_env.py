"""Running a check script inside Rasa's own environment (.venv-bot), where Rasa imports."""

import json
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from knowledge.config import REPO_ROOT

BOT_PYTHON = REPO_ROOT / ".venv-bot" / "bin" / "python"


def json_lines_by(
    key: str, script: Path, *args: str, timeout: float = 600
) -> dict[str, list[dict[str, Any]]]:
    """Runs `script` with Rasa's Python and groups the JSON lines it prints by their `key` field."""
    done = subprocess.run(
        [str(BOT_PYTHON), str(script), *args],
        cwd=REPO_ROOT,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            grouped[row.pop(key)].append(row)
    return grouped
