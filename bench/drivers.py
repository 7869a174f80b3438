"""The driver and query-layer decision, measured: the same three statements of Rapport's hot
paths, on Rapport's own schema, through each way the repository could talk to its databases.

    python -m bench.drivers [--rounds 5] [--referrals 300]

- **a referral logged**: one transaction, a referral (RETURNING its id) and its two outbox rows;
- **an outbox claim**: 20 pending messages taken (`UPDATE … WHERE id IN (SELECT … LIMIT 20
  [FOR UPDATE SKIP LOCKED]) RETURNING …`), committed;
- **a chapter's members**: the active members of one group, 20 rows, read.

SQLite: the repository as shipped (a unit of work is one call on the database's own thread),
aiosqlite with one await per statement (what the stores would cost as plain awaited calls),
and SQLAlchemy Core (async, over aiosqlite). PostgreSQL: the repository as shipped (asyncpg
through the `?` → `$n` shim), asyncpg called directly, psycopg 3 (async, psycopg_pool), and
SQLAlchemy Core (async, over asyncpg). Every path gets a fresh database (a SQLite file, or a
schema of its own on RAPPORT_BENCH_POSTGRES), migrated by Rapport and seeded alike, and the
same pragmas (WAL, synchronous=NORMAL). Rounds go round the paths in turn, so the shared
machine's noise falls on all of them; each figure is the median of the rounds.

psycopg and SQLAlchemy are not Rapport's dependencies: `pip install -e '.[drivers]'` adds them.
"""

from __future__ import annotations

import abc
import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.postgres import SERVER, server_missing, server_name

NOW = 1_796_000_000
MEMBERS = 20
CLAIM = 20  # messages an outbox claim takes
TARGET = '{"dm": ["bench", "W1", "U1", "Member 1"]}'
PAYLOAD = '{"text": [["lit", "Member 1 passed you a referral."]]}'

INSERT_REFERRAL = (
    "INSERT INTO referrals (group_id, giver_id, receiver_id, kind, prospect, email, heat,"
    " created_at, updated_at, request_key) VALUES (?, ?, ?, 'referral', ?, ?, 3, ?, ?, ?)"
    " RETURNING id"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (group_id, target, payload, next_attempt_at, created_at, lane)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
CLAIM_SQL = (
    "UPDATE outbox SET state = 'sending', claimed_at = ?, claim_token = ?"
    " WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
    " ORDER BY id LIMIT {limit}{lock}) RETURNING id, target, payload"
)
MEMBERS_SQL = (
    "SELECT id, user_id, display_name, classification, ask FROM members"
    " WHERE group_id = ? AND active = 1 ORDER BY id"
)


def dollars(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$n` (these statements hold no quoted `?`)."""
    parts = sql.split("?")
    return "".join(p + (f"${i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def percents(sql: str) -> str:
    """`?` placeholders as psycopg's `%s`."""
    return sql.replace("?", "%s")


def referral_args(n: int) -> tuple[Any, ...]:
    return (1, 1 + n % MEMBERS, 1 + (n + 1) % MEMBERS, f"Jane Roe {n}", f"jane{n}@example.org",
            NOW, NOW, f"drv-{secrets.token_hex(6)}")  # fmt: skip


def outbox_args(n: int) -> tuple[Any, ...]:
    return (1, TARGET, PAYLOAD, NOW, NOW, f"dm:U{n % MEMBERS}")


class Path_(abc.ABC):
    """One way of running the three statements; `setup` opens it on a fresh database."""

    name: str
    database: str

    @abc.abstractmethod
    async def setup(self, database: str) -> None: ...

    @abc.abstractmethod
    async def referral(self, n: int) -> None: ...

    @abc.abstractmethod
    async def claim(self, token: str) -> int: ...

    @abc.abstractmethod
    async def members(self) -> int: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


# --- the repository as shipped ------------------------------------------------------------
class Repository(Path_):
    def __init__(self, name: str, lock: str) -> None:
        self.name = name
        self._claim = CLAIM_SQL.format(limit=CLAIM, lock=lock)

    async def setup(self, database: str) -> None:
        from storage.databases import open_repository

        self.repo = await open_repository(database)

    async def referral(self, n: int) -> None:
        async def unit(tx: Any) -> None:
            cur = await tx._db.execute(INSERT_REFERRAL, referral_args(n))
            await cur.fetchone()
            await tx._db.execute(INSERT_OUTBOX, outbox_args(n))
            await tx._db.execute(INSERT_OUTBOX, outbox_args(n + 1))

        await self.repo.atomic(unit)

    async def claim(self, token: str) -> int:
        async def unit(tx: Any) -> int:
            cur = await tx._db.execute(self._claim, (NOW, token, NOW))
            return len(await cur.fetchall())

        return int(await self.repo.atomic(unit))

    async def members(self) -> int:
        async def unit(tx: Any) -> int:
            cur = await tx._db.execute(MEMBERS_SQL, (1,))
            return len(await cur.fetchall())

        return int(await self.repo.read(unit))

    async def close(self) -> None:
        await self.repo.close()


# --- SQLite -----------------------------------------------------------------------------------
class Aiosqlite(Path_):
    name = "aiosqlite, one await per statement"

    async def setup(self, database: str) -> None:
        import aiosqlite

        self.db = await aiosqlite.connect(database, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            await self.db.execute(f"PRAGMA {pragma}")
        self._claim = CLAIM_SQL.format(limit=CLAIM, lock="")

    async def referral(self, n: int) -> None:
        await self.db.execute("BEGIN IMMEDIATE")
        cur = await self.db.execute(INSERT_REFERRAL, referral_args(n))
        await cur.fetchone()
        await self.db.execute(INSERT_OUTBOX, outbox_args(n))
        await self.db.execute(INSERT_OUTBOX, outbox_args(n + 1))
        await self.db.execute("COMMIT")

    async def claim(self, token: str) -> int:
        await self.db.execute("BEGIN IMMEDIATE")
        cur = await self.db.execute(self._claim, (NOW, token, NOW))
        got = len(list(await cur.fetchall()))
        await self.db.execute("COMMIT")
        return got

    async def members(self) -> int:
        cur = await self.db.execute(MEMBERS_SQL, (1,))
        return len(list(await cur.fetchall()))

    async def close(self) -> None:
        await self.db.close()


# --- SQLAlchemy Core, either database ---------------------------------------------------------
class Alchemy(Path_):
    """One query set written once in SQLAlchemy Core, compiled for each dialect."""

    def __init__(self, name: str, url: Callable[[str], str]) -> None:
        self.name = name
        self._url = url

    async def setup(self, database: str) -> None:
        import sqlalchemy as sa
        from sqlalchemy.ext.asyncio import create_async_engine

        kwargs: dict[str, Any] = {}
        if database.startswith("postgresql"):
            from urllib.parse import parse_qsl, urlsplit

            path = dict(parse_qsl(urlsplit(database).query)).get("search_path", "public")
            kwargs["connect_args"] = {"server_settings": {"search_path": path}}
        self.engine = create_async_engine(self._url(database), pool_size=4, **kwargs)
        if not database.startswith("postgresql"):

            @sa.event.listens_for(self.engine.sync_engine, "connect")
            def pragmas(conn: Any, _: Any) -> None:
                for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
                    conn.execute(f"PRAGMA {pragma}")

        md = sa.MetaData()
        self.referrals = sa.Table(
            "referrals", md, sa.Column("id", sa.Integer, primary_key=True),
            *(sa.Column(c) for c in ("group_id", "giver_id", "receiver_id", "kind", "prospect",
                                     "email", "heat", "created_at", "updated_at", "request_key")),
        )  # fmt: skip
        self.outbox = sa.Table(
            "outbox", md, sa.Column("id", sa.Integer, primary_key=True),
            *(sa.Column(c) for c in ("group_id", "target", "payload", "state", "next_attempt_at",
                                     "created_at", "lane", "claimed_at", "claim_token")),
        )  # fmt: skip
        self.members_t = sa.Table(
            "members", md, sa.Column("id", sa.Integer, primary_key=True),
            *(sa.Column(c) for c in ("group_id", "user_id", "display_name", "classification",
                                     "ask", "active")),
        )  # fmt: skip
        r, o, m = self.referrals, self.outbox, self.members_t
        self.insert_referral = sa.insert(r).returning(r.c.id)
        self.insert_outbox = sa.insert(o)
        pending = (
            sa.select(o.c.id)
            .where(o.c.state == "pending", o.c.next_attempt_at <= sa.bindparam("now"))
            .order_by(o.c.id)
            .limit(CLAIM)
            .with_for_update(skip_locked=True)  # nothing on SQLite
            .scalar_subquery()
        )
        self.claim_stmt = (
            sa.update(o)
            .where(o.c.id.in_(pending))
            .values(state="sending", claimed_at=sa.bindparam("at"), claim_token=sa.bindparam("tok"))
            .returning(o.c.id, o.c.target, o.c.payload)
        )
        self.members_stmt = (
            sa.select(m.c.id, m.c.user_id, m.c.display_name, m.c.classification, m.c.ask)
            .where(m.c.group_id == sa.bindparam("g"), m.c.active == 1)
            .order_by(m.c.id)
        )

    async def referral(self, n: int) -> None:
        g, giver, receiver, prospect, email, created, updated, key = referral_args(n)
        async with self.engine.begin() as conn:
            res = await conn.execute(
                self.insert_referral,
                {"group_id": g, "giver_id": giver, "receiver_id": receiver, "kind": "referral",
                 "prospect": prospect, "email": email, "heat": 3, "created_at": created,
                 "updated_at": updated, "request_key": key},
            )  # fmt: skip
            res.scalar_one()
            for k in (n, n + 1):
                g, target, payload, due, at, lane = outbox_args(k)
                await conn.execute(
                    self.insert_outbox,
                    {"group_id": g, "target": target, "payload": payload, "next_attempt_at": due,
                     "created_at": at, "lane": lane},
                )  # fmt: skip

    async def claim(self, token: str) -> int:
        async with self.engine.begin() as conn:
            res = await conn.execute(self.claim_stmt, {"now": NOW, "at": NOW, "tok": token})
            return len(res.all())

    async def members(self) -> int:
        async with self.engine.connect() as conn:
            res = await conn.execute(self.members_stmt, {"g": 1})
            return len(res.all())

    async def close(self) -> None:
        await self.engine.dispose()


# --- PostgreSQL -------------------------------------------------------------------------------
class Asyncpg(Path_):
    name = "asyncpg called directly ($n)"

    async def setup(self, database: str) -> None:
        import asyncpg

        self.pool = await asyncpg.create_pool(database, min_size=1, max_size=4)
        self._ins_r, self._ins_o = dollars(INSERT_REFERRAL), dollars(INSERT_OUTBOX)
        self._claim = dollars(CLAIM_SQL.format(limit=CLAIM, lock=" FOR UPDATE SKIP LOCKED"))
        self._members = dollars(MEMBERS_SQL)

    async def referral(self, n: int) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.fetchrow(self._ins_r, *referral_args(n))
            await conn.execute(self._ins_o, *outbox_args(n))
            await conn.execute(self._ins_o, *outbox_args(n + 1))

    async def claim(self, token: str) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            return len(await conn.fetch(self._claim, NOW, token, NOW))

    async def members(self) -> int:
        async with self.pool.acquire() as conn:
            return len(await conn.fetch(self._members, 1))

    async def close(self) -> None:
        await self.pool.close()


class Psycopg(Path_):
    name = "psycopg 3, async, psycopg_pool"

    async def setup(self, database: str) -> None:
        from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

        from psycopg_pool import AsyncConnectionPool

        parts = urlsplit(database)
        query = dict(parse_qsl(parts.query))
        path = query.pop("search_path", "public")
        query["options"] = f"-c search_path={path}"
        url = urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))  # libpq: %20
        self.pool = AsyncConnectionPool(url, min_size=1, max_size=4, open=False)
        await self.pool.open()
        self._ins_r, self._ins_o = percents(INSERT_REFERRAL), percents(INSERT_OUTBOX)
        self._claim = percents(CLAIM_SQL.format(limit=CLAIM, lock=" FOR UPDATE SKIP LOCKED"))
        self._members = percents(MEMBERS_SQL)

    async def referral(self, n: int) -> None:
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute(self._ins_r, referral_args(n))
            await cur.fetchone()
            await conn.execute(self._ins_o, outbox_args(n))
            await conn.execute(self._ins_o, outbox_args(n + 1))

    async def claim(self, token: str) -> int:
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute(self._claim, (NOW, token, NOW))
            return len(await cur.fetchall())

    async def members(self) -> int:
        async with self.pool.connection() as conn:
            cur = await conn.execute(self._members, (1,))
            return len(await cur.fetchall())

    async def close(self) -> None:
        await self.pool.close()


# --- running them -------------------------------------------------------------------------------
@dataclass
class Figures:
    """Per path, each round's operations a second, per operation."""

    rounds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, op: str, per_s: float) -> None:
        self.rounds.setdefault(op, []).append(per_s)

    def median(self, op: str) -> float:
        return statistics.median(self.rounds[op])


async def seed(database: str) -> None:
    """Rapport's schema (its own migrations) and one chapter of MEMBERS members."""
    from bot.model import ChannelRef, UserRef
    from storage.databases import open_repository

    repo = await open_repository(database)

    async def chapter(tx: Any) -> None:
        g = await tx.groups.create(ChannelRef("bench", "W1", "C1", "c"), "C", "UTC", "ZAR", NOW)
        for k in range(MEMBERS):
            who = UserRef("bench", "W1", f"U{k}", f"Member {k}")
            await tx.members.add(g.id, who, k == 0, NOW)

    try:
        await repo.atomic(chapter)
    finally:
        await repo.close()


async def timed(count: int, op: Callable[[int], Awaitable[Any]]) -> float:
    t0 = time.perf_counter()
    for i in range(count):
        await op(i)
    return count / (time.perf_counter() - t0)


async def one_round(path: Path_, figures: Figures, n: int, base: int) -> None:
    figures.add("referral", await timed(n, lambda i: path.referral(base + i)))
    claims = 2 * n // CLAIM  # every message the referrals queued
    token = secrets.token_hex(4)
    figures.add("claim", await timed(claims, lambda i: path.claim(f"{token}{i}")))
    figures.add("members", await timed(n, lambda i: path.members()))


async def run(rounds: int, n: int, server: str, say: Callable[[str], None]) -> dict[str, Any]:
    from tests.pg import in_schema

    sqlite_paths: list[Path_] = [
        Repository("repository as shipped (one call on the database thread a unit)", ""),
        Aiosqlite(),
        Alchemy("SQLAlchemy Core, async, aiosqlite", lambda p: f"sqlite+aiosqlite:///{p}"),
    ]
    pg_paths: list[Path_] = [
        Repository("repository as shipped (asyncpg, the ? → $n shim)", " FOR UPDATE SKIP LOCKED"),
        Asyncpg(),
        Psycopg(),
        Alchemy(
            "SQLAlchemy Core, async, asyncpg",
            lambda u: u.split("?", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1),
        ),
    ]
    missing = await asyncio.to_thread(server_missing, server)  # it runs a loop of its own
    out: dict[str, Any] = {"server": server_name(server), "rounds": rounds, "referrals": n}
    if missing is not None:
        out["postgresql_not_measured"] = f"no server answers at {server_name(server)} ({missing})"
        say(f"PostgreSQL not measured: {out['postgresql_not_measured']}")
        pg_paths = []
    schemas: list[str] = []
    here = tempfile.TemporaryDirectory()
    try:
        for i, path in enumerate(sqlite_paths):
            path.database = str(Path(here.name) / f"drivers-{i}.db")
        for path in pg_paths:
            schemas.append(f"rapport_drivers_{secrets.token_hex(4)}")
            await _admin(server, f"CREATE SCHEMA {schemas[-1]}")
            path.database = in_schema(server, schemas[-1])
        paths = sqlite_paths + pg_paths
        for path in paths:
            await seed(path.database)
            await path.setup(path.database)
        figures = {p.name: Figures() for p in paths}
        for r in range(rounds):
            for path in paths:  # round-robin: the machine's noise falls on every path
                await one_round(path, figures[path.name], n, 10_000_000 * (r + 1))
            say(f"round {r + 1} of {rounds} done")
        for path in paths:
            await path.close()
    finally:
        here.cleanup()
        for s in schemas:
            await _admin(server, f"DROP SCHEMA IF EXISTS {s} CASCADE")

    def side(ps: list[Path_]) -> list[dict[str, Any]]:
        return [
            {"path": p.name, **{op: round(figures[p.name].median(op)) for op in OPS}} for p in ps
        ]

    out["sqlite"] = side(sqlite_paths)
    out["postgresql"] = side(pg_paths)
    return out


OPS = ("referral", "claim", "members")


async def _admin(server: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(server)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def render(result: dict[str, Any]) -> str:
    """The figures as a table, each beside the repository as shipped on its database."""
    head = (
        "| database | path | referral logged /s | outbox claim of 20 /s | 20 members read /s |\n"
        "|---|---|---|---|---|"
    )
    lines = [head]
    for db in ("sqlite", "postgresql"):
        rows = result[db]
        if not rows:
            continue
        ref = rows[0]
        for row in rows:
            cells = [
                f"{row[op]:,}" + ("" if row is ref else f" ({row[op] / ref[op]:.2f}×)")
                for op in OPS
            ]
            label = "SQLite" if db == "sqlite" else "PostgreSQL"
            lines.append(f"| {label} | {row['path']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.drivers", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--referrals", type=int, default=300, help="referrals (and reads) a round")
    a = p.parse_args()
    result = asyncio.run(run(a.rounds, a.referrals, SERVER, print))
    print(render(result))
    print("(each figure the median of the rounds; in brackets, × the repository as shipped)")


if __name__ == "__main__":
    main()
