"""Play the console scripts in examples/ the way `make demo` does, and pin their transcripts.

A golden file is the transcript the script printed, with one thing normalised: the random part
of an export's file name (`export-20261217-120000-2f8abf-…`), which is random on purpose so
nobody can guess another group's file. Everything else must match byte for byte.

The tests only compare. To change a golden file deliberately (a wording fix an issue asks
for), regenerate it and review the diff before committing:

    .venv/bin/python -m tests.golden.transcripts          # rewrites tests/golden/*.out
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
GOLDEN = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Script:
    """One console script and how the Makefile (or its README section) plays it."""

    name: str
    config: str
    now: str
    tz: str

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.name}.out"


# every script in examples/ (a test checks none is missing): `make demo`'s arguments
SCRIPTS = (Script("demo", "demo.toml", "2026-11-02 08:00", "Africa/Johannesburg"),)

_EXPORT_TOKEN = re.compile(r"(export-\d{8}-\d{6}-)[0-9a-f]{6}(-)")


def normalised(transcript: str) -> str:
    return _EXPORT_TOKEN.sub(r"\1XXXXXX\2", transcript)


def play(script: Script, database: str = "demo.db", keep: Path | None = None) -> str:
    """The transcript `make demo` prints for `script` (without make's own echo of the
    command), played in a fresh directory so its database and files start empty: by
    default a SQLite file there, or the (empty) `database` given, such as a PostgreSQL URL.
    With `keep`, the SQLite file is copied there afterwards."""
    with tempfile.TemporaryDirectory() as here:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "--config",
                str(EXAMPLES / script.config),
                "console",
                "--db",
                database,
                "--script",
                str(EXAMPLES / f"{script.name}.txt"),
                "--now",
                script.now,
                "--tz",
                script.tz,
            ],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if keep is not None and run.returncode == 0:
            keep.write_bytes((Path(here) / database).read_bytes())
            keep.chmod(0o600)  # as Rapport keeps it: prospects' details are in it
    if run.returncode != 0 or run.stderr:
        raise AssertionError(f"{script.name}.txt did not play cleanly:\n{run.stderr}")
    return normalised(run.stdout)


def main() -> None:
    for script in SCRIPTS:
        script.golden.write_text(play(script), encoding="utf-8", newline="")
        print(f"wrote {script.golden.relative_to(REPO)}")


if __name__ == "__main__":
    main()
