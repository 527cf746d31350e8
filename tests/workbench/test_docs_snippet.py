"""The Python API example of docs/planning.md, saved as a script and run as a user would."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_api_example_runs_as_a_script_with_worker_processes(tmp_path):
    text = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def main" in block)
    script = tmp_path / "plan.py"
    script.write_text(snippet, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "ci95" in done.stdout and "Error" not in done.stderr
