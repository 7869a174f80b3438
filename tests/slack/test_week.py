"""A group's whole week through the Slack adapter, against the fake Web API.

Monday: Alice sets up Breakfast Club in #breakfast-club, Bob and Carol join, Alice sets the
Wednesday 07:00 meeting and passes Bob a referral. Bob gets a DM with buttons and clicks
Contacted, then Won; Alice hears about each step; Bob thanks Alice from the prompt, and the
channel sees it. On Tuesday evening the scheduler's tick posts the meeting reminder, its time
as a Slack date token so each member reads it in their own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.scheduler import Scheduler
from tests.slack.conftest import ALICE, BOB, CAROL
from tests.slack.fake_slack import buttons
from tests.slack.test_commands import rows

# the fixture clock starts Monday 30 Nov 2026 06:00 UTC (08:00 in Johannesburg)
TUESDAY_1800_SAST = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
WEDNESDAY_0700_SAST = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)


async def test_a_week_of_breakfast_club_runs_through_slack(ws, fake, slack, clock):
    # Monday: the group comes together
    assert "is set up" in (await ws.type(ALICE, "/rapport setup Breakfast Club")).text
    for who, seat in (
        (ALICE, "Commercial insurance"),
        (BOB, "Residential plumbing"),
        (CAROL, "Roofing"),
    ):
        assert "Welcome to Breakfast Club!" in (await ws.type(who, f"/rapport join {seat}")).text
    await ws.type(ALICE, "/rapport meeting set wednesday 07:00 Africa/Johannesburg -- The Oaks")
    [announced] = fake.posts_in("C0GROUP")[-1:]
    assert "Next: Wed 2 Dec 07:00." in ws.seen(announced)
    unix = int(WEDNESDAY_0700_SAST.timestamp())
    assert f"<!date^{unix}^{{date_short_pretty}} {{time}}|Wed 2 Dec 07:00>" in announced["text"]

    # Alice passes Bob a referral; Bob's DM carries the details and the buttons
    logged = await ws.type(
        ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- needs a new geyser heat:4"
    )
    assert "Referral #1 to @Bob is logged: Jane Roe." in logged.text
    [dm] = ws.dms(BOB)
    assert "@Alice passed you a referral: Jane Roe." in ws.seen(dm)
    assert [a for _, a in buttons(dm)] == [
        "ref:1:contacted",
        "ref:1:meeting",
        "ref:1:won",
        "ref:1:lost",
        "ref:1:snooze:1d",
    ]

    # Bob calls Jane and clicks Contacted; an hour later, Won
    await ws.click(BOB, dm, "ref:1:contacted")
    clock.advance(hours=1)
    await ws.click(BOB, ws.dms(BOB)[0], "ref:1:won")
    assert ws.dm_texts(ALICE) == [
        "@Bob marked your referral for Jane Roe (#1) as contacted.",
        "@Bob marked your referral for Jane Roe (#1) as won. It became business: thank you"
        " for passing it on!",
    ]
    [referral_dm, prompt] = ws.dms(BOB)
    assert "✓ #1 is now won." in ws.seen(referral_dm)

    # Bob thanks Alice from the prompt's button; the channel sees it
    await ws.click(BOB, prompt, "thank:1")
    assert ws.channel_texts()[-1] == "🙏 @Bob thanks @Alice for a referral."
    assert await rows(slack, "SELECT status, thanked_at IS NOT NULL AS thanked FROM referrals") == [
        {"status": "won", "thanked": 1}
    ]

    # Tuesday 18:00 in Johannesburg: the scheduler's tick posts the evening-before reminder
    before = len(fake.posts_in("C0GROUP"))
    clock.set(TUESDAY_1800_SAST)
    await Scheduler(slack.core, clock).tick()
    await slack.core.settle()  # the tick woke the dispatcher; what it queued has gone out
    [reminder] = [m for m in fake.posts_in("C0GROUP")[before:] if "Reminder" in ws.seen(m)]
    assert f"<!date^{unix}^{{date_short_pretty}} {{time}}|Wed 2 Dec 07:00>" in reminder["text"]
    seen = ws.seen(reminder)
    assert seen.startswith("📅 Reminder: Breakfast Club meets Wed 2 Dec 07:00 at The Oaks.")
    assert "The last 7 days: 1 referral, 0 leads" in seen

    # everything the week sent went through the Web API the adapter was pointed at
    assert {c.method for c in fake.calls} <= {
        "auth.test",
        "users.info",
        "conversations.open",
        "chat.postMessage",
        "views.publish",  # the members' Home tabs, kept current
        "response_url",
    }
