"""A message the platform takes as several parts records, with its outbox row, how many the
platform took (migration 0012), so a retry or the next process after a crash sends only the
rest: the row's claim fences the record, and a file from before the column delivers as it did.

`LinesMessenger` is a platform that takes a message one line at a time, as the Slack and
Discord messengers take a long list a part at a time (their own tests, through the fake
platforms: tests/slack/test_delivery.py, tests/discord_adapter/test_outbox_delivery.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.config import PrivacySettings, Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, Progress
from bot.service import Core
from bot.text import lit
from storage.sqlite import SqliteRepository, _meeting_key, migrations
from storage.sqlite.outbox import lane
from tests.fakes import FakeClock, FakeResolver, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

GENERAL = channel()
NOW = datetime(2027, 1, 12, 10, tzinfo=UTC)
ROLL_CALL = OutMessage(lit("\n".join(f"line {i}" for i in range(6))), kind="notice")
BEFORE_0012 = 11


@dataclass
class LinesMessenger:
    """Takes each line of a message as a part of its own; `fail_at` refuses that part once."""

    sends_in_parts = True
    taken: list[str] = field(default_factory=list)
    fail_at: int | None = None

    async def send_dm(
        self, user: UserRef, message: OutMessage, *, key: str | None = None,
        progress: Progress | None = None,
    ) -> None:  # fmt: skip
        await self._send(message, progress)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None,
        progress: Progress | None = None,
    ) -> None:  # fmt: skip
        await self._send(message, progress)

    async def _send(self, message: OutMessage, progress: Progress | None) -> None:
        lines = message.fallback().splitlines()
        for i in range(progress.done if progress else 0, len(lines)):
            if i == self.fail_at:
                self.fail_at = None
                raise DeliveryError("platform unavailable")
            self.taken.append(lines[i])
            if progress is not None and progress.taken is not None:
                await progress.taken(i + 1, len(lines))


def settings_in(tmp_path: Path) -> Settings:
    return Settings(privacy=PrivacySettings(files_dir=str(tmp_path / "files")))


def held(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return [tuple(r) for r in db.execute(sql).fetchall()]


async def test_a_retry_sends_only_the_lines_not_taken_and_the_row_says_how_many_were(
    tmp_path: Path,
) -> None:
    repo = await SqliteRepository.open(str(tmp_path / "r.db"))
    clock = FakeClock(NOW)
    messenger = LinesMessenger(fail_at=2)
    core = Core(repo, messenger, clock, FakeResolver(), settings_in(tmp_path))
    try:
        async with repo.transaction() as tx:
            await tx.outbox.add(None, GENERAL, ROLL_CALL, int(NOW.timestamp()))
        assert await core.deliver() == 0
        assert held(tmp_path / "r.db", "SELECT state, parts_sent FROM outbox") == [("pending", 2)]
        clock.advance(seconds=30)
        assert await core.deliver() == 1
    finally:
        await repo.close()
    assert messenger.taken == [f"line {i}" for i in range(6)]
    assert held(tmp_path / "r.db", "SELECT state, parts_sent FROM outbox") == [("sent", 6)]


async def test_a_worker_whose_claim_was_taken_over_records_nothing(tmp_path: Path) -> None:
    repo = await SqliteRepository.open(":memory:")
    try:
        async with repo.transaction() as tx:
            await tx.outbox.add(None, GENERAL, ROLL_CALL, int(NOW.timestamp()))
            ts = int(NOW.timestamp())
            [mine] = await tx.outbox.claim(ts, 10, ts - 300, token="mine")
            assert await tx.outbox.progress(mine, 2)
            # stale, and claimed again by another worker, which starts after the two parts
            [theirs] = await tx.outbox.claim(ts + 400, 10, ts + 100, token="theirs")
            assert theirs.parts_sent == 2
            assert not await tx.outbox.progress(mine, 5)
            assert await tx.outbox.progress(theirs, 3)
            [row] = await tx._all("SELECT parts_sent FROM outbox")
            assert row["parts_sent"] == 3
    finally:
        await repo.close()


async def test_a_file_from_before_0012_delivers_a_row_a_crashed_process_left_sending(
    tmp_path: Path,
) -> None:
    """A row a process claimed before it was killed, in a file at schema 11: upgraded, the
    row has no parts recorded, and the next process sends it whole, once."""
    path = tmp_path / "old.db"
    queued = int(NOW.timestamp()) - 3600
    with closing(sqlite3.connect(path)) as db:
        db.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
        for number, script in migrations():
            if number <= BEFORE_0012:
                db.executescript(script)
        db.execute(f"PRAGMA user_version = {BEFORE_0012}")
        db.execute(
            "INSERT INTO outbox (group_id, target, payload, state, attempts, next_attempt_at,"
            " claimed_at, created_at, lane, send_at, claim_token) VALUES (NULL, ?, ?,"
            " 'sending', 1, ?, ?, ?, ?, ?, 'dead process')",
            (
                '{"post": ["test", "w1", "general", "#general"]}',
                ROLL_CALL.to_json(),
                queued,
                queued,
                queued,
                lane(GENERAL),
                queued,
            ),
        )
        db.commit()

    repo = await SqliteRepository.open(str(path))
    messenger = LinesMessenger()
    try:
        assert held(path, "SELECT state, parts_sent FROM outbox") == [("sending", 0)]
        core = Core(repo, messenger, FakeClock(NOW), FakeResolver(), settings_in(tmp_path))
        assert await core.deliver() == 1
    finally:
        await repo.close()
    assert held(path, "PRAGMA user_version") == [(migrations()[-1][0],)]
    assert messenger.taken == [f"line {i}" for i in range(6)]
    assert held(path, "SELECT state, parts_sent FROM outbox") == [("sent", 6)]
