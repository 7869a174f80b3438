"""Shared fixtures: a Core on SQLite :memory: through the real repository, a fake clock, a
recording Messenger, and `Group`, a small helper that types commands as named members."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import PrivacySettings, Settings
from bot.model import ChannelRef
from bot.out import OutMessage
from bot.service import Core
from bot.work import Context
from storage.sqlite import SqliteRepository
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user


class Chat:
    """Type commands as members: `await chat("alice", "/referral @bob …")` returns the
    replies only alice sees, as plain text."""

    def __init__(self, core: Core, where: ChannelRef) -> None:
        self.core = core
        self.where = where

    async def __call__(
        self, handle: str, line: str, *, where: ChannelRef | None = None, key: str | None = None
    ) -> str:
        replies = await self.messages(handle, line, where=where, key=key)
        return "\n".join(r.fallback() for r in replies)

    async def messages(
        self, handle: str, line: str, *, where: ChannelRef | None = None, key: str | None = None
    ) -> list[OutMessage]:
        replies = await self.core.handle(Context(user(handle), where or self.where, key), line)
        await self.core.settle()  # what it queued for others has gone out
        return replies

    async def click(self, handle: str, action_id: str, *, where: ChannelRef | None = None) -> str:
        replies = await self.core.click(Context(user(handle), where or self.where), action_id)
        await self.core.settle()
        return "\n".join(r.fallback() for r in replies)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        timezone="Africa/Johannesburg",
        currency="ZAR",
        privacy=PrivacySettings(files_dir=str(tmp_path / "files")),
    )


@pytest.fixture
async def repo() -> AsyncIterator[SqliteRepository]:
    r = await SqliteRepository.open(":memory:")
    yield r
    await r.close()


@pytest.fixture
def core(
    repo: SqliteRepository, messenger: RecordingMessenger, clock: FakeClock, settings: Settings
) -> Core:
    return Core(repo, messenger, clock, FakeResolver(), settings)


@pytest.fixture
def chat(core: Core) -> Chat:
    return Chat(core, channel())


@pytest.fixture
async def group(chat: Chat, messenger: RecordingMessenger) -> Chat:
    """A group with alice (admin, Commercial insurance), bob (Residential plumbing) and
    carol (Roofing); the messenger is cleared afterwards."""
    assert "set up" in await chat("alice", "/rapport setup Breakfast Club")
    assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
    assert "Welcome" in await chat("bob", "/rapport join Residential plumbing")
    assert "Welcome" in await chat("carol", "/rapport join Roofing")
    messenger.clear()
    return chat
