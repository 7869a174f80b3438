"""`rapport discord --shards N --shard-ids a,b`: the options are checked (one line naming what
is wrong), the client is discord.py's AutoShardedClient on exactly those shards, and two
processes each running half the shards share one database: whichever shard an interaction
arrives on, the member it concerns gets one DM, and its buttons work from the other shard.

The processes share the database through the repository, a SQLite file or one PostgreSQL
database (issue 16)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from adapters.discord import cli
from adapters.discord.client import DiscordConfig, RapportClient
from adapters.discord.shards import (
    ShardedRapportClient,
    ShardProblem,
    Shards,
    make_client,
    parse_shards,
    shard_of,
)
from bot.__main__ import parser
from bot.config import Settings
from tests.discord_adapter.conftest import Bot, rows, text
from tests.discord_adapter.fake_discord import BASE, GATEWAY, GUILD_ID, TOKEN, FakeDiscord
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, click, slash

SHARDS = 2
# the database both processes share (tests.conftest's `database`): a SQLite file, or one
# PostgreSQL database (a schema of its own on the test server, dropped afterwards)
BACKENDS = ("sqlite", "postgresql")


@pytest.mark.parametrize(
    ("count", "ids", "shards"),
    [
        ("4", None, Shards(4, (0, 1, 2, 3))),
        ("4", "2,3", Shards(4, (2, 3))),
        ("4", " 3, 1 ,3", Shards(4, (3, 1))),
        (None, None, None),
    ],
)
def test_shard_options_are_read(count, ids, shards):
    assert parse_shards(count, ids) == shards


@pytest.mark.parametrize(
    ("count", "ids", "line"),
    [
        ("0", None, "--shards must be a whole number of shards from 1 to 4096, like --shards 4"),
        ("four", None, "--shards must be a whole number of shards from 1 to 4096"),
        ("4", "4", "--shard-ids must be shard numbers from 0 to 3 (with --shards 4)"),
        ("4", "0,-1", "--shard-ids must be shard numbers from 0 to 3 (with --shards 4)"),
        ("4", "0,,1", "--shard-ids must be shard numbers from 0 to 3"),
        (None, "0,1", "--shard-ids needs --shards: give the total number of shards too"),
    ],
)
def test_bad_shard_options_are_named_in_one_line(count, ids, line):
    with pytest.raises(ShardProblem) as stopped:
        parse_shards(count, ids)
    assert str(stopped.value).startswith(line)
    assert "\n" not in str(stopped.value)


def test_rapport_discord_refuses_bad_shards_before_anything_starts(capsys, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    args = parser().parse_args(["discord", "--shards", "2", "--shard-ids", "0,2"])
    code = cli.main(
        Settings(),
        database=":memory:",
        shards=(args.shards, args.shard_ids),
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        "rapport: --shard-ids must be shard numbers from 0 to 1 (with --shards 2), separated"
        " by commas, like --shard-ids 0,1 (got '2').\n"
    )


async def test_the_client_runs_exactly_the_given_shards(discord_api: FakeDiscord):
    config = DiscordConfig(token=TOKEN, guild_ids=(GUILD_ID,), api_url=BASE)
    plain = make_client(config)
    assert type(plain) is RapportClient and not isinstance(plain, discord.AutoShardedClient)
    client = make_client(config, shards=Shards(4, (2, 3)))
    assert isinstance(client, discord.AutoShardedClient) and isinstance(client, RapportClient)
    assert (client.shard_count, client.shard_ids) == (4, [2, 3])
    launched: list[tuple[str, int]] = []

    async def launch_shard(gateway: Any, shard_id: int, *, initial: bool = False) -> None:
        launched.append((str(gateway), shard_id))

    client.launch_shard = launch_shard  # type: ignore[method-assign]
    try:
        await client.login(TOKEN)  # setup_hook: the gateway named by DISCORD_API_URL
        await client.launch_shards()
    finally:
        await client.close()
    assert launched == [(GATEWAY, 2), (GATEWAY, 3)]
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == GATEWAY


@pytest.fixture
async def halves(discord_api, database, settings, clock) -> AsyncIterator[tuple[Bot, Bot]]:
    """Two processes on one database, each running half of the bot's shards."""
    first = await Bot(discord_api, database, settings, clock).start(
        shards=Shards(SHARDS, (0,))
    )
    second = await Bot(discord_api, database, settings, clock).start(
        shards=Shards(SHARDS, (1,))
    )
    yield first, second
    await second.stop()
    await first.stop()


def receiver(bots: tuple[Bot, Bot], payload: dict[str, Any]) -> Bot:
    """The process whose shard Discord sends this interaction to."""
    gid = payload.get("guild_id")
    shard = shard_of(int(gid) if gid else None, SHARDS)
    [bot] = [b for b in bots if shard in b.client.shard_ids]  # type: ignore[attr-defined]
    return bot


async def test_a_referral_on_one_shard_dms_the_member_once_and_its_buttons_work_on_the_other(
    halves, discord_api, clock
):
    first, second = halves
    assert isinstance(first.client, ShardedRapportClient)
    guild_shard = shard_of(GUILD_ID, SHARDS)
    in_guild = second if guild_shard == 1 else first

    async def typed(by, *path: str, **values: Any) -> list[str]:
        payload = slash(by, *path, **values)
        bot = receiver(halves, payload)
        assert bot is in_guild
        await bot.send(payload)
        return [text(m) for m in discord_api.private_replies(payload)]

    [done] = await typed(ALICE, "rapport", "setup", name="Breakfast Club")
    assert "Breakfast Club is set up in this channel" in done
    for who, seat in ((ALICE, "Commercial insurance"), (BOB, "Residential plumbing")):
        [welcome] = await typed(who, "rapport", "join", classification=seat)
        assert welcome.startswith("Welcome to Breakfast Club!")

    jane = {"prospect": "Jane Roe", "email": "jane@roe.example", "heat": 4}
    discord_api.outage = True  # Discord is down as the referral is logged: the DM waits
    [logged] = await typed(ALICE, "referral", member=BOB, **jane)
    assert logged.startswith(f"Referral #1 to {BOB.mention} is logged: Jane Roe.")
    assert discord_api.dms_to(BOB.id) == []
    posts_before = len(discord_api.posts())
    discord_api.outage = False
    # Discord is back; both processes deliver what is due, at once: the DM goes out once
    clock.advance(minutes=5)
    await asyncio.gather(first.tick(), second.tick())  # each tick settles its deliveries
    # Bob's DM and the channel's note, each sent by one process only
    assert len(discord_api.posts()) == posts_before + 1
    [dm] = discord_api.dms_to(BOB.id)
    assert dm["embeds"][0]["title"] == "New referral from Alice"

    # Bob's click in his DM reaches shard 0, whichever process that is
    pressed = click(BOB, dm, "Contacted")
    assert receiver(halves, pressed) is first
    await first.send(pressed)
    [status] = await rows(second, "SELECT status FROM referrals WHERE id = 1")
    assert status == {"status": "contacted"}
    await first.tick()
    await second.tick()
    [progress] = discord_api.dms_to(ALICE.id)
    assert text(progress) == f"{BOB.mention} marked your referral for Jane Roe (#1) as contacted."
    assert len(discord_api.dms_to(BOB.id)) == 1
    assert discord_api.dms_to(CAROL.id) == []
