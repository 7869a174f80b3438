"""A process logging referrals as fast as it can is killed with SIGKILL, twice, mid-load. The
next process finds every acknowledged referral and status change, an intact database, and an
outbox that delivers what was pending exactly once; a platform retrying a request it sent
before the crash is answered, not redone."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from collections import Counter
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from bot.config import Settings
from bot.service import Core
from bot.work import Context
from storage.databases import open_repository
from storage.sqlite import _target_json
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, user
from tests.faults.load_worker import (
    GENERAL,
    START,
    referral_line,
    request_key,
)
from tests.faults.support import ChannelPosts, query, scalar

BACKENDS = ("sqlite", "postgresql")  # the crash test on both databases

REPO = Path(__file__).resolve().parents[2]
ACKS_BEFORE_KILL = 40
WAIT = 60.0  # seconds: a bound on waiting for the worker, never a sleep


async def set_up(db: str, settings: Settings) -> None:
    repo = await open_repository(db)
    try:
        chat = Chat(
            Core(repo, RecordingMessenger(), FakeClock(START), FakeResolver(), settings), GENERAL
        )
        assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
        assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
        assert "Welcome" in await chat("bob", "/rapport join Residential plumbing")
    finally:
        await repo.close()


async def load_and_kill(db: str, run: str, log: Path) -> list[tuple[str, int, str]]:
    """Start a worker, let it acknowledge some commands, SIGKILL it mid-load; returns every
    line it printed whole before it died: (what, referral id, request key)."""
    with log.open("ab") as errors:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.load_worker",
            str(db),
            run,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
        assert proc.stdout is not None
        lines: list[bytes] = []
        try:
            while len(lines) < ACKS_BEFORE_KILL:
                line = await asyncio.wait_for(proc.stdout.readline(), WAIT)
                assert line, f"the worker stopped by itself: {log.read_text()[-2000:]}"
                lines.append(line)
        finally:
            proc.send_signal(signal.SIGKILL)
            await asyncio.wait_for(proc.wait(), WAIT)
        lines += (await proc.stdout.read()).splitlines(keepends=True)
    assert proc.returncode == -signal.SIGKILL
    acked = []
    for raw in lines:
        if raw.endswith(b"\n"):  # a line cut short by the kill was never acknowledged
            what, rid, key = raw.decode().split()
            acked.append((what, int(rid), key))
    return acked


def integrity(db: str) -> tuple[str, list[tuple[object, ...]]]:
    """SQLite's own checks of the file; PostgreSQL keeps its pages and foreign keys itself, so
    there: the database answers, and no referral points at a member who is not there."""
    if db.startswith("postgresql://"):
        broken = query(
            db,
            "SELECT r.id FROM referrals r LEFT JOIN members m ON m.id = r.receiver_id"
            " WHERE m.id IS NULL",
        )
        return "ok", broken
    with closing(sqlite3.connect(db)) as conn:
        [(check,)] = conn.execute("PRAGMA integrity_check").fetchall()
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    return check, broken


async def test_a_killed_process_loses_no_acknowledged_referral_and_its_outbox_goes_out_once(
    tmp_path: Path, database: str, settings: Settings, channel_posts: ChannelPosts
) -> None:
    db = database
    await set_up(db, settings)
    sent_before = scalar(db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'")

    acked: list[tuple[str, int, str]] = []
    for run in ("r1", "r2"):  # the second process starts on the file the first one left
        acked += await load_and_kill(db, run, tmp_path / "worker.log")
        assert integrity(db) == ("ok", [])

    referrals = [(rid, key) for what, rid, key in acked if what == "referral"]
    updates = [(rid, key) for what, rid, key in acked if what == "update"]
    assert len(referrals) >= ACKS_BEFORE_KILL  # both runs acknowledged work
    stored = dict(query(db, "SELECT id, request_key FROM referrals"))
    status = dict(query(db, "SELECT id, status FROM referrals"))
    events = Counter(r for (r,) in query(db, "SELECT referral_id FROM referral_events"))
    keys = {k for (k,) in query(db, "SELECT key FROM requests")}
    pending = query(db, "SELECT id, target, payload FROM outbox WHERE state IN ('pending', 'sending')")
    states = Counter(s for (s,) in query(db, "SELECT state FROM outbox"))
    for rid, key in referrals:
        assert stored.get(rid) == key, f"acknowledged referral #{rid} ({key}) is missing"
    for rid, key in updates:
        assert status[rid] == "contacted" and events[rid] == 1, f"update of #{rid} ({key})"
    assert {key for _, key in referrals + updates} <= keys
    assert len(stored) == len(set(stored.values()))  # no request logged two referrals
    assert states["sent"] == sent_before and pending  # only the set-up's messages went out

    # the next process, an hour later, on a platform that works again
    later = FakeClock(START + timedelta(hours=1))
    repo = await open_repository(db)
    try:
        messenger = RecordingMessenger()
        channel_posts.watch(messenger)
        core = Core(repo, messenger, later, FakeResolver(), settings)

        delivered = await core.deliver()

        expected = Counter((target, json.dumps(json.loads(p))) for _, target, p in pending)
        got = Counter(
            (_target_json(s.to), json.dumps(json.loads(s.message.to_json())))
            for s in messenger.sent
        )
        assert delivered == len(pending) == len(messenger.sent)
        assert got == expected  # everything pending, each exactly once
        received = Counter(s.message.about for s in messenger.dms_to("bob"))
        assert all(received[rid] == 1 for rid in stored), "a referral's DM missing or doubled"
        assert scalar(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0

        # a second pass, and a third process, send nothing more
        assert await core.deliver() == 0
        later.advance(days=1)
        assert await core.deliver() == 0
        assert len(messenger.sent) == len(pending)

        # the platform retries the last acknowledged referral, and the request the kill cut off
        last_rid, last_key = referrals[-1]
        run, n = last_key.split(":")[1], int(last_key.split(":")[2])
        [again] = await core.handle(
            Context(user("alice"), GENERAL, last_key), referral_line(run, n)
        )
        assert again.fallback().startswith(f"Referral #{last_rid} ")
        cut = int(acked[-1][2].split(":")[2]) + 1
        cut += cut % 3 == 0  # the worker's updates have their own lines
        for _ in range(2):
            ctx = Context(user("alice"), GENERAL, request_key(run, cut))
            await core.handle(ctx, referral_line(run, cut))
        once = "SELECT COUNT(*) FROM referrals WHERE request_key = ?"
        assert scalar(db, once, (request_key(run, cut),)) == 1
        assert scalar(db, once, (last_key,)) == 1
    finally:
        await repo.close()
    assert integrity(db) == ("ok", [])
