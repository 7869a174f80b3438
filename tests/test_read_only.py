"""Commands that only read take no write transaction, and a command that queued nothing for
other people does not wake the dispatcher: `/rapport help` and `/rapport stats` cost a read,
`/referral` one write (and the messages it queued are delivered)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.service import Core
from bot.work import Context
from tests.conftest import Chat
from tests.fakes import RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases


class Counted:
    """What the core asked of the repository, by kind of unit."""

    def __init__(self, core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes = 0
        self.reads = 0
        self.wakes = 0
        repo = core.repo
        atomic, read, wake = repo.atomic, repo.read, core.deliver_soon

        async def counted_atomic(work: Callable[[Any], Awaitable[Any]]) -> Any:
            self.writes += 1
            return await atomic(work)

        async def counted_read(work: Callable[[Any], Awaitable[Any]]) -> Any:
            self.reads += 1
            return await read(work)

        def counted_wake() -> None:
            self.wakes += 1
            wake()

        monkeypatch.setattr(repo, "atomic", counted_atomic)
        monkeypatch.setattr(repo, "read", counted_read)
        monkeypatch.setattr(core, "deliver_soon", counted_wake)

    def reset(self) -> None:
        self.writes = self.reads = self.wakes = 0


async def command(core: Core, who: str, line: str) -> list[Any]:
    """The command alone: what it costs before anything it queued is delivered."""
    return await core.handle(Context(user(who), channel()), line)


@pytest.mark.parametrize(
    "line",
    ["/rapport help", "/rapport help referral", "/rapport stats", "/referrals", "/rapport roster"],
)
async def test_a_read_only_command_takes_no_write_and_wakes_nobody(
    group: Chat, core: Core, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    await group("alice", "/referral @bob Jane Roe jane@roe.example")
    counted = Counted(core, monkeypatch)
    [reply] = await command(core, "bob", line)
    assert reply.kind and not reply.kind.startswith("error")
    assert (counted.writes, counted.reads, counted.wakes) == (0, 1, 0)


async def test_a_referral_is_one_write_and_wakes_the_dispatcher_once(
    group: Chat, core: Core, monkeypatch: pytest.MonkeyPatch, messenger: RecordingMessenger
) -> None:
    counted = Counted(core, monkeypatch)
    [reply] = await command(core, "alice", "/referral @bob Jane Roe jane@roe.example")
    assert reply.kind == "referral.logged"
    assert (counted.writes, counted.wakes) == (1, 1)
    await core.settle()
    assert {type(s.to).__name__ for s in messenger.sent} == {"UserRef", "ChannelRef"}


async def test_a_refused_command_wakes_nobody(
    group: Chat, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(core, monkeypatch)
    [reply] = await command(core, "alice", "/referrals update 99 contacted")
    assert reply.kind.startswith("error")
    assert counted.wakes == 0


async def test_a_member_whose_dm_was_refused_hears_it_on_a_read_only_command_once(
    group: Chat, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with core.repo.transaction() as tx:  # type: ignore[attr-defined]
        await tx._all("UPDATE members SET dm_unreachable_at = 1 WHERE user_id = 'bob'")
    counted = Counted(core, monkeypatch)
    first = await command(core, "bob", "/rapport stats")
    assert [r.kind for r in first][-1] == "notice.dm_unreachable"
    assert counted.writes == 1  # taking the flag, once
    counted.reset()
    again = await command(core, "bob", "/rapport stats")
    assert "notice.dm_unreachable" not in [r.kind for r in again]
    assert counted.writes == 0


async def test_export_and_data_files_are_written_after_the_read_off_the_database_thread(
    group: Chat, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import bot.features.privacy.handlers as handlers

    threads: list[str] = []
    real_csv, real_open = handlers._write_csv, handlers.files.open_private

    def noting_csv(path: Any, rows: Any) -> None:
        threads.append(threading.current_thread().name)
        real_csv(path, rows)

    def noting_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(handlers, "_write_csv", noting_csv)
    monkeypatch.setattr(handlers.files, "open_private", noting_open)
    await group("alice", "/referral @bob Jane Roe jane@roe.example")
    counted = Counted(core, monkeypatch)
    [export] = await command(core, "alice", "/rapport export")
    [mine] = await command(core, "bob", "/rapport my-data")
    assert counted.writes == 0
    assert threads and {t.split("_")[0] for t in threads} == {"rapport-after-commit"}
    attached = [*export.attachments, *mine.attachments]
    assert len(attached) >= 2 and all(Path(p).is_file() for p in attached)
