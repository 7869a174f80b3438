"""At start, a database Rapport must not write to is refused with one line naming the problem
and what to do, before anything is written: newer than the code, tables that do not match
the schema version, a damaged SQLite file, a file that is not a database, a place that
cannot be written. On both databases where the problem exists on both."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from bot.ports import DatabaseRefused
from storage import migrate as migrations
from storage.databases import open_repository

BACKENDS = ("sqlite", "postgresql")
REPO = Path(__file__).resolve().parents[1]
LATEST = migrations.latest("sqlite")


async def fresh(database: str) -> None:
    repo = await open_repository(database)
    async with repo.transaction() as tx:
        await tx.requests.save("before", "[]", 0)
    await repo.close()


async def change(database: str, sql: str) -> None:
    """Change the database behind Rapport's back (a hand edit, a newer version's write)."""
    if database.startswith("postgresql"):
        import asyncpg

        conn = await asyncpg.connect(database)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()
    else:
        with closing(sqlite3.connect(database)) as db:
            db.execute(sql)
            db.commit()


async def requests_kept(database: str) -> int:
    if database.startswith("postgresql"):
        import asyncpg

        conn = await asyncpg.connect(database)
        try:
            return int(await conn.fetchval("SELECT COUNT(*) FROM requests"))
        finally:
            await conn.close()
    with closing(sqlite3.connect(database)) as db:
        return int(db.execute("SELECT COUNT(*) FROM requests").fetchone()[0])


async def test_a_database_newer_than_the_code_is_refused_and_left_as_it_was(database, backend):
    await fresh(database)
    if backend == "sqlite":
        await change(database, "PRAGMA user_version = 99")
    else:
        await change(database, "UPDATE rapport_schema SET version = 99")
    with pytest.raises(DatabaseRefused) as refused:
        await open_repository(database)
    line = str(refused.value)
    assert f"schema version 99, newer than this Rapport knows ({LATEST})" in line
    assert "restore a backup" in line and "\n" not in line
    assert await requests_kept(database) == 1


async def test_a_renamed_column_is_refused_naming_the_table_and_the_column(database):
    await fresh(database)
    await change(database, "ALTER TABLE referrals RENAME COLUMN prospect TO client")
    with pytest.raises(DatabaseRefused) as refused:
        await open_repository(database)
    line = str(refused.value)
    assert f"its tables do not match schema version {LATEST}" in line
    assert "table referrals lacks column prospect; has unknown column client" in line
    assert "restore a backup" in line


async def test_a_missing_table_is_refused(database):
    await fresh(database)
    await change(database, "DROP TABLE visitors")
    with pytest.raises(DatabaseRefused, match="table visitors is missing"):
        await open_repository(database)


async def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "rapport.db"
    path.write_bytes(b"name,email\nJane,jane@example.com\n" * 200)
    with pytest.raises(DatabaseRefused) as refused:
        await open_repository(str(path))
    assert str(refused.value) == (
        f"{path}: not a Rapport database (file is not a database): name the right file,"
        " or restore a backup"
    )
    assert path.read_bytes().startswith(b"name,email")


async def test_a_file_with_damaged_pages_fails_quick_check_and_is_refused(tmp_path):
    path = tmp_path / "rapport.db"
    await fresh(str(path))
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode = DELETE")
        for n in range(2000):
            db.execute("INSERT INTO requests (key, reply, at) VALUES (?, ?, 0)", (f"k{n}", "x" * 50))
        db.commit()
        page = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_requests_1'"
        ).fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start + 100 : start + page] = b"\x5a" * (page - 100)  # the index's root page, scribbled on
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseRefused) as refused:
        await open_repository(str(path))
    assert str(refused.value).startswith(f"{path}: the file is damaged (SQLite's quick_check: ")
    assert str(refused.value).endswith("stop Rapport and restore a backup")


async def test_a_place_that_cannot_be_written_is_refused_in_one_line():
    """/proc takes no new files, whoever asks (a read-only disk answers the same way)."""
    with pytest.raises(DatabaseRefused) as refused:
        await open_repository("/proc/rapport.db")
    line = str(refused.value)
    assert line.startswith("/proc/rapport.db: ")
    assert "cannot be written" in line or "cannot open it for writing" in line
    assert "\n" not in line


def test_the_cli_says_it_in_one_line_without_a_traceback(tmp_path):
    path = tmp_path / "rapport.db"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "RAPPORT_DATABASE"}
    for command in (["migrate"], ["console", "--script", "/dev/null"]):
        run = subprocess.run(
            [sys.executable, "-m", "bot", *command, "--db", str(path)],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
        assert run.returncode == 1
        [line] = run.stderr.splitlines()
        assert line.startswith("rapport: ")
        assert f"{path}: not a Rapport database" in line


async def test_the_shared_migration_runner_refuses_a_newer_file_even_past_the_check(tmp_path):
    """The SQLite repository migrates with the runner PostgreSQL uses: opened directly (past
    the start-up check), a newer file is refused before anything is applied to it."""
    from storage.sqlite import SqliteRepository

    path = str(tmp_path / "rapport.db")
    await fresh(path)
    await change(path, "PRAGMA user_version = 99")
    with pytest.raises(migrations.SchemaTooNew) as refused:
        await SqliteRepository.open(path)
    assert (refused.value.found, refused.value.known) == (99, LATEST)
    assert await requests_kept(path) == 1
