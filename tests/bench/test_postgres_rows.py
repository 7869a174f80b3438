"""`make bench` ends its table with PostgreSQL's rows, each beside SQLite's on the same small
population, or one line saying why they were not measured. Run here on a tiny population
(the figures are not checked, only that the table is built from a real run)."""

from __future__ import annotations

import pytest

from bench import postgres
from bench.run import postgres_note, render
from tests import pg

TINY = postgres.Population(groups=3, members=4, referrals=8, due=40)


def test_the_table_shows_postgresql_beside_sqlite():
    if (missing := pg.answers()) is not None:
        pytest.skip(f"PostgreSQL: no server answers at {pg.where()} ({missing})")
    seen: list[str] = []
    result = postgres.compare(TINY, pg.server(), say=seen.append)
    table = render(postgres.rows(result))
    lines = table.splitlines()[2:]
    assert len(lines) == 6, table
    assert all(line.startswith("| PostgreSQL (3 groups × 4)") for line in lines), table
    assert "/referral, 1 worker process (8 in flight each), p50 / p99" in table
    assert "/referral, 2 worker processes (8 in flight each), per second" in table
    assert "claim 40 due rows" in table and "that minute's fan-out, 40 messages" in table
    assert table.count("SQLite: ") == 6 and table.count("× SQLite") == 6
    # both workers' shares add up to the whole minute, on both databases
    for side in ("postgresql", "sqlite"):
        assert sum(result[side]["minute"]["claimed"]) == 40
        assert sum(result[side]["minute"]["sent"]) == 40
    assert "PostgreSQL rows (bench.postgres): 3 groups of 4 members" in postgres_note(result)


def test_without_a_server_one_line_says_the_rows_were_not_measured_and_why():
    seen: list[str] = []
    result = postgres.compare(TINY, "postgresql://postgres:secret@127.0.0.1:9/none", say=seen.append)
    assert postgres.rows(result) == []
    note = postgres_note(result)
    assert note.startswith("PostgreSQL rows not measured: no server answers at 127.0.0.1:9/none")
    assert "RAPPORT_BENCH_POSTGRES" in note and "secret" not in note
    assert note in seen
    assert sum(result["sqlite"]["minute"]["claimed"]) == 40  # SQLite's side still ran
