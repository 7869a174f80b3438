"""Commands are uploaded only when their definitions changed (Discord allows 200 creations a
day per guild): guild-scoped for DISCORD_GUILD_IDS, global otherwise, never on every start."""

from __future__ import annotations

import json

import discord
import pytest

from adapters.discord.sync import GLOBAL, CommandSync, hash_path
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.fake_discord import APP_ID, GUILD_ID
from tests.discord_adapter.fake_http import FakeResponse as Response

PAYLOAD = [{"name": "referral", "description": "Pass a referral"}]
OTHER_GUILD = 900000000000000777


class Uploads:
    """A fake upload that records what would have gone to Discord."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.refuse: set[str] = set()

    async def __call__(self, scope: str, payload: list[dict[str, object]]) -> None:
        if scope in self.refuse:
            raise discord.Forbidden(
                Response(403, None), {"code": 50001, "message": "Missing Access"}
            )
        self.sent.append((scope, len(payload)))


@pytest.fixture
def uploads() -> Uploads:
    return Uploads()


async def test_unchanged_definitions_are_not_uploaded_again(tmp_path, uploads):
    path = tmp_path / "rapport.db.discord-commands.hash"
    first = CommandSync(path, uploads)
    assert await first.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]
    # a restart: a new process reads the stored hash
    again = CommandSync(path, uploads)
    assert await again.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
    assert uploads.sent == [(str(GUILD_ID), 1)]
    assert json.loads(path.read_text())["scopes"] == {f"{APP_ID}:{GUILD_ID}": "h1"}


async def test_changed_definitions_are_uploaded_to_every_guild(tmp_path, uploads):
    sync = CommandSync(tmp_path / "h", uploads)
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID, OTHER_GUILD])
    uploads.sent.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h2", [GUILD_ID, OTHER_GUILD]) == [
        str(GUILD_ID),
        str(OTHER_GUILD),
    ]


async def test_without_guilds_commands_go_global_and_old_guild_commands_are_emptied(
    tmp_path, uploads
):
    sync = CommandSync(tmp_path / "h", uploads)
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID])
    uploads.sent.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h1", []) == [GLOBAL, str(GUILD_ID)]
    assert uploads.sent == [(GLOBAL, 1), (str(GUILD_ID), 0)]  # no command shows twice


async def test_a_refused_upload_is_tried_again_on_the_next_start(tmp_path, uploads):
    sync = CommandSync(tmp_path / "h", uploads)
    uploads.refuse.add(str(GUILD_ID))
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == []
    uploads.refuse.clear()
    assert await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]


async def test_another_application_on_the_same_database_syncs_its_own_commands(tmp_path, uploads):
    sync = CommandSync(tmp_path / "h", uploads)
    await sync.run(APP_ID, PAYLOAD, "h1", [GUILD_ID])
    assert await sync.run(APP_ID + 1, PAYLOAD, "h1", [GUILD_ID]) == [str(GUILD_ID)]


def test_the_hash_lives_beside_the_database():
    assert str(hash_path("/var/lib/rapport/rapport.db")) == (
        "/var/lib/rapport/rapport.db.discord-commands.hash"
    )
    assert hash_path(":memory:") is None
    # a PostgreSQL database has no file beside it: no hash file named after its URL
    assert hash_path("postgresql://rapport@db.example/rapport") is None


async def test_the_real_client_uploads_its_commands_once(discord_api, tmp_path, settings, clock):
    bot = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start()
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
        "card",
        "keep-in-touch",
    ]
    referral = put.body[0]
    assert referral["contexts"] == [0]  # guild only: a group lives in a server
    member = referral["options"][0]
    assert (member["name"], member["type"], member["required"]) == ("member", 6, True)
    heat = next(o for o in referral["options"] if o["name"] == "heat")
    assert [c["value"] for c in heat["choices"]] == [1, 2, 3, 4, 5]

    again = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start()
    await again.stop()
    assert len(discord_api.commands_synced()) == 1


async def test_without_guild_ids_the_commands_are_global(discord_api, tmp_path, settings, clock):
    bot = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start(guild_ids=())
    await bot.stop()
    [put] = discord_api.commands_synced()
    assert put.path == f"/applications/{APP_ID}/commands"
