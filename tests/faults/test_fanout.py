"""A big fan-out with many messages in flight: a delivering process is killed with SIGKILL in
the middle of it and another finishes the job; two processes deliver from one database at
once. Every message reaches the platform exactly once, and each conversation receives its
messages in the order they were queued.

The platform is a small HTTP server in the test. Like Discord with a message's nonce, it
keeps one message per delivery key: what a dead process handed over without hearing back is
sent again after the restart and taken once. Only those may be sent twice: a message the
outbox had marked sent never goes out again.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections import Counter, defaultdict
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.out import OutMessage
from bot.outbox import STALE_CLAIM_SECONDS
from bot.service import Core
from bot.text import lit
from storage.sqlite import SqliteRepository
from tests.fakes import FakeClock, FakeResolver, channel, user
from tests.faults.fanout_worker import START, HttpMessenger, settings
from tests.faults.support import scalar

REPO = Path(__file__).resolve().parents[2]
CONVERSATIONS = 40
EACH = 12  # messages per conversation
WAIT = 60.0  # seconds: a bound on waiting for a process, never a sleep


class Platform:
    """Takes a message once per delivery key and records, per conversation, the order the
    messages arrived in, and what was in flight at once. `hold_after` stops answering (the
    messages are still stored) once that many were answered: the answers a killed process
    never hears. `start_when` holds every answer until each named process has sent one, so
    two processes are surely delivering at the same time."""

    def __init__(self, hold_after: int | None = None, start_when: set[str] = frozenset()) -> None:
        self.hold_after = hold_after
        self.start_when = set(start_when)
        self.stored: dict[str, tuple[str, str, str]] = {}  # key → conversation, text, process
        self.order: dict[str, list[str]] = defaultdict(list)
        self.requests: Counter[str] = Counter()  # per key, every time it was handed over
        self.held: set[str] = set()
        self.busy: Counter[str] = Counter()  # conversations with a request in flight
        self.most_at_once = 0
        self.doubled: list[str] = []
        self.answered = 0
        self.changed = asyncio.Event()
        self.release = asyncio.Event()
        self._started = asyncio.Event()
        self._senders: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/deliver", self._deliver)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/deliver"
        if not self.start_when:
            self._started.set()

    async def close(self) -> None:
        self.release.set()
        self._started.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _deliver(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        key, conversation = body["key"], body["conversation"]
        self.requests[key] += 1
        if self.busy[conversation]:
            self.doubled.append(conversation)
        self.busy[conversation] += 1
        self.most_at_once = max(self.most_at_once, sum(1 for v in self.busy.values() if v))
        try:
            if key not in self.stored:  # a repeated key is the same message: kept once
                self.stored[key] = (conversation, body["text"], body["process"])
                self.order[conversation].append(body["text"])
            self._senders.add(body["process"])
            if self._senders >= self.start_when:
                self._started.set()
            await self._started.wait()
            if self.hold_after is not None and self.answered >= self.hold_after:
                self.held.add(key)
                self.changed.set()
                await self.release.wait()
                return web.Response(status=503)  # its process is gone; nobody reads this
            self.answered += 1
            return web.json_response({"ok": True})
        finally:
            self.busy[conversation] -= 1
            self.changed.set()

    async def until(self, done: Any) -> None:
        async def wait() -> None:
            while not done():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), WAIT)


async def fan_out(db: Path) -> list[str]:
    """CONVERSATIONS × EACH messages queued in turn (a third of the conversations are
    channels); returns their texts in queued order."""
    repo = await SqliteRepository.open(str(db))
    texts = []
    now = int(START.timestamp())
    try:
        async with repo.transaction() as tx:
            for k in range(EACH):
                for c in range(CONVERSATIONS):
                    target = channel(f"room{c}") if c % 3 == 0 else user(f"member{c}")
                    text = f"{c}:{k}"
                    await tx.outbox.add(None, target, OutMessage(lit(text)), now)
                    texts.append(text)
    finally:
        await repo.close()
    return texts


async def worker(db: Path, platform: Platform, name: str, concurrency: int, log: Path) -> Any:
    with log.open("ab") as errors:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.fanout_worker",
            str(db),
            platform.url,
            name,
            str(concurrency),
            cwd=REPO,
            stderr=errors,
        )


def each_conversation_in_order(platform: Platform) -> None:
    assert len(platform.order) == CONVERSATIONS
    for conversation, texts in platform.order.items():
        c = texts[0].split(":")[0]
        assert texts == [f"{c}:{k}" for k in range(EACH)], conversation


def sending_keys(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT id FROM outbox WHERE state = 'sending'").fetchall()
    return {f"outbox-{i}" for (i,) in rows}


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


async def test_a_process_killed_mid_fan_out_leaves_every_message_to_go_out_once_in_order(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rapport.db"
    texts = await fan_out(db)
    platform = Platform(hold_after=len(texts) // 4)
    await platform.start()
    try:
        proc = await worker(db, platform, "doomed", 16, tmp_path / "worker.log")
        try:  # a quarter went out; now Discord stores messages but its answers are lost
            await platform.until(lambda: len(platform.held) >= 8)
        finally:
            proc.send_signal(signal.SIGKILL)
            await asyncio.wait_for(proc.wait(), WAIT)
        assert proc.returncode == -signal.SIGKILL
        assert integrity(db) == "ok"
        unconfirmed = sending_keys(db)  # handed over (or about to be), never marked sent
        assert platform.held <= unconfirmed
        platform.release.set()
        await platform.until(lambda: not any(platform.busy.values()))
        platform.hold_after = None

        # the next process, past the dead one's stale claims, finishes the fan-out
        later = FakeClock(START + timedelta(seconds=STALE_CLAIM_SECONDS + 1))
        repo = await SqliteRepository.open(str(db))
        try:
            async with aiohttp.ClientSession() as session:
                messenger = HttpMessenger(session, platform.url, "restarted")
                core = Core(repo, messenger, later, FakeResolver(), settings(16))
                await core.deliver()
                assert await core.deliver() == 0  # and a second pass finds nothing
        finally:
            await repo.close()
    finally:
        await platform.close()

    assert sorted(t for _, t, _ in platform.stored.values()) == sorted(texts)  # all, once
    assert scalar(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0
    sent_again = {k for k, n in platform.requests.items() if n > 1}
    assert sent_again and sent_again <= unconfirmed  # nothing marked sent went out again
    each_conversation_in_order(platform)
    assert platform.most_at_once > 1 and platform.doubled == []
    assert {p for _, _, p in platform.stored.values()} == {"doomed", "restarted"}
    assert integrity(db) == "ok"


async def test_two_processes_on_one_database_deliver_each_message_once_in_order(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rapport.db"
    texts = await fan_out(db)
    platform = Platform(start_when={"one", "two"})
    await platform.start()
    try:
        log = tmp_path / "workers.log"
        procs = [await worker(db, platform, name, 8, log) for name in ("one", "two")]
        codes = [await asyncio.wait_for(p.wait(), WAIT) for p in procs]
        assert codes == [0, 0], log.read_text()[-3000:]
        # a process stops when all that is left is held by the other: what remains once
        # both have stopped, a third delivers
        repo = await SqliteRepository.open(str(db))
        try:
            async with aiohttp.ClientSession() as session:
                messenger = HttpMessenger(session, platform.url, "third")
                core = Core(repo, messenger, FakeClock(START), FakeResolver(), settings(8))
                await core.deliver()
        finally:
            await repo.close()
    finally:
        await platform.close()

    assert sorted(t for _, t, _ in platform.stored.values()) == sorted(texts)
    assert set(platform.requests.values()) == {1}  # no message handed over twice
    assert scalar(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0
    by = Counter(p for _, _, p in platform.stored.values())
    assert by["one"] and by["two"]  # both delivered, at the same time
    each_conversation_in_order(platform)
    assert platform.most_at_once > 1 and platform.doubled == []
