"""Which database `rapport` opens (--db, else RAPPORT_DATABASE, else the config's path), a
PostgreSQL URL never repeated with its password, `rapport migrate` and `rapport backup`."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from bot.config import Settings, database_target
from storage.backup import BackupError, backup
from storage.sqlite import SqliteRepository, migrations

REPO = Path(__file__).resolve().parents[2]
LATEST = migrations()[-1][0]


def rapport(*args: str, cwd: Path, env: dict[str, str] | None = None):
    import os

    environ = {k: v for k, v in os.environ.items() if k != "RAPPORT_DATABASE"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_the_flag_wins_then_the_variable_then_the_config():
    s = Settings(database="from-config.db")
    env = {"RAPPORT_DATABASE": "/srv/rapport/from-env.db"}
    assert database_target(s, env, "flag.db") == "flag.db"
    assert database_target(s, env) == "/srv/rapport/from-env.db"
    assert database_target(s, {"RAPPORT_DATABASE": "  "}) == "from-config.db"
    renamed = Settings(database_env="BOT_DB")
    assert database_target(renamed, {"BOT_DB": "other.db", **env}) == "other.db"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "PostgreSQL"])
def test_a_postgresql_url_is_the_database_as_given(scheme):
    url = f"{scheme}://rapport:hunter2-secret@db:5432/rapport"
    assert database_target(Settings(), {"RAPPORT_DATABASE": url}) == url


def test_a_postgresql_server_that_does_not_answer_is_one_line_without_its_password(tmp_path):
    url = "postgresql://rapport:hunter2-secret@127.0.0.1:1/rapport"
    for command in (["migrate"], ["console", "--script", "/dev/null"]):
        run = rapport(*command, cwd=tmp_path, env={"RAPPORT_DATABASE": url})
        assert run.returncode == 1
        [line] = run.stderr.splitlines()
        assert line.startswith("rapport: ")
        assert "postgresql://rapport@127.0.0.1:1/rapport: cannot connect (" in line
        assert "hunter2" not in run.stderr + run.stdout
    assert list(tmp_path.iterdir()) == []


def test_the_config_names_the_variable_and_a_secret_is_never_the_value(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[database]\nurl_env = "postgresql://x:y@h/d"\n', encoding="utf-8")
    run = rapport("--config", str(config), "migrate", cwd=tmp_path)
    assert run.returncode == 2
    assert "database.url_env: must name an environment variable" in run.stderr
    assert "x:y@h" not in run.stderr


def test_rapport_migrate_brings_a_new_database_to_the_latest_schema_and_stops(tmp_path):
    db = tmp_path / "data" / "rapport.db"
    db.parent.mkdir()
    run = rapport("migrate", cwd=tmp_path, env={"RAPPORT_DATABASE": str(db)})
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"rapport: {db} is at schema version {LATEST}\n"
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert c.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 0
    again = rapport("migrate", "--db", str(db), cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, run.stdout)


async def filled(db: Path, rows: int) -> None:
    repo = await SqliteRepository.open(str(db))

    async def save(tx: SqliteRepository) -> None:
        for n in range(rows):
            await tx.requests.save(f"before-{n}", "[]", 0)

    try:
        await repo.atomic(save)
    finally:
        await repo.close()


def keys(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as c:
        return {r[0] for r in c.execute("SELECT key FROM requests")}


async def test_a_backup_taken_while_the_bot_writes_holds_everything_committed_before_it(
    tmp_path,
):
    db, copy = tmp_path / "rapport.db", tmp_path / "backup.db"
    await filled(db, 500)
    repo = await SqliteRepository.open(str(db))
    started = threading.Event()
    finished = threading.Event()
    written = 0

    async def keep_writing() -> None:
        nonlocal written
        while not finished.is_set():
            key = f"during-{written}"
            await repo.atomic(lambda tx, key=key: tx.requests.save(key, "[]", 0))
            written += 1
            if written == 20:
                started.set()  # the backup starts with writes in full flow
            await asyncio.sleep(0)

    writer = asyncio.create_task(keep_writing())
    try:
        await asyncio.to_thread(started.wait)

        def take() -> int:
            try:
                return backup(str(db), str(copy))
            finally:
                finished.set()

        pages = await asyncio.to_thread(take)
        await writer
    finally:
        await repo.close()
    during = written
    assert pages > 0 and during > 20
    got = keys(copy)
    assert {f"before-{n}" for n in range(500)} | {f"during-{n}" for n in range(20)} <= got
    assert len(got) <= 500 + during  # nothing invented
    with closing(sqlite3.connect(copy)) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        assert c.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.glob("backup.db*")) == ["backup.db"]


async def test_a_backup_never_overwrites_a_file_and_needs_a_database(tmp_path):
    db, copy = tmp_path / "rapport.db", tmp_path / "backup.db"
    await filled(db, 3)
    copy.write_text("yesterday's backup")
    with pytest.raises(BackupError, match="already exists: a backup never overwrites a file"):
        backup(str(db), str(copy))
    assert copy.read_text() == "yesterday's backup"
    with pytest.raises(BackupError, match="there is no database file at"):
        backup(str(tmp_path / "missing.db"), str(tmp_path / "new.db"))
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "new.db").exists()


async def test_rapport_backup_from_the_command_line(tmp_path):
    db = tmp_path / "rapport.db"
    await filled(db, 7)
    run = rapport("backup", str(tmp_path / "b1.db"), "--db", str(db), cwd=tmp_path)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith(f"rapport: {db} copied to {tmp_path / 'b1.db'} (")
    assert keys(tmp_path / "b1.db") == {f"before-{n}" for n in range(7)}
    again = rapport("backup", str(tmp_path / "b1.db"), "--db", str(db), cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == (
        f"rapport: backup: {tmp_path / 'b1.db'} already exists: a backup never overwrites a file\n"
    )
