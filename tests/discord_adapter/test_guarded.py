"""What Discord must not be able to slip past Rapport: a button carried into another server, a
display name that looks like a ping echoed back, and a /rapport command that outgrows the
4,000 characters Discord allows one command."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord import wording
from adapters.discord.tree import RapportTree
from tests.discord_adapter.conftest import Bot, buttons, rows
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, Person, click, slash

OTHER_GUILD = "900000000000000777"


async def reminder_with_buttons(group: Bot, clock) -> dict[str, Any]:
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
    )
    clock.advance(hours=34)  # Tuesday 16:00 UTC: the evening reminder, with RSVP buttons
    await group.tick()
    [reminder] = [m for m in group.api.posts() if m["content"].startswith("📅 Reminder")]
    assert ("Attending", False) in buttons(reminder)
    return reminder


async def test_a_button_clicked_in_another_guild_is_refused(group: Bot, clock):
    reminder = await reminder_with_buttons(group, clock)
    pressed = click(CAROL, reminder, "Attending")
    # the same message's button, arriving from another server than the one it names
    pressed.update(guild_id=OTHER_GUILD, guild={"id": OTHER_GUILD, "locale": "en-US"})
    await group.send(pressed)

    [answer] = group.api.interaction(pressed).callbacks  # answered at once, only to Carol
    assert answer["type"] == 4 and answer["data"]["flags"] & 64
    assert answer["data"]["content"] == wording.OTHER_GUILD
    assert await rows(group, "SELECT rsvp FROM attendance") == []

    # in its own server, the same button answers as it should
    await group.send(click(CAROL, reminder, "Attending"))
    assert await rows(group, "SELECT rsvp FROM attendance") == [{"rsvp": "attending"}]


async def test_forget_echoes_a_name_that_looks_like_a_ping_as_plain_text(group: Bot):
    sly = Person(900000000000001009, "sly", "@everyone <@&900000000000000555>")
    group.api.users[sly.id] = sly.user
    await group.type(sly, "rapport", "join", classification="Locksmith")

    payload = await group.send(slash(ALICE, "rapport", "forget", member=sly))

    [reply] = group.api.private_replies(payload)
    content = reply["content"]
    assert content.endswith(
        "To go ahead, type /rapport forget @@\u200beveryone <@\u200b&900000000000000555> confirm"
    )
    # shown as the member's own text: no role chip, no live @everyone, and nothing may ping
    assert "@everyone" not in content and "<@&" not in content
    assert reply["allowed_mentions"]["parse"] == []


async def test_a_member_reads_another_members_whole_ask(group: Bot):
    ask = "homeowners planning a kitchen remodel " * 20
    await group.type(BOB, "rapport", "profile", "ask", text=ask.strip())

    [shown] = await group.type(CAROL, "rapport", "profile", "show", member=BOB)

    assert f"<@{BOB.id}> in Breakfast Club:" in shown
    assert ask.strip() in shown
    assert "Classification: Residential plumbing" in shown


def command_size(command: dict[str, Any]) -> int:
    """What Discord counts toward one command's 4,000 characters: the name, description and
    value properties of the command, its options (subcommands and groups included) and their
    choices; with localisations, the longest one of each (discord.com/developers/docs/
    interactions/application-commands, "Registering a Command": limits)."""

    def longest(key: str) -> int:
        values = [str(command.get(key) or "")]
        values += [str(v) for v in (command.get(f"{key}_localizations") or {}).values()]
        return max(len(v) for v in values)

    size = longest("name") + longest("description") + len(str(command.get("value") or ""))
    for choice in command.get("choices") or []:
        size += command_size(choice)
    for option in command.get("options") or []:
        size += command_size(option)
    return size


def test_every_command_keeps_room_under_discords_4000_characters():
    tree = RapportTree(discord.Client(intents=discord.Intents.default()))
    sizes = {c["name"]: command_size(c) for c in tree.payload()}
    # /rapport carries most subcommands: keep at least 400 characters free (a tenth of the
    # limit), room for one more subcommand group or longer localised wording
    assert sizes["rapport"] <= 3600, sizes
    assert all(size <= 3600 for size in sizes.values()), sizes
