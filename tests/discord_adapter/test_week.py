"""A group's whole week through the Discord adapter: Monday the admin sets the meeting, Alice
refers Jane to Bob, Bob answers with his DM's buttons and thanks Alice in the channel; Tuesday
evening the reminder goes out; Wednesday after the meeting, the recap. Everything goes through
real discord.py objects and the recording HTTP layer; time moves on the fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.discord_adapter.conftest import buttons, rows, text
from tests.discord_adapter.payloads import ALICE, BOB, click, slash

MEETING = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # Wednesday 07:00 in Johannesburg
UNIX = int(MEETING.timestamp())


async def test_a_week_of_the_breakfast_club(group, discord_api, clock):
    # Monday: the admin sets the weekly meeting; the channel hears, each in their own time
    [saved] = await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
        where="The Oaks, Main Road",
    )
    assert saved == "Saved; I've told the channel. /rapport meeting ics puts it in your calendar."
    assert discord_api.posts()[-1]["content"] == (
        "The weekly meeting is now Wednesdays at 07:00 (Africa/Johannesburg), The Oaks, Main"
        f" Road. Next: <t:{UNIX}:F> (<t:{UNIX}:R>)."
    )
    # …and the server's Events list shows it
    [event] = discord_api.events
    assert event["name"] == "Breakfast Club: weekly meeting"
    assert datetime.fromisoformat(event["scheduled_start_time"]) == MEETING
    assert event["entity_metadata"] == {"location": "The Oaks, Main Road"}

    # Alice refers Jane to Bob; Bob's DM has the details and the buttons
    await group.send(
        slash(
            ALICE,
            "referral",
            member=BOB,
            prospect="Jane Roe",
            email="jane@roe.example",
            need="a new geyser",
            heat=4,
        )
    )
    [referral_dm] = discord_api.dms_to(BOB.id)

    # Bob calls Jane and says so with a click; later that day the job is won
    clock.advance(hours=2)
    await group.send(click(BOB, referral_dm, "Contacted"))
    clock.advance(hours=5)
    referral_dm = discord_api.dms_to(BOB.id)[0]
    await group.send(click(BOB, referral_dm, "Won"))
    assert buttons(discord_api.dms_to(BOB.id)[0])[:3] == [
        ("✓ Contacted", True),
        ("Meeting booked", False),
        ("✓ Won", True),
    ]
    to_alice = [text(m) for m in discord_api.dms_to(ALICE.id)]
    assert to_alice == [
        f"{BOB.mention} marked your referral for Jane Roe (#1) as contacted.",
        f"{BOB.mention} marked your referral for Jane Roe (#1) as won. It became business:"
        " thank you for passing it on!",
    ]

    # Bob thanks Alice in the channel and records what the job was worth (kept private)
    [thanked] = await group.type(
        BOB, "thanks", member=ALICE, referral=1, amount="R18,500", note="a lovely client"
    )
    assert thanked.startswith(f"Your thanks to {ALICE.mention} is posted in the channel.")
    assert discord_api.posts()[-1]["content"] == (
        f"🙏 {BOB.mention} thanks {ALICE.mention} for a referral that became closed business."
        " “a lovely client”"
    )
    assert "18" not in discord_api.posts()[-1]["content"]

    # Tuesday 18:00 in Johannesburg: the evening-before reminder
    clock.set(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    await group.tick()
    reminder = discord_api.posts()[-1]
    assert reminder["content"].startswith(
        f"📅 Reminder: Breakfast Club meets <t:{UNIX}:F> (<t:{UNIX}:R>) at The Oaks, Main Road."
    )

    # Wednesday, two hours after the meeting started: the weekly recap, and next week's event
    clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=UTC))
    await group.tick()
    recap = discord_api.posts()[-1]["content"]
    assert recap.startswith("📊 This week at Breakfast Club: 1 referral, 0 leads, R18\u00a0500,00")
    assert f"Given by: {ALICE.mention} (1 referral). Thank you!" in recap
    [event] = discord_api.events
    assert datetime.fromisoformat(event["scheduled_start_time"]) == datetime(
        2026, 12, 9, 5, 0, tzinfo=UTC
    )

    # what the database holds at the end of the week
    [referral] = await rows(group, "SELECT status, amount_cents, thanked_at FROM referrals")
    assert referral["status"] == "won"
    assert referral["amount_cents"] == 1_850_000
    assert referral["thanked_at"] is not None
    assert await rows(group, "SELECT note FROM thanks") == [{"note": "a lovely client"}]
