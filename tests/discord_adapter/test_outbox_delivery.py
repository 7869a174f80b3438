"""The outbox through the real discord.py client and the fake Discord: a DM whose answer was
lost on the way back is not posted twice (the delivery key is Discord's nonce), a payload
Discord refuses (400, 50035 Invalid Form Body) is tried once, never again, and the group's
admin is told once which message could not be delivered and why, and a message Discord takes
as several that fails part-way is resumed where it stopped, by this process or the next."""

from __future__ import annotations

from adapters.discord import render
from bot.model import ChannelRef
from bot.out import OutMessage
from bot.text import listing, lit
from tests.discord_adapter.conftest import Bot, rows, text
from tests.discord_adapter.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.discord_adapter.payloads import ALICE, BOB, CAROL
from tests.fakes import FakeClock


def creates(api: FakeDiscord, channel: int) -> list[dict]:
    return [
        c.body
        for c in api.calls
        if c.method == "POST" and c.path == f"/channels/{channel}/messages"
    ]


async def test_a_dm_whose_answer_was_lost_is_not_posted_twice(
    group: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    discord_api.lost_dm_answers = 1  # the connection drops after Discord stored Bob's DM
    [answer] = await group.type(
        ALICE, "referral", member=BOB, prospect="Jane Roe", email="jane@roe.example"
    )
    assert answer.startswith("Referral #1 to")
    [row] = await rows(group, "SELECT state, attempts FROM outbox WHERE target LIKE '%\"dm\"%'")
    assert row == {"state": "pending", "attempts": 1}  # no answer: the outbox tries again

    clock.advance(minutes=1)
    await group.tick()

    [dm] = discord_api.dms_to(BOB.id)  # once, though it was sent twice
    assert "Jane Roe" in text(dm)
    sent = creates(discord_api, discord_api.dm_channels[BOB.id])
    assert len(sent) == 2
    assert {(b["nonce"], b["enforce_nonce"]) for b in sent} == {
        ("outbox-5-0", True)
    }  # the first (only) part

    [row] = await rows(group, "SELECT id, state, attempts FROM outbox WHERE target LIKE '%\"dm\"%'")
    assert row == {"id": 5, "state": "sent", "attempts": 2}


async def test_a_post_discord_refuses_is_tried_once_and_the_admin_told_once(
    group: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    before = len(creates(discord_api, CHANNEL_ID))
    discord_api.invalid_form.add(CHANNEL_ID)

    [moved] = await group.type(CAROL, "rapport", "join", classification="Roof repairs")

    assert moved.startswith("You moved from Roofing to the Roof repairs seat")
    [told] = discord_api.dms_to(ALICE.id)
    # Discord's own words are echoed as text, never as markdown (Discord shows "\_" as "_")
    assert text(told) == (
        "I couldn't deliver a message for Breakfast Club in #general: Discord refused the"
        " message (400/50035: Invalid Form Body; In allowed\\_mentions.users: Must be 100 or"
        " fewer in length.). It would be refused the same way again, so I won't retry it."
        " Please pass this on to whoever runs Rapport for your group."
    )
    for _ in range(4):  # hours pass: it is never tried again, the admin never told again
        clock.advance(hours=1)
        await group.tick()
    assert len(creates(discord_api, CHANNEL_ID)) == before + 1
    assert len(discord_api.dms_to(ALICE.id)) == 1
    [row] = await rows(group, "SELECT state, attempts, last_error FROM outbox WHERE id = 5")
    assert row == {
        "state": "failed",
        "attempts": 1,
        "last_error": "refused: Discord refused the message (400/50035: Invalid Form Body;"
        " In allowed_mentions.users: Must be 100 or fewer in length.)",
    }


# --- one long message, several Discord messages ----------------------------------------------
GENERAL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID), "#general")
ROLL_CALL = OutMessage(
    lit("Everyone:\n") + listing([lit(f"member number {i} " * 20) for i in range(60)], sep="\n"),
    kind="notice",
)


async def queue_roll_call(bot: Bot, clock: FakeClock) -> int:
    """The long message in the outbox; returns how many Discord messages it takes."""
    async with bot.app.repo.transaction() as tx:
        row = await tx.outbox.add(None, GENERAL, ROLL_CALL, int(clock.now().timestamp()))
    assert row == 1
    parts = len(render.outgoing(ROLL_CALL, str(GUILD_ID)))
    assert parts >= 3
    return parts


def nonces(api: FakeDiscord) -> list[str]:
    """The nonce of every message create Discord answered, in order."""
    return [
        b["nonce"]
        for c in api.calls
        if c.method == "POST" and c.path == f"/channels/{CHANNEL_ID}/messages" and c.status == 200
        for b in [c.body]
    ]


async def test_a_long_post_that_fails_on_its_second_part_is_resumed_from_it_by_the_outbox(
    bot: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    parts = await queue_roll_call(bot, clock)
    discord_api.outage_after = 1  # the first part goes; then Discord answers 503

    await bot.tick()
    assert len(discord_api.posts()) == 1
    discord_api.outage_after, discord_api.outage = None, False
    clock.advance(seconds=30)  # the first retry's backoff
    await bot.tick()

    assert nonces(discord_api) == [f"outbox-1-{i}" for i in range(parts)]  # each asked once
    assert len(discord_api.posts()) == parts
    assert await rows(bot, "SELECT state, attempts, parts_sent FROM outbox") == [
        {"state": "sent", "attempts": 2, "parts_sent": parts}
    ]


async def test_the_next_process_sends_only_the_parts_discord_has_not_taken(
    bot: Bot, discord_api: FakeDiscord, clock: FakeClock
) -> None:
    """The first part went, the second failed; the process stops before its retry. The next
    one, with no memory of the first's, starts from the second part: the first is not asked
    for again (Discord's nonce would forget it after a few minutes)."""
    parts = await queue_roll_call(bot, clock)
    discord_api.outage_after = 1
    await bot.tick()
    await bot.stop()
    discord_api.outage_after, discord_api.outage = None, False

    clock.advance(minutes=10)
    await bot.start()
    await bot.tick()

    assert nonces(discord_api) == [f"outbox-1-{i}" for i in range(parts)]
    assert len(discord_api.posts()) == parts
