"""Shared fixtures: a Core on SQLite :memory: (and, for the contract suite, on PostgreSQL)
through the real repository, a fake clock, a recording Messenger, and `Group`, a small
helper that types commands as named members.

A test module that sets `BACKENDS = both` runs each of its tests that use the repository
on SQLite and on PostgreSQL (RAPPORT_TEST_POSTGRES, by default the local server), each
PostgreSQL test in a schema of its own, dropped afterwards. RAPPORT_TEST_BACKENDS=postgresql
runs every repository test on PostgreSQL alone, except the tests about SQLite itself (its
files, its trace, its pragmas), marked `sqlite_only` with the reason, which stay on SQLite
(`grep -rn sqlite_only tests/` lists them). Where no server answers, the PostgreSQL
tests are skipped and the summary says so in one line; RAPPORT_REQUIRE_POSTGRES=1 (CI)
makes that an error instead.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.config import PrivacySettings, Settings
from bot.model import ChannelRef
from bot.out import OutMessage
from bot.service import Core
from bot.work import Context
from storage.sqlite import SqliteRepository
from tests import pg
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


both = ("sqlite", "postgresql")
NO_SERVER = "PostgreSQL"  # the skip reason's first word, counted in the summary


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    forced = os.environ.get("RAPPORT_TEST_BACKENDS", "").strip()
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        backends: tuple[str, ...] = ("sqlite",)  # about SQLite itself: no PostgreSQL twin
    elif forced:
        backends = tuple(b.strip() for b in forced.split(",") if b.strip())
    else:
        backends = getattr(metafunc.module, "BACKENDS", ("sqlite",))
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        missing = pg.answers()
        if missing is not None:
            pytest.skip(f"{NO_SERVER}: no server answers at {pg.where()}")
    return name


@pytest.fixture
async def database(backend: str, tmp_path) -> AsyncIterator[str]:
    """A fresh database of the test's backend, as Rapport's `database` setting names it."""
    if backend == "postgresql":
        async with pg.schema() as url:
            yield url
    else:
        yield str(tmp_path / "rapport.db")


@pytest.fixture
async def repo(backend: str) -> AsyncIterator[SqliteRepository]:
    if backend == "postgresql":
        from storage.postgres import PostgresRepository

        async with pg.schema() as url:
            r = await PostgresRepository.open(url)
            yield r
            await r.close()
        return
    r = await SqliteRepository.open(":memory:")
    yield r
    await r.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("RAPPORT_REQUIRE_POSTGRES") == "1" and (missing := pg.answers()):
        pytest.exit(
            f"PostgreSQL is required (RAPPORT_REQUIRE_POSTGRES=1) and no server answers at"
            f" {pg.where()} ({missing}): start it, or set RAPPORT_TEST_POSTGRES to one",
            returncode=3,
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if isinstance(r.longrepr, tuple) and str(r.longrepr[2]).startswith(f"Skipped: {NO_SERVER}")
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL tests skipped: no PostgreSQL server answers at"
            f" {pg.where()} (set RAPPORT_TEST_POSTGRES to one)"
        )


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
