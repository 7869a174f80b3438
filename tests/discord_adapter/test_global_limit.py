"""Discord's global limit of 50 requests a second, kept as requests leave instead of learned
from 429s: a burst far past it reaches Discord with none refused, never more than 50 in any
second of Discord's clock, and no slower than that either (the platform's own number, not a
second, slower limit). Every shard a process runs shares it. The fake Discord answers 429
`global` past 50 in a second on its own clock, which only the pace's sleeps move."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.discord.messenger import DiscordMessenger
from adapters.discord.shards import Shards, shard_of
from bot.config import Settings
from bot.model import ChannelRef
from bot.out import OutMessage
from bot.text import lit
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.fake_discord import BASE, CHANNEL_ID, GUILD_ID, Call, FakeDiscord
from tests.fakes import FakeClock

OTHER_GUILD = GUILD_ID + (1 << 22)  # the guild next to it, on the other of two shards
OTHER_CHANNEL = CHANNEL_ID + 1


def counted(api: FakeDiscord) -> list[Call]:
    """The requests Discord holds to the bot's global limit (interactions are not)."""
    return [c for c in api.calls if not c.path.startswith(("/interactions/", "/webhooks/"))]


def most_in_one_second(calls: list[Call]) -> int:
    times = [c.at for c in calls]
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def burst(bot: Bot, channels: list[ChannelRef], n: int) -> None:
    messenger = DiscordMessenger(bot.client)
    await asyncio.gather(
        *(
            messenger.post(channels[i % len(channels)], OutMessage(lit(f"post {i}")), key=f"k{i}")
            for i in range(n)
        )
    )


def channel(guild: int, cid: int) -> ChannelRef:
    return ChannelRef("discord", str(guild), str(cid), "#general")


def test_the_double_refuses_the_51st_request_of_a_second_as_discord_does() -> None:
    """The check below would pass without a pace if the fake never said 429."""
    api = FakeDiscord()
    url = f"{BASE}/channels/{CHANNEL_ID}/messages"
    answers = [api.record("POST", url, {}, {"content": "hi"})[0] for _ in range(50)]
    assert answers == [200] * 50
    status, body = api.record("POST", url, {}, {"content": "one too many"})
    assert (status, body["global"], body["retry_after"]) == (429, True, 1.0)
    callback = f"{BASE}/interactions/1/token/callback"
    assert api.record("POST", callback, {}, {"type": 5})[0] == 200  # interactions not counted
    api.clock.now += 1.0
    assert api.record("POST", url, {}, {"content": "a second later"})[0] == 200
    assert [m["content"] for m in api.posts()][-1] == "a second later"


@pytest.fixture(params=[None, Shards(2, (0, 1))], ids=["one connection", "two shards, one process"])
async def process(
    request: pytest.FixtureRequest,
    discord_api: FakeDiscord,
    tmp_path: Path,
    settings: Settings,
    clock: FakeClock,
) -> AsyncIterator[Bot]:
    b = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start(shards=request.param)
    yield b
    await b.stop()


async def test_a_burst_of_120_posts_reaches_discord_with_none_refused(
    discord_api: FakeDiscord, process: Bot
) -> None:
    """Posts to two servers' channels (on different shards when the process runs two)."""
    assert shard_of(GUILD_ID, 2) != shard_of(OTHER_GUILD, 2)
    channels = [channel(GUILD_ID, CHANNEL_ID), channel(OTHER_GUILD, OTHER_CHANNEL)]
    await burst(process, channels, 120)

    posts = discord_api.posts(CHANNEL_ID) + discord_api.posts(OTHER_CHANNEL)
    posted = [m["content"] for m in posts]
    assert sorted(posted) == sorted(f"post {i}" for i in range(120))
    assert [c for c in discord_api.calls if c.status == 429] == []
    assert most_in_one_second(counted(discord_api)) <= 50


async def test_the_pace_is_discords_own_50_a_second_not_slower(
    discord_api: FakeDiscord, bot: Bot
) -> None:
    """Every second of Discord's clock takes 50 requests while there are that many waiting:
    100 posts (and the few requests of logging in) take one second, not more."""
    await burst(bot, [channel(GUILD_ID, CHANNEL_ID)], 100)
    calls = counted(discord_api)
    start = calls[0].at
    assert len(discord_api.posts(CHANNEL_ID)) == 100
    assert [c.at - start for c in calls] == [float(k // 50) for k in range(len(calls))]
    assert calls[-1].at - start <= 2.0
