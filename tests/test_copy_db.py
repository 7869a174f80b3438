"""A chapter's whole week on PostgreSQL, and moving it: the demo script played on PostgreSQL
prints the same transcript as on SQLite (the golden one), and `rapport copy-db` takes the
week's SQLite database into PostgreSQL and back with every row the same, checking each
table's count, and refusing a target that already holds rows."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.golden.transcripts import SCRIPTS, play

BACKENDS = ("postgresql",)
REPO = Path(__file__).resolve().parents[1]
[DEMO] = SCRIPTS


def rapport(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RAPPORT_DATABASE"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted: the same rows whatever order they were written in."""
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def test_the_demo_week_on_postgresql_prints_the_golden_transcript(database):
    assert play(DEMO, database=database) == DEMO.golden.read_text(encoding="utf-8")


def test_copy_db_takes_the_week_to_postgresql_and_back_with_the_same_rows(database, tmp_path):
    week = tmp_path / "week.db"
    play(DEMO, keep=week)
    before = rows(week)
    assert len(before["referrals"]) > 0 and len(before["outbox"]) > 0

    there = rapport("copy-db", str(week), database, cwd=tmp_path)
    assert (there.returncode, there.stderr) == (0, ""), there.stderr
    lines = there.stdout.splitlines()
    assert lines[0].startswith(f"rapport: copied {week} to postgresql://")
    counted = dict(line.split() for line in lines[1:])
    assert counted == {t: str(len(r)) for t, r in before.items() if t in counted}
    assert counted["referrals"] == str(len(before["referrals"]))

    back = tmp_path / "back.db"
    home = rapport("copy-db", database, str(back), cwd=tmp_path)
    assert (home.returncode, home.stderr) == (0, ""), home.stderr
    assert rows(back) == before

    # the bot runs on the copy: the week's referrals are there for their members
    again = rapport("copy-db", str(week), database, cwd=tmp_path)
    assert again.returncode == 1
    [line] = again.stderr.splitlines()
    assert line.startswith("rapport: copy-db: postgresql://")
    assert "is not empty (table " in line


def test_copy_db_refuses_a_sqlite_target_with_rows_and_leaves_it_alone(tmp_path):
    week, other = tmp_path / "week.db", tmp_path / "other.db"
    play(DEMO, keep=week)
    play(DEMO, keep=other)
    before = rows(other)
    run = rapport("copy-db", str(week), str(other), cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == f"rapport: copy-db: {other} is not empty (table groups has rows)\n"
    assert rows(other) == before
