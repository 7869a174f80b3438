"""Commands are uploaded only when their definitions changed (Discord allows 200 creations a
day per guild): guild-scoped for DISCORD_GUILD_IDS, global otherwise, never on every start.
What was uploaded is kept in the database, on SQLite and on PostgreSQL alike, so a restart,
another shard's process or another worker sharing it does not upload again."""

from __future__ import annotations

import asyncio

import discord
import pytest

from adapters.discord.sync import CLAIM_LIFETIME, GLOBAL, CommandSync, DatabaseScopes
from storage.databases import open_repository
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.fake_discord import APP_ID, GUILD_ID
from tests.discord_adapter.fake_http import FakeResponse as Response
from tests.fakes import FakeClock

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

PAYLOAD = [{"name": "referral", "description": "Pass a referral"}]
OTHER_GUILD = 900000000000000777


class Uploads:
    """A fake upload that records what would have gone to Discord; `hold` keeps an upload
    waiting until it is set, as a slow Discord would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.refuse: set[str] = set()
        self.hold: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self, scope: str, payload: list[dict[str, object]]) -> None:
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        if scope in self.refuse:
            raise discord.Forbidden(
                Response(403, None), {"code": 50001, "message": "Missing Access"}
            )
        self.sent.append((scope, len(payload)))


@pytest.fixture
def uploads() -> Uploads:
    return Uploads()


@pytest.fixture
def sync(repo, clock, uploads) -> CommandSync:
    return CommandSync(DatabaseScopes(repo, clock), uploads)


async def test_unchanged_definitions_are_not_uploaded_again(database, clock, uploads):
    first = await open_repository(database)
    try:
        sync = CommandSync(DatabaseScopes(first, clock), uploads)
        assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]
    finally:
        await first.close()
    # a restart: a new process reads what was uploaded from the database
    again = await open_repository(database)
    try:
        sync = CommandSync(DatabaseScopes(again, clock), uploads)
        assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
        kept = await again.atomic(lambda tx: tx.discord_commands.synced(f"{APP_ID}:"))
    finally:
        await again.close()
    assert uploads.sent == [(str(GUILD_ID), 1)]
    assert kept == {f"{APP_ID}:{GUILD_ID}": "h1"}


async def test_two_processes_starting_together_upload_once(database, clock, uploads):
    """The first to claim the upload makes it; the other, finding it claimed, leaves it."""
    one, two = await open_repository(database), await open_repository(database)
    try:
        uploads.hold = asyncio.Event()
        first = asyncio.create_task(
            CommandSync(DatabaseScopes(one, clock), uploads).run(APP_ID, PAYLOAD, "h1", [GUILD_ID])
        )
        await asyncio.wait_for(uploads.started.wait(), 30)  # the first is uploading now
        second = CommandSync(DatabaseScopes(two, clock), uploads)
        assert await second.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
        uploads.hold.set()
        assert await asyncio.wait_for(first, 30) == [str(GUILD_ID)]
        assert uploads.sent == [(str(GUILD_ID), 1)]
        # and afterwards neither uploads again
        assert await second.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
    finally:
        await one.close()
        await two.close()


async def test_both_claiming_at_the_same_instant_upload_once(database, clock, uploads):
    repos = [await open_repository(database) for _ in range(4)]
    try:
        syncs = [CommandSync(DatabaseScopes(r, clock), uploads) for r in repos]
        done = await asyncio.gather(*(s.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) for s in syncs))
        assert sorted(done) == [[], [], [], [str(GUILD_ID)]]
        assert uploads.sent == [(str(GUILD_ID), 1)]
    finally:
        for r in repos:
            await r.close()


async def test_a_process_that_died_mid_upload_is_taken_over_after_five_minutes(
    repo, clock: FakeClock, uploads
):
    dead = DatabaseScopes(repo, clock)
    assert await dead.claim(f"{APP_ID}:{GUILD_ID}", "h1")  # and then it was killed
    sync = CommandSync(DatabaseScopes(repo, clock), uploads)
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
    clock.advance(seconds=CLAIM_LIFETIME + 1)
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]


async def test_changed_definitions_are_uploaded_to_every_guild(sync, uploads):
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID, OTHER_GUILD])
    uploads.sent.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h2", [GUILD_ID, OTHER_GUILD]) == [
        str(GUILD_ID),
        str(OTHER_GUILD),
    ]


async def test_without_guilds_commands_go_global_and_old_guild_commands_are_emptied(sync, uploads):
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID])
    uploads.sent.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h1", []) == [GLOBAL, str(GUILD_ID)]
    assert uploads.sent == [(GLOBAL, 1), (str(GUILD_ID), 0)]  # no command shows twice
    uploads.sent.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h1", []) == []  # the emptied guild is forgotten


async def test_a_refused_upload_is_tried_again_on_the_next_start(sync, uploads):
    uploads.refuse.add(str(GUILD_ID))
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
    uploads.refuse.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]


async def test_another_application_on_the_same_database_syncs_its_own_commands(sync, uploads):
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID])
    assert await sync.run(APP_ID + 1, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]


async def test_the_real_client_uploads_its_commands_once(discord_api, database, settings, clock):
    bot = await Bot(discord_api, database, settings, clock).start()
    await bot.stop()
    [put] = discord_api.commands_synced()
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert [c["name"] for c in put.body] == [
        "referral",
        "lead",
        "referrals",
        "thanks",
        "onetoone",
        "rapport",
        "leadership",
    ]
    referral = put.body[0]
    assert referral["contexts"] == [0]  # guild only: a group lives in a server
    member = referral["options"][0]
    assert (member["name"], member["type"], member["required"]) == ("member", 6, True)
    heat = next(o for o in referral["options"] if o["name"] == "heat")
    assert [c["value"] for c in heat["choices"]] == [1, 2, 3, 4, 5]

    again = await Bot(discord_api, database, settings, clock).start()
    await again.stop()
    assert len(discord_api.commands_synced()) == 1  # the second start, on either database


async def test_without_guild_ids_the_commands_are_global(discord_api, tmp_path, settings, clock):
    bot = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start(guild_ids=())
    await bot.stop()
    [put] = discord_api.commands_synced()
    assert put.path == f"/applications/{APP_ID}/commands"
