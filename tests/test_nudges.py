"""The scheduled half of the referral loop, told as the group's weeks.

Alice passes Bob a referral; Rapport nudges Bob to follow up (sooner the hotter it is), again
every 48 hours, three times at most, then tells Alice privately that contact isn't confirmed.
Contact, a lost sale, a snooze, quiet hours, turning DMs off, leaving the group and the
process being down all change what comes and when. Progress and thank-you nudges follow
later stages.

Time only moves through `Week.until`, which steps the fake clock through every instant
`Core.next_due()` names (as the console does) and records the instant each message went
out. Every assertion is about what someone sees (text, recipient, instant) or what the
database holds.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.model import ChannelRef, Status, UserRef
from tests.fakes import Sent, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

SAST = ZoneInfo("Africa/Johannesburg")  # the group's zone
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")

# The fixture clock starts at Mon 30 Nov 2026 08:00 in Johannesburg.
MON_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=SAST)

FOLLOW_UP = "nudge.follow_up"
NOT_CONTACTED = "nudge.not_contacted"
PROGRESS = "nudge.progress"
THANK = "nudge.thank"
NUDGES = (FOLLOW_UP, NOT_CONTACTED, PROGRESS, THANK)

HEAT_HOURS = {5: 4, 4: 24, 3: 48, 2: 72, 1: 168}


def jane(heat: int = 5, to: str = "bob") -> str:
    return f"/referral @{to} Jane Roe jane@roe.example -- a burst geyser heat:{heat}"


def sast(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SAST)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


class Week:
    """Types commands as members at the clock's current instant and moves time forward the
    way the console does, running due work at each instant it falls due."""

    def __init__(self, chat, core, clock, messenger) -> None:
        self.chat = chat
        self.core = core
        self.clock = clock
        self.messenger = messenger
        self.stamps: list[datetime] = []  # parallel to messenger.sent
        self._stamp()

    def _stamp(self) -> None:
        while len(self.stamps) < len(self.messenger.sent):
            self.stamps.append(self.clock.now())

    async def say(self, handle: str, line: str) -> str:
        self._stamp()
        out = await self.chat(handle, line)
        self._stamp()
        return out

    async def click(self, handle: str, action_id: str) -> str:
        self._stamp()
        out = await self.chat.click(handle, action_id)
        self._stamp()
        return out

    async def run_due(self) -> int:
        self._stamp()
        n = await self.core.run_due(self.clock.now())
        self._stamp()
        return n

    async def until(self, target: datetime) -> None:
        """Move the clock to `target`, running every piece of due work at its own instant."""
        assert target >= self.clock.now(), "the clock only moves forward"
        self._stamp()
        while True:
            due = await self.core.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.run_due()
            after = await self.core.next_due()
            assert after is None or after > due, f"due work at {due} did not move"
        self.clock.set(target)
        await self.run_due()

    async def advance(self, **delta: float) -> None:
        await self.until(self.clock.now() + timedelta(**delta))

    def _all(self) -> list[tuple[datetime, Sent]]:
        self._stamp()
        return list(zip(self.stamps, self.messenger.sent, strict=True))

    def dms(self, handle: str, *kinds: str) -> list[tuple[datetime, Sent]]:
        """(instant, message) for each DM `handle` got, optionally of these kinds only."""
        return [
            (at, s)
            for at, s in self._all()
            if isinstance(s.to, UserRef)
            and s.to.user_id == handle
            and (not kinds or s.message.kind in kinds)
        ]

    def nudges(self, handle: str) -> list[tuple[datetime, Sent]]:
        return self.dms(handle, *NUDGES)

    def posts(self) -> list[tuple[datetime, Sent]]:
        return [(at, s) for at, s in self._all() if isinstance(s.to, ChannelRef)]


@pytest.fixture
def week(group, core, clock, messenger) -> Week:
    return Week(group, core, clock, messenger)


@pytest.fixture(autouse=True)
def no_swallowed_errors(caplog):
    """run_due logs and swallows a failing piece of work; here that fails the test."""
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def instants(items: list[tuple[datetime, Sent]]) -> list[datetime]:
    return [at for at, _ in items]


def kinds(items: list[tuple[datetime, Sent]]) -> list[str]:
    return [s.message.kind for _, s in items]


async def pending_work(core) -> list[tuple[str, int, str]]:
    """What the database still has planned for the group: (kind, referral id, due local)."""
    async with core.repo.transaction() as tx:
        g = await tx.groups.by_channel(channel())
        rows = await tx._all(
            "SELECT kind, target_id, due_at FROM due_work WHERE group_id = ?"
            " AND state = 'pending' ORDER BY due_at, id",
            (g.id,),
        )
    return [
        (kind, target, datetime.fromtimestamp(at, UTC).astimezone(SAST).strftime("%a %d %H:%M"))
        for kind, target, at in rows
        if kind in NUDGES  # the referral nudges only
    ]


async def referral(core, rid):
    async with core.repo.transaction() as tx:
        return await tx.referrals.get(rid)


# --- the first follow-up, by heat -------------------------------------------------------------
@pytest.mark.parametrize("heat", [5, 4, 3, 2, 1])
async def test_bobs_first_follow_up_comes_sooner_the_hotter_the_referral(week, heat):
    assert "Referral #1 to @bob is logged" in await week.say("alice", jane(heat))
    due = MON_0800 + hours(HEAT_HOURS[heat])

    await week.until(due - timedelta(minutes=1))
    assert week.nudges("bob") == []

    await week.until(due)
    [(at, nudge)] = week.nudges("bob")
    assert at == due
    assert nudge.text.startswith(
        "Follow up now: @alice's referral Jane Roe (#1) is still waiting for your call."
        " @alice put their name on the line for you."
    )
    assert "Reminder" not in nudge.text
    assert "Prospect: Jane Roe" in nudge.text
    assert "Email: jane@roe.example" in nudge.text
    assert "Need: a burst geyser" in nudge.text
    assert f"Heat: {heat}/5" in nudge.text
    assert [a.action_id for a in nudge.message.actions] == [
        "ref:1:contacted",
        "ref:1:meeting",
        "ref:1:won",
        "ref:1:lost",
        "ref:1:snooze:1d",
    ]
    assert [a.label for a in nudge.message.actions] == [
        "Contacted",
        "Meeting booked",
        "Won",
        "No sale",
        "Snooze 1 day",
    ]
    assert week.nudges("alice") == [] and week.nudges("carol") == []


@pytest.mark.parametrize("heat", [5, 4, 3, 2, 1])
async def test_three_follow_ups_48_hours_apart_then_alice_is_told_privately(week, heat):
    await week.say("alice", jane(heat))
    first = MON_0800 + hours(HEAT_HOURS[heat])

    await week.until(first + timedelta(days=30))

    follow_ups = week.dms("bob", FOLLOW_UP)
    assert instants(follow_ups) == [first, first + hours(48), first + hours(96)]
    assert "Reminder" not in follow_ups[0][1].text
    assert "(Reminder 2 of 3.)" in follow_ups[1][1].text
    assert "(Reminder 3 of 3.)" in follow_ups[2][1].text
    [(at, notice)] = week.dms("alice", NOT_CONTACTED)
    assert at == first + hours(144)
    days = (HEAT_HOURS[heat] + 144) // 24
    assert notice.text == (
        f"Just so you know: @bob hasn't confirmed contacting Jane Roe (#1) yet, {days} days"
        " after your referral. I've reminded them; you may want to check in with @bob or"
        " Jane Roe."
    )
    # nothing else was ever scheduled or sent about it, to anyone
    assert kinds(week.nudges("bob")) == [FOLLOW_UP] * 3
    assert kinds(week.nudges("alice")) == [NOT_CONTACTED]
    assert week.nudges("carol") == []
    assert await pending_work(week.core) == []


async def test_the_week_bob_never_calls_jane(week, core):
    """Heat 5 on Monday morning: nudges Mon, Wed and Fri at noon; Alice hears on Sunday."""
    await week.say("alice", jane(5))
    await week.until(sast(7, 12, month=12) + timedelta(days=14))

    assert [(at.astimezone(SAST), s.message.kind) for at, s in week.nudges("bob")] == [
        (sast(30, 12), FOLLOW_UP),
        (sast(2, 12, month=12), FOLLOW_UP),
        (sast(4, 12, month=12), FOLLOW_UP),
    ]
    assert instants(week.dms("alice", NOT_CONTACTED)) == [sast(6, 12, month=12)]
    assert "6 days after your referral" in week.dms("alice", NOT_CONTACTED)[0][1].text
    # the channel only ever saw the referral being passed, never a word about the chase
    assert [s.text for _, s in week.posts()] == ["@alice passed a referral to @bob."]
    assert (await referral(core, 1)).status is Status.OPEN


# --- contact cancels the chase --------------------------------------------------------------
@pytest.mark.parametrize(
    ("how", "what"),
    [
        ("say", "/referrals update 1 contacted -- called her, quoting Friday"),
        ("click", "ref:1:contacted"),
        ("say", "/referrals update 1 lost -- she fixed it herself"),
        ("click", "ref:1:lost"),
        ("click", "ref:1:meeting"),
    ],
)
async def test_bob_moving_the_referral_on_stops_the_follow_ups(week, core, how, what):
    await week.say("alice", jane(5))
    await week.until(sast(30, 12))
    assert len(week.dms("bob", FOLLOW_UP)) == 1

    await week.until(sast(30, 13))
    reply = await (week.say if how == "say" else week.click)("bob", what)
    assert reply.startswith("#1 is now ")
    assert "I've let @alice know" in reply
    # the chase is called off there and then, not merely skipped when it falls due
    assert all(kind not in (FOLLOW_UP, NOT_CONTACTED) for kind, *_ in await pending_work(core))

    await week.advance(days=30)
    assert instants(week.dms("bob", FOLLOW_UP)) == [sast(30, 12)]
    assert week.dms("alice", NOT_CONTACTED) == []


async def test_contact_confirmed_before_the_first_nudge_means_no_nudge_at_all(week):
    await week.say("alice", jane(4))
    await week.until(sast(30, 17))
    await week.click("bob", "ref:1:contacted")
    await week.advance(days=10)
    assert week.dms("bob", FOLLOW_UP) == []
    assert week.dms("alice", NOT_CONTACTED) == []


async def test_contact_confirmed_after_the_last_reminder_means_alice_is_never_told(week):
    await week.say("alice", jane(5))
    await week.until(sast(4, 12, month=12))
    assert len(week.dms("bob", FOLLOW_UP)) == 3

    await week.until(sast(6, 11, 59, month=12))  # a minute before Alice would hear
    await week.say("bob", "/referrals update 1 contacted -- finally reached her")
    await week.advance(days=14)
    assert week.dms("alice", NOT_CONTACTED) == []
    [(_, told)] = week.dms("alice", "referral.progress")
    assert "@bob marked your referral for Jane Roe (#1) as contacted." in told.text


# --- leads are never chased -----------------------------------------------------------------
async def test_leads_and_referrals_without_contact_details_are_never_chased(week, core):
    assert "Lead #1 to @bob is logged" in await week.say(
        "alice", "/lead @bob Harbour View Body Corporate -- their roof leaks"
    )
    assert "Recorded as lead #2" in await week.say(
        "carol", "/referral @bob Sam Smith -- needs a plumber heat:5"
    )
    assert await pending_work(core) == []

    await week.advance(days=30)
    assert kinds(week.dms("bob")) == ["lead.received", "lead.received"]
    assert week.nudges("alice") == [] and week.nudges("carol") == []


# --- snooze ---------------------------------------------------------------------------------
async def test_bob_snoozes_a_day_before_the_first_nudge(week):
    await week.say("alice", jane(5))
    await week.until(sast(30, 10))
    assert (
        await week.say("bob", "/referrals snooze 1 1d")
        == "Snoozed: no reminders about #1 before Tue 1 Dec 10:00."
    )

    await week.advance(days=3)
    assert instants(week.dms("bob", FOLLOW_UP))[:2] == [
        sast(1, 10, month=12),
        sast(3, 10, month=12),
    ]
    assert "(Reminder 2 of 3.)" in week.dms("bob", FOLLOW_UP)[1][1].text


async def test_the_snooze_button_works_like_typing_it(week):
    await week.say("alice", jane(5))
    await week.until(sast(30, 9))
    reply = await week.click("bob", "ref:1:snooze:1d")
    assert reply == "Snoozed: no reminders about #1 before Tue 1 Dec 09:00."
    await week.advance(days=2)
    assert instants(week.dms("bob", FOLLOW_UP)) == [sast(1, 9, month=12)]


async def test_a_snooze_after_a_nudge_postpones_the_next_one(week):
    await week.say("alice", jane(5))
    await week.until(sast(30, 13))
    assert instants(week.dms("bob", FOLLOW_UP)) == [sast(30, 12)]

    assert "before Thu 3 Dec 13:00" in await week.say("bob", "/referrals snooze 1 3d")
    await week.until(sast(3, 12, 59, month=12))
    assert len(week.dms("bob", FOLLOW_UP)) == 1
    await week.until(sast(3, 13, month=12))
    assert instants(week.dms("bob", FOLLOW_UP)) == [sast(30, 12), sast(3, 13, month=12)]


async def test_a_snooze_never_brings_a_nudge_forward(week):
    """Heat 1 is chased after a week; snoozing a day must not make it sooner."""
    await week.say("alice", jane(1))
    await week.until(sast(30, 9))
    assert "Snoozed" in await week.say("bob", "/referrals snooze 1 1d")
    await week.advance(days=10)
    assert instants(week.dms("bob", FOLLOW_UP))[0] == sast(7, 8, month=12)


async def test_only_bob_can_snooze_his_referral(week):
    await week.say("alice", jane(5))
    await week.until(sast(30, 10))
    assert await week.say("alice", "/referrals snooze 1 1d") == (
        "Only @bob, who received #1, can update it."
    )
    assert await week.click("alice", "ref:1:snooze:1d") == (
        "Only @bob, who received #1, can update it."
    )
    assert await week.say("carol", "/referrals snooze 1 1d") == (
        "There is no referral #1 of yours. /referrals lists yours with their ids."
    )
    await week.until(sast(30, 12))
    assert instants(week.dms("bob", FOLLOW_UP)) == [sast(30, 12)]


async def test_snoozing_with_nothing_scheduled_says_so(week):
    await week.say("alice", "/lead @bob Harbour View Body Corporate -- their roof leaks")
    await week.say("alice", jane(5))
    nothing = "Nothing is scheduled about #{} right now, so there is nothing to snooze."
    assert await week.say("bob", "/referrals snooze 1 1d") == nothing.format(1)

    await week.say("bob", "/referrals update 2 lost -- went with her cousin")
    assert await week.click("bob", "ref:2:snooze:1d") == nothing.format(2)


async def test_nothing_to_snooze_once_alice_has_been_told(week):
    await week.say("alice", jane(5))
    await week.until(sast(6, 12, month=12))
    assert len(week.dms("alice", NOT_CONTACTED)) == 1
    assert "nothing to snooze" in await week.say("bob", "/referrals snooze 1 1w")


# --- quiet hours ----------------------------------------------------------------------------
async def test_a_nudge_due_in_the_groups_night_waits_for_seven_in_the_morning(week):
    await week.until(sast(30, 18))
    await week.say("alice", jane(5))  # due at 22:00, inside the default 21:00-07:00
    await week.advance(days=3)
    assert instants(week.dms("bob", FOLLOW_UP))[:2] == [
        sast(1, 7, month=12),
        sast(3, 7, month=12),
    ]


async def test_bob_in_tokyo_is_nudged_at_seven_tokyo_time(week, core):
    assert "Asia/Tokyo" in await week.say("bob", "/rapport profile tz Asia/Tokyo")
    await week.until(sast(30, 12))  # 19:00 in Tokyo
    await week.say("alice", jane(5))  # due 16:00 here, 23:00 in Tokyo

    await week.until(sast(30, 23, 59))  # Johannesburg evening, Tokyo night
    assert week.dms("bob", FOLLOW_UP) == []
    assert await pending_work(core) == [(FOLLOW_UP, 1, "Tue 01 00:00")]

    await week.until(sast(1, 0, 0, month=12))
    [(at, nudge)] = week.dms("bob", FOLLOW_UP)
    assert at == datetime(2026, 12, 1, 7, 0, tzinfo=TOKYO)
    assert at.astimezone(SAST) == sast(1, 0, month=12)  # midnight for the group, not for Bob
    assert "Jane Roe (#1)" in nudge.text


async def test_bob_in_tokyo_is_nudged_in_his_day_even_in_the_groups_night(week):
    await week.say("bob", "/rapport profile tz Asia/Tokyo")
    await week.until(sast(30, 20))  # 03:00 in Tokyo: the referral DM itself is not held
    await week.say("alice", jane(5))
    assert instants(week.dms("bob", "referral.received")) == [sast(30, 20)]
    await week.advance(hours=6)
    # due at 00:00 here, 07:00 in Tokyo: exactly when Bob's night ends
    assert instants(week.dms("bob", FOLLOW_UP)) == [datetime(2026, 12, 1, 7, tzinfo=TOKYO)]


async def test_bob_calls_jane_while_the_nudge_waits_out_his_night(week):
    await week.say("bob", "/rapport profile tz Asia/Tokyo")
    await week.until(sast(30, 12))
    await week.say("alice", jane(5))
    await week.until(sast(30, 17))  # the nudge is waiting for Bob's morning
    assert week.dms("bob", FOLLOW_UP) == []

    await week.click("bob", "ref:1:contacted")
    await week.advance(days=10)
    assert week.dms("bob", FOLLOW_UP) == []
    assert week.dms("alice", NOT_CONTACTED) == []


async def test_bobs_own_quiet_hours_replace_the_default(week):
    assert "12:00-14:00" in await week.say("bob", "/rapport profile quiet 12:00-14:00")
    await week.say("alice", jane(5))  # due 12:00: Bob's lunch
    await week.until(sast(30, 18))
    await week.say("carol", "/referral @bob Sam Smith 082 555 0101 -- leaking tap heat:5")
    await week.until(sast(3, 0, month=12))

    by_referral = {
        rid: [at for at, s in week.dms("bob", FOLLOW_UP) if f"(#{rid})" in s.text] for rid in (1, 2)
    }
    assert by_referral[1] == [sast(30, 14), sast(2, 14, month=12)]
    # 22:00 is inside the default night, but not inside Bob's own quiet hours
    assert by_referral[2] == [sast(30, 22), sast(2, 22, month=12)]


async def test_alice_in_tokyo_hears_about_it_at_seven_her_time(week):
    await week.say("alice", "/rapport profile tz Asia/Tokyo")
    await week.until(sast(30, 13))
    await week.say("alice", jane(5))
    await week.until(sast(8, 0, month=12))
    assert instants(week.dms("bob", FOLLOW_UP)) == [
        sast(30, 17),
        sast(2, 17, month=12),
        sast(4, 17, month=12),
    ]
    # due Sun 17:00 here = midnight in Tokyo: held until Alice's morning
    assert instants(week.dms("alice", NOT_CONTACTED)) == [datetime(2026, 12, 7, 7, tzinfo=TOKYO)]


async def test_in_a_london_group_quiet_hours_are_london_time(week):
    await week.say("alice", "/rapport meeting set wednesday 07:00 Europe/London")
    start = datetime(2026, 11, 30, 18, 0, tzinfo=LONDON)  # 20:00 in Johannesburg
    await week.until(start)
    await week.say("alice", jane(5))  # due 22:00 London
    await week.advance(days=2)
    assert instants(week.dms("bob", FOLLOW_UP)) == [datetime(2026, 12, 1, 7, tzinfo=LONDON)]


# --- DMs turned off -------------------------------------------------------------------------
async def test_bob_with_dms_off_gets_no_nudges_but_alice_still_hears(week, core):
    assert "off" in await week.say("bob", "/rapport profile dm off")
    await week.say("alice", jane(5))
    # the referral itself still reaches him: its details go nowhere else
    assert kinds(week.dms("bob")) == ["referral.received"]

    await week.until(sast(10, 12, month=12))
    assert week.nudges("bob") == []
    assert instants(week.dms("alice", NOT_CONTACTED)) == [sast(6, 12, month=12)]
    assert week.posts()[1:] == []

    reply = await week.say("bob", "/referrals update 1 contacted -- finally")
    assert reply.startswith("#1 is now contacted")
    assert (await referral(core, 1)).status is Status.CONTACTED
    assert "as contacted" in week.dms("alice", "referral.progress")[-1][1].text


# --- progress -------------------------------------------------------------------------------
async def test_contacted_for_two_weeks_asks_bob_for_news_for_alice(week):
    await week.say("alice", jane(4))
    await week.until(sast(30, 9))
    await week.say("bob", "/referrals update 1 contacted -- called her")

    await week.until(sast(14, 8, 59, month=12))
    assert week.dms("bob", PROGRESS) == []
    await week.until(sast(14, 9, month=12))
    [(at, nudge)] = week.dms("bob", PROGRESS)
    assert at == sast(14, 9, month=12)
    assert nudge.text == (
        "Any news on Jane Roe (#1)? It has been contacted for 14 days. @alice passed it to you"
        " and would love to hear how it is going: your update goes to them. Add a note:"
        " /referrals update 1 <status> -- what happened"
    )
    assert [a.action_id for a in nudge.message.actions] == [
        "ref:1:meeting",
        "ref:1:won",
        "ref:1:lost",
        "ref:1:snooze:1d",
    ]

    await week.until(sast(14, 10, month=12))
    await week.say("bob", "/referrals update 1 meeting -- site visit on Friday")
    _, told = week.dms("alice", "referral.progress")[-1]
    assert told.text == (
        "@bob marked your referral for Jane Roe (#1) as meeting booked.\n"
        "Their note: site visit on Friday"
    )


async def test_a_status_change_restarts_the_two_week_wait(week):
    await week.say("alice", jane(4))
    await week.until(sast(30, 9))
    await week.say("bob", "/referrals update 1 contacted")
    await week.until(sast(7, 9, month=12))
    await week.click("bob", "ref:1:meeting")
    assert await pending_work(week.core) == [(PROGRESS, 1, "Mon 21 09:00")]

    await week.until(sast(21, 8, 59, month=12))
    assert week.dms("bob", PROGRESS) == []  # nothing on the 14th: it moved on
    await week.until(sast(21, 9, month=12))
    [(at, nudge)] = week.dms("bob", PROGRESS)
    assert at == sast(21, 9, month=12)
    assert "It has been meeting booked for 14 days." in nudge.text


@pytest.mark.parametrize("end", ["won 1500", "lost"])
async def test_a_closed_referral_gets_no_progress_nudge(week, end):
    await week.say("alice", jane(4))
    await week.until(sast(30, 9))
    await week.say("bob", "/referrals update 1 contacted")
    await week.until(sast(10, 9, month=12))
    await week.say("bob", f"/referrals update 1 {end}")
    await week.until(sast(31, 9, month=12))
    assert week.dms("bob", PROGRESS) == []


# --- thanks ---------------------------------------------------------------------------------
async def test_won_and_not_thanked_reminds_bob_once(week, core):
    await week.say("alice", jane(5))
    await week.until(sast(1, 10, month=12))
    await week.say("bob", "/referrals update 1 won 18500 -- geyser and two taps")
    assert kinds(week.dms("bob"))[-1] == "thanks.prompt"

    await week.until(sast(2, 9, 59, month=12))
    assert week.dms("bob", THANK) == []
    await week.until(sast(2, 10, month=12))
    [(at, nudge)] = week.dms("bob", THANK)
    assert at == sast(2, 10, month=12)
    assert nudge.text == (
        "#1 (Jane Roe) became business, and @alice hasn't been thanked yet. A public thank-you"
        " is what keeps referrals coming."
    )
    [action] = nudge.message.actions
    assert (action.label, action.action_id) == ("Thank alice", "thank:1")

    await week.advance(days=30)
    assert len(week.dms("bob", THANK)) == 1

    assert await week.click("bob", "thank:1") == "Your thanks to @alice is posted in the channel."
    assert week.posts()[-1][1].text.startswith("🙏 @bob thanks @alice for a referral")
    assert (await referral(core, 1)).thanked_at is not None
    await week.advance(days=30)
    assert len(week.dms("bob", THANK)) == 1
    assert await pending_work(core) == []


async def test_thanking_within_a_day_means_no_reminder(week, core):
    await week.say("alice", jane(5))
    await week.until(sast(1, 10, month=12))
    await week.say("bob", "/referrals update 1 won")
    await week.until(sast(2, 9, month=12))
    assert "posted in the channel" in await week.say("bob", "/thanks @alice 1 -- Jane was lovely")
    assert await pending_work(core) == []
    await week.advance(days=30)
    assert week.dms("bob", THANK) == []
    assert await pending_work(core) == []


async def test_thanking_with_the_amount_wins_and_thanks_at_once(week, core):
    await week.say("alice", jane(5))
    await week.until(sast(30, 10))
    assert "posted in the channel" in await week.say("bob", "/thanks @alice 1 R18500")
    assert (await referral(core, 1)).status is Status.WON
    await week.advance(days=30)
    assert week.nudges("bob") == []
    assert week.nudges("alice") == []


async def test_thanked_before_it_was_won_means_no_reminder(week):
    await week.say("alice", jane(5))
    await week.until(sast(30, 10))
    await week.say("bob", "/referrals update 1 contacted")
    await week.say("bob", "/thanks @alice 1 -- thanks for the intro")
    await week.until(sast(1, 10, month=12))
    await week.say("bob", "/referrals update 1 won")
    await week.advance(days=30)
    assert week.dms("bob", THANK) == []


# --- leaving --------------------------------------------------------------------------------
async def test_bob_leaves_and_is_nudged_no_more(week, core):
    await week.say("alice", jane(5))
    await week.say("carol", "/referral @bob Sam Smith 082 555 0101 -- leaking tap heat:4")
    await week.say("bob", "/referral @carol Tom Tiler tom@tiler.example -- roof heat:5")
    await week.until(sast(30, 9))

    assert (await week.say("bob", "/rapport leave")).startswith(
        "You have left Breakfast Club; your seat is free."
    )
    assert week.posts()[-1][1].text == (
        "@bob has left the group; the Residential plumbing seat is open."
    )
    assert [r for r in await pending_work(core) if r[1] in (1, 2)] == []
    assert "Welcome" in await week.say("dave", "/rapport join Residential plumbing")

    await week.advance(days=14)
    assert week.nudges("bob") == []
    assert week.dms("alice", NOT_CONTACTED) == []
    assert week.dms("carol", NOT_CONTACTED) == []
    # the referral Bob gave is still Carol's to call; Bob is gone, so nobody is told
    assert instants(week.dms("carol", FOLLOW_UP)) == [
        sast(30, 12),
        sast(2, 12, month=12),
        sast(4, 12, month=12),
    ]


async def test_alice_removes_bob_and_his_nudges_stop(week, core):
    await week.say("alice", jane(5))
    await week.until(sast(30, 9))
    assert await week.say("alice", "/rapport remove @bob") == (
        "@bob is off the roster and their seat is free."
    )
    assert week.posts()[-1][1].text == (
        "@alice removed @bob from the roster; the Residential plumbing seat is open."
    )
    await week.advance(days=14)
    assert week.nudges("bob") == []
    assert week.dms("alice", NOT_CONTACTED) == []
    assert await pending_work(core) == []


async def test_a_member_who_left_gets_no_progress_or_thank_reminders(week):
    await week.say("alice", jane(5))
    await week.say("carol", "/referral @bob Sam Smith 082 555 0101 -- leaking tap heat:4")
    await week.until(sast(30, 9))
    await week.say("bob", "/referrals update 1 contacted")
    await week.say("bob", "/referrals update 2 won")
    await week.until(sast(30, 10))
    await week.say("bob", "/rapport leave")
    await week.advance(days=30)
    assert week.nudges("bob") == []


# --- the process was down -------------------------------------------------------------------
async def test_after_three_days_down_each_due_nudge_goes_out_once(week, core, clock, messenger):
    await week.say("alice", jane(5))  # due Mon 12:00
    await week.say("carol", "/referral @bob Sam Smith 082 555 0101 -- leaking tap heat:4")
    await week.say("bob", "/referral @carol Tom Tiler tom@tiler.example -- roof heat:3")
    await week.say("carol", "/referral @alice Ann Lee ann@lee.example -- cover heat:5")
    await week.say("alice", "/referrals update 4 won")  # thank reminder due Tue 08:00
    sent_before = len(messenger.sent)

    back = sast(3, 10, month=12)  # Thursday: every one of them is overdue
    clock.set(back)  # nothing ran in between
    assert await week.run_due() == 4

    new = week._all()[sent_before:]
    assert {at for at, _ in new} == {back}
    got = sorted((s.to.user_id, s.message.kind, s.text.split("\n")[0]) for _, s in new)
    assert got == [
        (
            "alice",
            THANK,
            "#4 (Ann Lee) became business, and @carol hasn't been thanked yet. A public"
            " thank-you is what keeps referrals coming.",
        ),
        (
            "bob",
            FOLLOW_UP,
            "Follow up now: @alice's referral Jane Roe (#1) is still waiting for your call."
            " @alice put their name on the line for you.",
        ),
        (
            "bob",
            FOLLOW_UP,
            "Follow up now: @carol's referral Sam Smith (#2) is still waiting for your call."
            " @carol put their name on the line for you.",
        ),
        (
            "carol",
            FOLLOW_UP,
            "Follow up now: @bob's referral Tom Tiler (#3) is still waiting for your call."
            " @bob put their name on the line for you.",
        ),
    ]

    # the same instant again: nothing is sent twice
    assert await week.run_due() == 0
    assert len(messenger.sent) == sent_before + 4

    await week.until(back + hours(48) - timedelta(minutes=1))
    assert len(messenger.sent) == sent_before + 4
    await week.until(back + hours(48))
    second = week._all()[sent_before + 4 :]
    assert sorted((s.to.user_id, s.text.split("(Reminder ")[1][:6]) for _, s in second) == [
        ("bob", "2 of 3"),
        ("bob", "2 of 3"),
        ("carol", "2 of 3"),
    ]
    assert {at for at, _ in second} == {back + hours(48)}


async def test_back_up_in_the_night_the_overdue_nudge_waits_for_morning(week, clock):
    await week.say("alice", jane(5))
    clock.set(sast(2, 23, month=12))
    await week.run_due()
    assert week.dms("bob", FOLLOW_UP) == []
    await week.until(sast(5, 12, month=12))
    assert instants(week.dms("bob", FOLLOW_UP)) == [
        sast(3, 7, month=12),
        sast(5, 7, month=12),
    ]


async def test_leaving_calls_off_every_nudge_about_what_bob_received(week, core):
    """Bob leaves by mistake and comes straight back: what leaving called off stays off, for
    the referral he won as much as for the one he never called."""
    await week.say("alice", jane(5))
    await week.say("carol", "/referral @bob Sam Smith 082 555 0101 -- leaking tap heat:4")
    await week.until(sast(30, 9))
    await week.say("bob", "/referrals update 2 won")  # a thank reminder is due Tue 09:00
    await week.until(sast(30, 10))
    await week.say("bob", "/rapport leave")
    assert await pending_work(core) == []

    await week.until(sast(30, 10, 5))
    assert "Welcome" in await week.say("bob", "/rapport join Residential plumbing")
    await week.advance(days=14)
    assert week.nudges("bob") == []
