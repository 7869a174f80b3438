"""EXPLAIN QUERY PLAN for the hot queries, on the full population: `python -m bench.plans`.

The SQL is not copied here: the repository's own methods are called (the leaderboard's
givers_between over a week, a month and a quarter; stats; referrals_of; due_claim;
outbox_claim) with their statements captured on the way to SQLite, then explained and
timed with the same parameters. A write (the claims' UPDATE … RETURNING) is explained but
not run. Each plan is checked for the index it should use; a full scan or another index is
reported as WRONG.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.population import CACHE, Sizes, ensure, moments
from bot.features.insight.handlers import period_bounds
from bot.schedule import quarter_bounds, week_bounds
from bot.service import DUE_BATCH, STALE_RUNNING_SECONDS
from storage.sqlite import SqliteRepository


@dataclass
class Plan:
    name: str
    sql: str
    params: Any
    plan: list[str]
    expect: tuple[str, ...]  # each must appear in the plan
    ms: float | None = None  # median run time, reads only
    forbid: tuple[str, ...] = ()  # none may appear

    @property
    def ok(self) -> bool:
        text = "\n".join(self.plan)
        return (
            all(e in text for e in self.expect)
            and not any(f in text for f in self.forbid)
            and not any(_full_scan(x) for x in self.plan)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "plan": self.plan,
            "expect": list(self.expect),
            "forbid": list(self.forbid),
            "ok": self.ok,
            "ms": self.ms,
        }


def _full_scan(line: str) -> bool:
    """A table read from end to end (not a constant row, a subquery's result or an index)."""
    line = line.strip()
    return (
        line.startswith("SCAN ")
        and " USING " not in line
        and not line.startswith(("SCAN CONSTANT ROW", "SCAN (subquery"))
    )


class _Stub:
    rowcount = 0
    lastrowid = 1

    async def fetchall(self) -> list[Any]:
        return []

    async def fetchone(self) -> Any:
        return None


class _Recorder:
    """Stands in for the repository's connection: records each statement; runs reads, and
    answers writes with an empty cursor (nothing is claimed)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.seen: list[tuple[str, Any]] = []

    async def execute(self, sql: str, params: Any = ()) -> Any:
        self.seen.append((sql, params))
        if sql.lstrip().split()[0].upper() in ("UPDATE", "INSERT", "DELETE"):
            return _Stub()
        return await self.conn.execute(sql, params)


def _busiest(conn: sqlite3.Connection) -> tuple[int, int]:
    """The group with the most referrals, and the member who gave the most."""
    g = conn.execute(
        "SELECT group_id FROM referrals INDEXED BY referrals_group_time GROUP BY group_id"
        " ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    m = conn.execute(
        "SELECT giver_id FROM referrals INDEXED BY referrals_giver GROUP BY giver_id"
        " ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    return int(g), int(m)


def _explain(conn: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    rows = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    depth: dict[int, int] = {0: -1}
    out = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        out.append("  " * depth[node] + detail)
    return out


def _time(conn: sqlite3.Connection, sql: str, params: Any, n: int = 15) -> float:
    runs = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        conn.execute(sql, params).fetchall()
        runs.append(time.perf_counter_ns() - t0)
    runs.sort()
    return round(runs[len(runs) // 2] / 1e6, 3)


async def collect(db: Path) -> list[Plan]:
    m = moments()
    now = datetime.fromtimestamp(m.now, UTC)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    repo = await SqliteRepository.open(str(db))
    rec = _Recorder(repo._db)
    repo._db = rec  # type: ignore[assignment]
    plans: list[Plan] = []

    def take(
        name: str, expect: tuple[str, ...], read: bool = True, forbid: tuple[str, ...] = ()
    ) -> None:
        for i, (sql, params) in enumerate(rec.seen):
            label = name if len(rec.seen) == 1 else f"{name} [{i + 1}]"
            p = Plan(label, sql, params, _explain(conn, sql, params), expect, forbid=forbid)
            if read:
                p.ms = _time(conn, sql, params)
            plans.append(p)
        rec.seen.clear()

    try:
        g, member = _busiest(conn)
        tz = conn.execute("SELECT tz FROM groups WHERE id = ?", (g,)).fetchone()[0]
        ts = lambda d: int(d.timestamp())  # noqa: E731
        board = ("SEARCH referrals USING", "(group_id=? AND created_at>? AND created_at<?)")
        for period in ("week", "month", "quarter"):
            prev, start, end = period_bounds(period, now, tz)
            await repo.numbers.givers_between(g, ts(start), ts(end))
            take(f"leaderboard {period}: givers_between", board)
            await repo.numbers.givers_between(g, ts(prev), ts(start))
            take(f"leaderboard {period} (previous): givers_between", board)
        wk, q = week_bounds(now, tz), quarter_bounds(now, tz)
        await repo.numbers.stats(g, member, ts(q[0]), ts(q[1]))
        for i, (sql, params) in enumerate(rec.seen):
            table = sql.split(" FROM ", 1)[1].split()[0]
            plans.append(
                Plan(
                    f"stats (quarter, member) [{i + 1}: {table}]",
                    sql,
                    params,
                    _explain(conn, sql, params),
                    (f"SEARCH {table} USING",),
                    _time(conn, sql, params),
                )
            )
        rec.seen.clear()
        await repo.numbers.stats(g, None, ts(wk[0]), ts(wk[1]))
        take("stats (week, group)", ("SEARCH",))
        for which, index in (
            ("given", "referrals_giver"),
            ("received", "referrals_receiver"),
            ("open", "referrals_receiver"),
            ("all", "referrals_receiver"),
        ):
            await repo.referrals.of_member(member, which, 20)
            take(f"referrals_of {which}", (f"INDEX {index}",))
        await repo.numbers.activity([(member, ts(now) - 26 * 7 * 86400)], ts(now))
        take("member_activity (lights, 26 weeks)", ("SEARCH",))
        await repo.privacy.export_rows(g, ts(q[0]) - 365 * 86400, ts(q[1]), False)
        take("export_rows (a year)", ("SEARCH",))
        await repo.due.claim(m.reminders, DUE_BATCH, m.reminders - STALE_RUNNING_SECONDS)
        # a batch must not sort every due row: claiming 20,000 would be quadratic
        sorts = ("USE TEMP B-TREE FOR ORDER BY",)
        take("due_claim", ("due_work_due",), read=False, forbid=sorts)
        await repo.outbox.claim(m.reminders, 100, m.reminders - 300)
        # each candidate is checked against its conversation's earlier messages: one probe
        take("outbox_claim", ("outbox_due", "outbox_lane"), read=False, forbid=sorts)
        await repo.numbers.givers_since(g, ts(now) - 28 * 86400)
        take("givers_since (accountability, 4 weeks)", ("referrals_group_time",))
        await repo.due.next()
        take("due_next", ("due_work_due",))
    finally:
        repo._db = rec.conn
        await repo.close()
        conn.close()
    return plans


def show(plans: list[Plan], say=print) -> None:
    for p in plans:
        verdict = "ok" if p.ok else "WRONG"
        timing = f", {p.ms:.2f} ms" if p.ms is not None else ""
        say(f"  {p.name}: {verdict}{timing}")
        for line in p.plan:
            say(f"      {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a population file (default: the cached one)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="plan on a copy with ANALYZE statistics (Rapport itself never runs ANALYZE)",
    )
    args = parser.parse_args()
    db = args.db or ensure(Sizes().scaled(args.scale) if args.scale != 1 else Sizes())[0]
    if args.analyze:
        copy = CACHE / "plans-analyze.db"
        shutil.copyfile(db, copy)
        try:
            conn = sqlite3.connect(copy)
            conn.execute("ANALYZE")
            conn.commit()
            conn.close()
            plans = asyncio.run(collect(copy))
        finally:
            for p in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
                p.unlink(missing_ok=True)
    else:
        plans = asyncio.run(collect(db))
    show(plans)
    bad = [p.name for p in plans if not p.ok]
    print(
        f"{len(plans) - len(bad)} of {len(plans)} plans use the index they should"
        + (f"; WRONG: {', '.join(bad)}" if bad else "")
    )


if __name__ == "__main__":
    main()
