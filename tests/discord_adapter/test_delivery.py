"""Delivery failures sorted for the outbox (a channel the bot may not post in is the admin's to
fix; a Discord outage is retried), typed mentions resolved, and the meeting's server event
kept up to date without ever stopping the group when Discord refuses it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from adapters.discord.messenger import DiscordResolver
from bot.model import ChannelRef
from bot.out import OutMessage
from bot.ports import DeliveryError, NeedsAdmin
from bot.text import lit
from tests.discord_adapter.conftest import rows, text
from tests.discord_adapter.fake_discord import CHANNEL_ID, GUILD_ID
from tests.discord_adapter.payloads import ALICE, BOB, CAROL

GENERAL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID), "#general")


async def test_a_channel_without_permission_tells_the_admin_how_to_fix_it(group, discord_api):
    discord_api.forbidden_channels.add(CHANNEL_ID)

    [done] = await group.type(CAROL, "rapport", "join", classification="Roof repairs")

    assert done.startswith("You moved from Roofing to the Roof repairs seat")
    [to_admin] = discord_api.dms_to(ALICE.id)
    assert text(to_admin) == (
        "I couldn't post in Breakfast Club's channel #general: give Rapport the View Channel,"
        " Send Messages, Embed Links and Read Message History permissions there (Edit Channel"
        " → Permissions). I'll keep trying for a while."
    )
    [row] = await rows(
        group,
        "SELECT state, attempts FROM outbox WHERE target LIKE '%post%' ORDER BY id DESC LIMIT 1",
    )
    assert row == {"state": "pending", "attempts": 1}  # retried once someone fixes it


async def test_the_messenger_raises_what_the_outbox_needs(bot, discord_api):
    messenger = bot.app.core.outbox.messenger
    discord_api.forbidden_channels.add(CHANNEL_ID)
    with pytest.raises(NeedsAdmin):
        await messenger.post(GENERAL, OutMessage(text=lit("hello")))
    discord_api.forbidden_channels.clear()
    discord_api.outage = True
    with pytest.raises(DeliveryError, match=r"^Discord 503/0"):
        await messenger.post(GENERAL, OutMessage(text=lit("hello")))


async def test_a_typed_mention_resolves_to_the_member(bot):
    resolver = DiscordResolver(bot.client)
    bob = await resolver.resolve(f"<@{BOB.id}>", str(GUILD_ID))
    assert bob is not None and (bob.user_id, bob.display_name) == (str(BOB.id), "Bob")
    assert await resolver.resolve(f"<@!{BOB.id}>", str(GUILD_ID)) == bob
    assert await resolver.resolve("<@900000000000004444>", str(GUILD_ID)) is None  # not a member
    assert await resolver.resolve("@bob", str(GUILD_ID)) is None  # Discord sends ids, not names


async def test_the_meeting_event_moves_with_the_meeting(group, discord_api):
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
    )
    await group.type(ALICE, "rapport", "meeting", "set", weekday="thursday", time="07:30")
    [event] = discord_api.events
    assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(
        2026, 12, 3, 5, 30, tzinfo=UTC
    )
    assert datetime.fromisoformat(event["scheduled_end_time"]) == datetime(
        2026, 12, 3, 7, 0, tzinfo=UTC
    )
    assert event["entity_metadata"] == {"location": "#general"}
    assert [c.method for c in discord_api.calls if "scheduled-events" in c.path] == [
        "GET",
        "POST",
        "GET",
        "PATCH",
    ]

    [skipped] = await group.type(ALICE, "rapport", "meeting", "skip", date="2026-12-03")
    assert skipped == "Skipped 2026-12-03; I've told the channel."
    assert datetime.fromisoformat(discord_api.events[0]["scheduled_start_time"]) == datetime(
        2026, 12, 10, 5, 30, tzinfo=UTC
    )


async def test_without_the_events_permission_the_meeting_is_still_set(group, discord_api, caplog):
    caplog.set_level(logging.INFO, logger="adapters.discord.events")
    discord_api.events_forbidden = True
    [saved] = await group.type(
        ALICE, "rapport", "meeting", "set", weekday="wednesday", time="07:00"
    )
    assert saved == "Saved; I've told the channel. /rapport meeting ics puts it in your calendar."
    assert discord_api.posts()[-1]["content"].startswith("The weekly meeting is now Wednesdays")
    assert discord_api.events == []
    assert "no Create Events permission" in caplog.text


async def test_once_the_meeting_is_held_its_event_moves_to_next_week(group, discord_api, clock):
    await group.type(
        ALICE, "rapport", "meeting", "set", weekday="wednesday", time="07:00", timezone="UTC"
    )
    assert datetime.fromisoformat(discord_api.events[0]["scheduled_start_time"]) == datetime(
        2026, 12, 2, 7, 0, tzinfo=UTC
    )
    held = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the recap, two hours after it starts
    while (due := await group.app.core.next_due()) is not None and due <= held:
        clock.set(max(due, clock.now()))
        await group.tick()
    [event] = discord_api.events
    assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(
        2026, 12, 9, 7, 0, tzinfo=UTC
    )
