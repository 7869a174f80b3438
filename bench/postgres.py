"""PostgreSQL beside SQLite, in one run: the same small population loaded into each, then
/referral through the core (p50 / p99 and per second) with one and with two worker
processes, and a reminder minute shared by two workers: claiming its due rows and delivering
its fan-out, each row and message taken by exactly one of them.

    python -m bench.postgres [--groups 200] [--members 20] [--referrals 2000] [--due 20000]

`make bench` (bench/run.py) runs this too and prints its rows in its table (`compare`, then
`rows`): each PostgreSQL figure beside SQLite's on the same population, with the ratio. When
no server answers, SQLite's side is still measured and one line says why PostgreSQL was not.

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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
ROOT = Path(__file__).resolve().parent.parent
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


async def referrals(
    database: str, first: int, count: int, groups: int, members: int
) -> dict[str, Any]:
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
    return {
        "claimed": claimed,
        "claim_s": claim_s,
        "sent": sent,
        "send_s": time.perf_counter() - t0,
    }


async def _finish(tx: Any, items: list[Any]) -> None:
    """What running the minute does per row, in brief: finish it and queue one message."""
    for i in items:
        await tx.due.finish(i, "done", NOW)
        await tx.outbox.add(i.group_id, user(i.target_id), OutMessage(lit(f"due {i.id}")), NOW)


def workers(args: list[list[str]]) -> list[dict[str, Any]]:
    """Run one worker process per argument list, side by side; their results in order."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.postgres", "--worker", *a],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for a in args
    ]
    out = []
    for p in procs:
        stdout, _ = p.communicate(timeout=1800)
        if p.returncode != 0:
            raise RuntimeError(f"a bench.postgres worker failed ({p.returncode})")
        out.append(json.loads(stdout))
    return out


@dataclass(frozen=True)
class Population:
    """The small population both databases get: `groups` chapters of `members`, `referrals`
    /referrals per row, and a reminder minute of `due` rows."""

    groups: int = 200
    members: int = 20
    referrals: int = 2000
    due: int = 20000


QUICK = Population(groups=100, members=20, referrals=600, due=5000)


def measure(database: str, size: Population) -> dict[str, Any]:
    """Load `size` into `database`, then measure it with one and two worker processes."""
    asyncio.run(populate(database, size.groups, size.members, size.due))
    out: dict[str, Any] = {}
    for n_workers in (1, 2):
        each = size.referrals // n_workers
        started = time.perf_counter()
        done = workers(
            [
                [
                    "referrals",
                    database,
                    str(1_000_000 * (n_workers * 10 + w)),
                    str(each),
                    str(size.groups),
                    str(size.members),
                ]
                for w in range(n_workers)
            ]
        )
        samples = Samples([ns for d in done for ns in d["ns"]])
        out[f"referral_{n_workers}"] = {
            "p50_ms": samples.pct(50),
            "p99_ms": samples.pct(99),
            "per_s": each * n_workers / max(d["seconds"] for d in done),
            "wall_s": time.perf_counter() - started,  # with starting the processes
        }
    one, two = workers([["minute", database], ["minute", database]])
    taken = one["claimed"] + two["claimed"]
    if not len(taken) == len(set(taken)) == size.due:
        raise RuntimeError(f"a due row was claimed twice or lost ({len(taken)} of {size.due})")
    if one["sent"] + two["sent"] != size.due:
        raise RuntimeError(f"a message was sent twice or lost ({one['sent'] + two['sent']})")
    out["minute"] = {
        "rows": size.due,
        "claim_s": max(one["claim_s"], two["claim_s"]),
        "claimed": [len(one["claimed"]), len(two["claimed"])],
        "send_s": max(one["send_s"], two["send_s"]),
        "sent": [one["sent"], two["sent"]],
    }
    return out


def server_missing(server: str = SERVER) -> str | None:
    """None when PostgreSQL answers at `server`; otherwise why not, in a few words."""
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(server, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as e:  # refused, unknown host, bad password: the rows cannot be measured
        return f"{type(e).__name__}: {e}".strip().rstrip(":")
    return None


def server_name(server: str = SERVER) -> str:
    """The server as a message may name it: host, port and database, never a password."""
    parts = urlsplit(server)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


def compare(size: Population, server: str = SERVER, say: Any = print) -> dict[str, Any]:
    """Both databases measured in one run on the same population; when no PostgreSQL server
    answers, the SQLite side alone and `not_measured` saying why."""
    from tests.pg import in_schema

    out: dict[str, Any] = {"population": asdict(size), "server": server_name(server)}
    say(
        f"PostgreSQL beside SQLite: {size.groups} groups × {size.members} members,"
        f" {size.referrals:,} /referrals a row, a {size.due:,}-row minute …"
    )
    with tempfile.TemporaryDirectory() as here:
        out["sqlite"] = measure(str(Path(here) / "bench.db"), size)
    missing = server_missing(server)
    if missing is not None:
        out["not_measured"] = (
            f"PostgreSQL rows not measured: no server answers at {server_name(server)} ({missing});"
            " start one or set RAPPORT_BENCH_POSTGRES to its URL"
        )
        say(out["not_measured"])
        return out
    import asyncpg

    schema = f"rapport_bench_{secrets.token_hex(4)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f"CREATE SCHEMA {schema}"))
    try:
        out["postgresql"] = measure(in_schema(server, schema), size)
    finally:
        asyncio.run(admin(f"DROP SCHEMA {schema} CASCADE"))
    return out


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table's PostgreSQL rows (figure, value, reference, ratio), each beside SQLite's
    figure on the same population in the same run; none when PostgreSQL was not measured."""
    pg, lite = r.get("postgresql"), r["sqlite"]
    if pg is None:
        return []
    size = r["population"]
    on = f"{size['groups']} groups × {size['members']}"
    out = []
    for n in (1, 2):
        a, b = pg[f"referral_{n}"], lite[f"referral_{n}"]
        workers_ = f"{n} worker process{'es' if n > 1 else ''} ({IN_FLIGHT} in flight each)"
        out += [
            (
                f"PostgreSQL ({on}): /referral, {workers_}, p50 / p99",
                f"{a['p50_ms']:.1f} / {a['p99_ms']:.1f} ms",
                f"SQLite: {b['p50_ms']:.1f} / {b['p99_ms']:.1f} ms",
                f"{a['p50_ms'] / b['p50_ms']:.2f} / {a['p99_ms'] / b['p99_ms']:.2f} × SQLite",
            ),
            (
                f"PostgreSQL ({on}): /referral, {workers_}, per second",
                f"{a['per_s']:,.0f} /s",
                f"SQLite: {b['per_s']:,.0f} /s",
                f"{a['per_s'] / b['per_s']:.2f} × SQLite",
            ),
        ]
    a, b = pg["minute"], lite["minute"]
    out += [
        (
            f"PostgreSQL ({on}): reminder minute shared by 2 workers, claim {a['rows']:,} due rows",
            f"{a['claim_s'] * 1000:,.0f} ms ({a['claimed'][0]:,} + {a['claimed'][1]:,}, none twice)",
            f"SQLite: {b['claim_s'] * 1000:,.0f} ms ({b['claimed'][0]:,} + {b['claimed'][1]:,})",
            f"{a['claim_s'] / b['claim_s']:.2f} × SQLite",
        ),
        (
            f"PostgreSQL ({on}): that minute's fan-out, {a['rows']:,} messages, 2 workers",
            f"{a['send_s']:,.1f} s ({a['sent'][0]:,} + {a['sent'][1]:,}, none twice)",
            f"SQLite: {b['send_s']:,.1f} s ({b['sent'][0]:,} + {b['sent'][1]:,})",
            f"{a['send_s'] / b['send_s']:.2f} × SQLite",
        ),
    ]
    return out


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
    p.add_argument("--groups", type=int, default=Population.groups)
    p.add_argument("--members", type=int, default=Population.members)
    p.add_argument("--referrals", type=int, default=Population.referrals)
    p.add_argument("--due", type=int, default=Population.due)
    a = p.parse_args()
    r = compare(Population(a.groups, a.members, a.referrals, a.due))
    print("| figure | value | reference | ratio |\n|---|---|---|---|")
    for row in rows(r):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
