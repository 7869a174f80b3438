"""Fixtures for the fault suite: the core's (tests/conftest.py) with a messenger whose channel
posts are checked for prospects' contact details, and a Slack workspace and a Discord server
built the way tests/slack and tests/discord_adapter build theirs, watched the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.slack.app import SlackBot
from bot.config import Settings
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.payloads import ALICE as D_ALICE
from tests.discord_adapter.payloads import BOB as D_BOB
from tests.discord_adapter.payloads import CAROL as D_CAROL
from tests.discord_adapter.payloads import PEOPLE as D_PEOPLE
from tests.fakes import FakeClock, RecordingMessenger
from tests.faults.support import ChannelPosts
from tests.slack.conftest import (
    ALICE,
    BOB,
    CAROL,
    GROUP,
    PEOPLE,
    FakeTime,
    Workspace,
    offline_bot,
)
from tests.slack.fake_slack import FakeSlack


@pytest.fixture(autouse=True)
def channel_posts() -> Iterator[ChannelPosts]:
    """Every fault test ends by checking that no channel post carried a prospect's email or
    phone, on whichever platforms it used."""
    posts = ChannelPosts()
    yield posts
    leaks = posts.leaks()
    assert not leaks, f"prospects' contact details reached a channel: {leaks}"


@pytest.fixture
def messenger(channel_posts: ChannelPosts) -> RecordingMessenger:
    m = RecordingMessenger()
    channel_posts.watch(m)
    return m


# --- Slack ---------------------------------------------------------------------------------
@pytest.fixture
async def fake_slack(channel_posts: ChannelPosts) -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    slack.users = dict(PEOPLE)
    slack.bot_channels = {GROUP[0]}
    await slack.start()
    channel_posts.watch_slack(slack)
    yield slack
    await slack.close()


@pytest.fixture
def pace() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def slack(
    fake_slack: FakeSlack, clock: FakeClock, settings: Settings, pace: FakeTime
) -> AsyncIterator[SlackBot]:
    bot = await offline_bot(settings, clock, fake_slack, pace)
    yield bot
    await bot.close()


@pytest.fixture
def ws(slack: SlackBot, fake_slack: FakeSlack) -> Workspace:
    return Workspace(slack, fake_slack)


@pytest.fixture
async def slack_group(ws: Workspace, fake_slack: FakeSlack) -> Workspace:
    """Breakfast Club in #breakfast-club: Alice (admin), Bob and Carol; setting it up is
    forgotten."""
    assert "is set up" in (await ws.type(ALICE, "/rapport setup Breakfast Club")).text
    for who, seat in ((ALICE, "Insurance"), (BOB, "Plumbing"), (CAROL, "Roofing")):
        assert "Welcome" in (await ws.type(who, f"/rapport join {seat}")).text
    fake_slack.calls.clear()
    fake_slack.messages.clear()
    return ws


# --- Discord -------------------------------------------------------------------------------
@pytest.fixture
def discord_api(monkeypatch: pytest.MonkeyPatch, channel_posts: ChannelPosts) -> FakeDiscord:
    api = FakeDiscord()
    for p in D_PEOPLE:
        api.users[p.id] = p.user
    monkeypatch.setattr(aiohttp, "ClientSession", api.session)
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    channel_posts.watch_discord(api)
    return api


@pytest.fixture
async def discord_bot(
    discord_api: FakeDiscord, tmp_path: Path, settings: Settings, clock: FakeClock
) -> AsyncIterator[Bot]:
    b = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start()
    yield b
    await b.stop()


@pytest.fixture
async def discord_group(discord_bot: Bot) -> Bot:
    """Breakfast Club in #general: alice (admin), bob and carol, through Discord's commands."""
    [done] = await discord_bot.type(D_ALICE, "rapport", "setup", name="Breakfast Club")
    assert "is set up" in done
    for who, seat in ((D_ALICE, "Insurance"), (D_BOB, "Plumbing"), (D_CAROL, "Roofing")):
        [welcome] = await discord_bot.type(who, "rapport", "join", classification=seat)
        assert welcome.startswith("Welcome to Breakfast Club!")
    return discord_bot
