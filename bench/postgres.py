"""PostgreSQL beside SQLite, in one run: the same small population loaded into each, then
/referral through the core (p50 / p99 and per second) with one and with two worker
processes, and a reminder minute shared by two workers: claiming its due rows and delivering
its fan-out, each row and message taken by exactly one of them.

    python -m bench.postgres [--groups 200] [--members 20] [--referrals 2000] [--due 20000]

PostgreSQL is RAPPORT_BENCH_POSTGRES (by default the test server); the run works in a schema
of its own and drops it. This is not the full-scale `make bench` population (10,000 groups,
1.6 GB): loading that into PostgreSQL takes longer than the rest of the benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchResolver, CountingMessenger, FixedClock, Samples
from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.service import DUE_BATCH, Core
from bot.text import lit
from bot.work import Context
from storage.databases import open_repository

NOW = 1_796_000_000
IN_FLIGHT = 8  # members typing at once in each worker
SERVER = os.environ.get("RAPPORT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def user(n: int) -> UserRef:
    return UserRef("bench", "W1", f"U{n:08d}", f"Member {n}")


def where(g: int) -> ChannelRef:
    return ChannelRef("bench", "W1", f"C{g:05d}", f"chapter-{g}")


async def populate(database: str, groups: int, members: int, due: int) -> None:
    repo = await open_repository(database)

    async def chapter(tx: Any, g: int) -> None:
        group = await tx.groups.create(where(g), f"Chapter {g}", "UTC", "ZAR", NOW - 86400)
        for k in range(members):
            await tx.members.add(group.id, user(g * members + k + 1), k == 0, NOW - 86400)

    try:
        for g in range(groups):
            await repo.atomic(lambda tx, g=g: chapter(tx, g))

        async def minute(tx: Any) -> None:
            for n in range(due):
                await tx.due.add(1 + n % groups, "bench.claim", n + 1, "1", NOW)

        await repo.atomic(minute)
    finally:
        await repo.close()


async def referrals(database: str, first: int, count: int, groups: int, members: int) -> dict[str, Any]:
    """`count` /referrals, IN_FLIGHT at a time, through the core; latencies and the wall time."""
    repo = await open_repository(database)
    messenger = CountingMessenger()
    core = Core(repo, messenger, FixedClock(NOW), BenchResolver(), Settings())
    samples = Samples()
    todo = list(range(first, first + count))

    async def member() -> None:
        while todo:
            n = todo.pop()
            g = n % groups
            giver, receiver = g * members + 1 + n % members, g * members + 1 + (n + 1) % members
            line = f"/referral @U{receiver:08d} Jane Roe jane{n}@example.org -- a new roof"
            ctx = Context(user(giver), where(g), f"bench-{first}-{n}")
            t0 = time.perf_counter_ns()
            replies = await core.handle(ctx, line)
            samples.add(time.perf_counter_ns() - t0)
            assert replies and replies[0].kind == "referral.logged", replies[0].fallback()

    try:
        started = time.perf_counter()
        await asyncio.gather(*(member() for _ in range(IN_FLIGHT)))
        await core.settle()
        took = time.perf_counter() - started
    finally:
        await repo.close()
    return {"ns": samples.ns, "seconds": took}


async def share_minute(database: str) -> dict[str, Any]:
    """Claim the minute's due rows in batches until none is left, then deliver the outbox."""
    repo = await open_repository(database)
    messenger = CountingMessenger()
    core = Core(repo, messenger, FixedClock(NOW), BenchResolver(), Settings())
    claimed: list[int] = []
    t0 = time.perf_counter()
    while items := await repo.atomic(lambda tx: tx.due.claim(NOW, DUE_BATCH, NOW - 300)):
        claimed += [i.id for i in items]
        await repo.atomic(lambda tx, items=items: _finish(tx, items))
    claim_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sent = await core.deliver()
    await core.settle()
    await repo.close()
    return {"claimed": claimed, "claim_s": claim_s, "sent": sent, "send_s": time.perf_counter() - t0}


async def _finish(tx: Any, items: list[Any]) -> None:
    """What running the minute does per row, in brief: finish it and queue one message."""
    for i in items:
        await tx.due.finish(i, "done", NOW)
        await tx.outbox.add(i.group_id, user(i.target_id), OutMessage(lit(f"due {i.id}")), NOW)


def workers(args: list[list[str]]) -> list[dict[str, Any]]:
    procs = [
        subprocess.Popen([sys.executable, "-m", "bench.postgres", "--worker", *a], stdout=subprocess.PIPE, text=True)
        for a in args
    ]
    out = []
    for p in procs:
        stdout, _ = p.communicate(timeout=1800)
        if p.returncode != 0:
            raise SystemExit(f"a worker failed ({p.returncode})")
        out.append(json.loads(stdout))
    return out


def measure(database: str, label: str, a: argparse.Namespace) -> list[tuple[str, str]]:
    asyncio.run(populate(database, a.groups, a.members, a.due))
    rows = []
    for n_workers in (1, 2):
        each = a.referrals // n_workers
        started = time.perf_counter()
        done = workers(
            [
                ["referrals", database, str(1_000_000 * (n_workers * 10 + w)), str(each), str(a.groups), str(a.members)]
                for w in range(n_workers)
            ]
        )
        wall = time.perf_counter() - started  # with starting the processes
        samples = Samples([ns for d in done for ns in d["ns"]])
        rate = each * n_workers / max(d["seconds"] for d in done)
        rows.append(
            (
                f"{label}: /referral, {n_workers} worker process{'es' if n_workers > 1 else ''}"
                f" ({IN_FLIGHT} in flight each), p50 / p99, per second",
                f"{samples.pct(50):.1f} / {samples.pct(99):.1f} ms, {rate:,.0f} /s (wall {wall:.1f} s)",
            )
        )
    one, two = workers([["minute", database], ["minute", database]])
    taken = one["claimed"] + two["claimed"]
    assert len(taken) == len(set(taken)) == a.due, "a due row was claimed twice or lost"
    assert one["sent"] + two["sent"] == a.due, "a message was sent twice or lost"
    rows.append(
        (
            f"{label}: reminder minute shared by 2 workers: claim {a.due:,} due rows",
            f"{max(one['claim_s'], two['claim_s']) * 1000:,.0f} ms ({len(one['claimed']):,} + {len(two['claimed']):,}, none twice)",
        )
    )
    rows.append(
        (
            f"{label}: that minute's fan-out, {a.due:,} messages, 2 workers",
            f"{max(one['send_s'], two['send_s']):,.1f} s ({one['sent']:,} + {two['sent']:,}, none twice)",
        )
    )
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, database, *rest = sys.argv[2:]
        if kind == "referrals":
            first, count, groups, members = map(int, rest)
            result = asyncio.run(referrals(database, first, count, groups, members))
        else:
            result = asyncio.run(share_minute(database))
        print(json.dumps(result))
        return
    p = argparse.ArgumentParser(prog="python -m bench.postgres")
    p.add_argument("--groups", type=int, default=200)
    p.add_argument("--members", type=int, default=20)
    p.add_argument("--referrals", type=int, default=2000)
    p.add_argument("--due", type=int, default=20000)
    a = p.parse_args()
    import asyncpg

    from tests.pg import in_schema

    schema = f"rapport_bench_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(SERVER)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as here:
        rows += measure(str(Path(here) / "bench.db"), "SQLite", a)
    asyncio.run(admin(f"CREATE SCHEMA {schema}"))
    try:
        rows += measure(in_schema(SERVER, schema), "PostgreSQL", a)
    finally:
        asyncio.run(admin(f"DROP SCHEMA {schema} CASCADE"))
    print(f"{a.groups} groups × {a.members} members; {a.referrals} /referrals per row")
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
