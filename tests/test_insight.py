"""The live numbers, checked against group histories built by hand: the leaderboard with its
shout-outs, and each member's traffic light with its reasons and advice.

Histories are typed by members at chosen moments (the fake clock is set to each moment
first), so every count comes from the real commands. Every expected number below is worked
out by hand in the comments next to it. The group's zone is Africa/Johannesburg (UTC+2 all
year); times below are local there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import LightSettings, Settings
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

JNB = ZoneInfo("Africa/Johannesburg")
GENERAL = channel()


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JNB).astimezone(UTC)


class History:
    """Types commands as members at moments of the group's history."""

    def __init__(self, chat: Chat, clock: FakeClock) -> None:
        self.chat = chat
        self.clock = clock
        self.n = 0

    async def at(self, when: datetime, handle: str, line: str) -> str:
        self.clock.set(when)
        return await self.chat(handle, line)

    async def referral(self, when: datetime, giver: str, to: str) -> None:
        self.n += 1
        reply = await self.at(when, giver, f"/referral @{to} Prospect {self.n} p{self.n}@x.example")
        assert reply.startswith(f"Referral #{self.n} to @{to} is logged"), reply

    async def lead(self, when: datetime, giver: str, to: str) -> None:
        self.n += 1
        reply = await self.at(when, giver, f"/lead @{to} Business {self.n}")
        assert reply.startswith(f"Lead #{self.n} to @{to} is logged"), reply

    async def one_to_one(self, when: datetime, who: str, other: str) -> None:
        reply = await self.at(when, who, f"/onetoone @{other}")
        assert reply.startswith(f"Your 1-2-1 with @{other} is logged"), reply

    async def business(self, when: datetime, receiver: str, thanked: str, amount: str) -> None:
        reply = await self.at(when, receiver, f"/thanks @{thanked} {amount} -- a new geyser")
        assert "Closed business of" in reply, reply

    async def visitor(self, when: datetime, who: str, name: str) -> None:
        reply = await self.at(when, who, f"/rapport visitor {name}")
        assert reply.startswith(f"Visitor {name} recorded"), reply


async def done(chat: Chat, who: str, line: str) -> str:
    """A step of the group's history: its one reply's kind, after checking it was not refused
    (the wording is the golden transcripts' to keep)."""
    [reply] = await chat.messages(who, line)
    assert not reply.refused, (line, reply.fallback())
    return reply.kind


async def build_group(chat: Chat, clock: FakeClock, when: datetime, handles: list[str]) -> None:
    clock.set(when)
    assert await done(chat, "alice", "/rapport setup Breakfast Club") == "setup.done"
    for i, h in enumerate(["alice", *handles]):
        assert await done(chat, h, f"/rapport join Trade {i}") == "join.done"


def lines(text: str) -> list[str]:
    return text.splitlines()


# =============================================================================================
# Leaderboard
# =============================================================================================
# The board is asked on Sat 28 Nov 2026 at 10:00, so:
#   week    = Mon 23 Nov – Mon 30 Nov,  the week before = 16 – 23 Nov
#   month   = November,                 the month before = October
#   quarter = October – December,       the quarter before = July – September
# alice, bob, carol, dave, erin and gus join on 1 Jun; frank joins on 15 Oct (this quarter).
BOARD_NOW = local(date(2026, 11, 28))


@pytest.fixture
async def board(chat: Chat, clock: FakeClock, messenger: RecordingMessenger) -> Chat:
    await build_group(chat, clock, local(date(2026, 6, 1)), ["bob", "carol", "dave", "erin", "gus"])
    h = History(chat, clock)
    # the quarter before: dave's referral; erin's and carol's leads (no referral)
    await h.referral(local(date(2026, 8, 10)), "dave", "alice")
    await h.lead(local(date(2026, 9, 1)), "erin", "alice")
    await h.lead(local(date(2026, 9, 2)), "carol", "alice")
    # October (the month before): frank joins this quarter and gives at once
    clock.set(local(date(2026, 10, 15)))
    assert await done(chat, "frank", "/rapport join Trade 9") == "join.done"
    oct20 = local(date(2026, 10, 20))
    await h.referral(oct20, "bob", "alice")
    for _ in range(3):
        await h.lead(oct20, "carol", "alice")
    await h.referral(oct20, "frank", "alice")
    await h.lead(oct20, "alice", "bob")
    # early November
    await h.referral(local(date(2026, 11, 10)), "bob", "carol")
    # the week before (18 Nov)
    nov18 = local(date(2026, 11, 18))
    await h.referral(nov18, "carol", "bob")
    await h.referral(nov18, "dave", "bob")
    await h.referral(nov18, "dave", "bob")
    # this week (24 Nov)
    nov24 = local(date(2026, 11, 24))
    for giver, refs, leads in (
        ("carol", 2, 2),
        ("bob", 1, 2),
        ("erin", 2, 1),
        ("dave", 1, 0),
        ("frank", 1, 0),
    ):
        for _ in range(refs):
            await h.referral(nov24, giver, "alice" if giver != "alice" else "bob")
        for _ in range(leads):
            await h.lead(nov24, giver, "alice")
    # closed business with amounts, and 1-2-1s: neither is a referral or lead
    await h.business(local(date(2026, 11, 25)), "bob", "carol", "R2,500")
    await h.business(local(date(2026, 11, 25)), "alice", "dave", "R7,500")
    await h.one_to_one(local(date(2026, 11, 25)), "gus", "alice")
    clock.set(BOARD_NOW)
    messenger.clear()
    return chat


async def test_the_weekly_board_ranks_by_referrals_and_leads_given(board: Chat) -> None:
    # this week: carol 2R+2L=4; erin 2R+1L=3 and bob 1R+2L=3 (erin has more referrals, so
    # comes before bob despite the name);
    # dave 1R and frank 1R (tied, by name); alice and gus gave nothing
    # first referral this quarter: bob, carol (leads only last quarter), erin (a lead only);
    #   not dave (a referral in August), not frank (joined this quarter)
    # most improved on the week before: carol 4-1=+3; erin and bob also +3 but gave nothing
    #   the week before; dave 1-2=-1
    assert lines(await board("gus", "/rapport leaderboard week")) == [
        "🏆 Referrals and leads given this week:",
        "1. @carol — 2 referrals, 2 leads",
        "2. @erin — 2 referrals, 1 lead",
        "3. @bob — 1 referral, 2 leads",
        "4. @dave — 1 referral",
        "5. @frank — 1 referral",
        "🌱 First referral this quarter: @bob, @carol, @erin.",
        "📈 Most improved on the period before: @carol.",
        "2 members haven't given one yet this week.",
    ]


async def test_the_monthly_board_is_the_default(board: Chat) -> None:
    # November: carol 1R (18th) + 2R2L = 3R 2L = 5; bob 1R (10th) + 1R2L = 2R 2L = 4;
    # dave 2R (18th) + 1R = 3R = 3; erin 2R 1L = 3 (fewer referrals than dave); frank 1R
    # October: bob 1, carol 3, frank 1, alice 1 → gains bob +3, carol +2, frank 0;
    # dave and erin +3 but gave nothing in October
    expected = [
        "🏆 Referrals and leads given this month:",
        "1. @carol — 3 referrals, 2 leads",
        "2. @bob — 2 referrals, 2 leads",
        "3. @dave — 3 referrals",
        "4. @erin — 2 referrals, 1 lead",
        "5. @frank — 1 referral",
        "🌱 First referral this quarter: @bob, @carol, @erin.",
        "📈 Most improved on the period before: @bob.",
        "2 members haven't given one yet this month.",
    ]
    assert lines(await board("alice", "/rapport leaderboard month")) == expected
    assert lines(await board("alice", "/rapport leaderboard")) == expected


async def test_the_quarterly_board(board: Chat) -> None:
    # Oct–Dec: carol 3L (Oct) + 3R2L = 3R 5L = 8; bob 1R (Oct) + 2R2L = 3R 2L = 5;
    # dave 3R; erin 2R 1L; frank 1R (Oct) + 1R = 2R; alice 1L (Oct); gus nothing
    # Jul–Sep: dave 1, erin 1, carol 1 → gains carol +7, dave +2, erin +2;
    # bob +5, frank +2 and alice +1 gave nothing in Jul–Sep
    assert lines(await board("bob", "/rapport leaderboard quarter")) == [
        "🏆 Referrals and leads given this quarter:",
        "1. @carol — 3 referrals, 5 leads",
        "2. @bob — 3 referrals, 2 leads",
        "3. @dave — 3 referrals",
        "4. @erin — 2 referrals, 1 lead",
        "5. @frank — 2 referrals",
        "6. @alice — 0 referrals, 1 lead",
        "🌱 First referral this quarter: @bob, @carol, @erin.",
        "📈 Most improved on the period before: @carol.",
        "1 member hasn't given one yet this quarter.",
    ]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
async def test_the_board_never_shows_an_amount_and_names_without_pinging(
    board: Chat, period: str
) -> None:
    (msg,) = await board.messages("carol", f"/rapport leaderboard {period}")
    text = msg.fallback()
    for amount in ("2,500", "2500", "7,500", "7500", "R2", "R7", "ZAR", "business"):
        assert amount not in text
    assert msg.pings() == ()
    assert {u.user_id for u in msg.mentions()} >= {"carol", "bob", "erin", "dave", "frank"}


async def test_the_previous_quarter_leader_is_no_first_and_a_board_is_the_same_for_everyone(
    board: Chat,
) -> None:
    texts = {await board(h, "/rapport leaderboard quarter") for h in ("alice", "gus", "frank")}
    assert len(texts) == 1
    (text,) = texts
    firsts = next(x for x in lines(text) if x.startswith("🌱"))
    assert "@dave" not in firsts and "@frank" not in firsts


async def test_a_fresh_group_board(group: Chat, clock: FakeClock) -> None:
    # everyone joined today (Mon 30 Nov, this quarter): nobody can be a first referral this
    # quarter, and a gain from nothing is no "most improved"
    assert lines(await group("bob", "/rapport leaderboard week")) == [
        "🏆 Referrals and leads given this week:",
        "Nobody yet. The first referral or lead puts you at the top.",
        "3 members haven't given one yet this week.",
    ]
    await group("bob", "/referral @carol Jane Roe jane@roe.example")
    await group("bob", "/lead @carol Acme")
    await group("carol", "/lead @bob Beta")
    assert lines(await group("alice", "/rapport leaderboard week")) == [
        "🏆 Referrals and leads given this week:",
        "1. @bob — 1 referral, 1 lead",
        "2. @carol — 0 referrals, 1 lead",
        "1 member hasn't given one yet this week.",
    ]


async def test_most_improved_needs_something_given_the_period_before(
    group: Chat, clock: FakeClock
) -> None:
    # week of 30 Nov: bob 1. Week of 7 Dec: bob 3 (+2, gave before), carol 2 (+2 from
    # nothing): only bob is most improved
    await group("bob", "/lead @carol A")
    clock.set(local(date(2026, 12, 8)))
    for x in ("B", "C", "D"):
        await group("bob", f"/lead @carol {x}")
    for x in ("E", "F"):
        await group("carol", f"/lead @bob {x}")
    text = await group("alice", "/rapport leaderboard week")
    assert "📈 Most improved on the period before: @bob." in lines(text)
    # week of 14 Dec: alice 1 (+1 from nothing), carol 1 (-1), bob nothing: nobody improved
    clock.set(local(date(2026, 12, 15)))
    await group("alice", "/lead @bob G")
    await group("carol", "/lead @bob H")
    text = await group("alice", "/rapport leaderboard week")
    assert lines(text) == [
        "🏆 Referrals and leads given this week:",
        "1. @alice — 0 referrals, 1 lead",
        "2. @carol — 0 referrals, 1 lead",
        "1 member hasn't given one yet this week.",
    ]
    # week of 21 Dec: carol 2, against 1 the week before (+1): most improved, although she
    # gave 2 two weeks before
    clock.set(local(date(2026, 12, 22)))
    for x in ("I", "J"):
        await group("carol", f"/lead @bob {x}")
    text = await group("alice", "/rapport leaderboard week")
    assert "📈 Most improved on the period before: @carol." in lines(text)


async def test_a_wrong_period_is_explained(group: Chat) -> None:
    reply = await group("bob", "/rapport leaderboard year")
    assert "Choose week, month or quarter" in reply


async def test_only_members_see_the_board(group: Chat) -> None:
    reply = await group("zed", "/rapport leaderboard")
    assert reply.startswith("You're not on Breakfast Club's roster yet.")


# =============================================================================================
# Traffic lights
# =============================================================================================
# alice, bob and carol join on Mon 14 Sep 2026 at 08:00; the group meets on Wednesdays at
# 07:00 and skipped 14 Oct. Lights are asked on Mon 30 Nov at 08:00 (the fixture clock), so
# bob's window (since he joined) holds the meetings of 16, 23, 30 Sep, 7, 21, 28 Oct, 4, 11,
# 18 and 25 Nov: 10 meetings. Thresholds (green from / amber from), per meeting:
#   referrals and leads 1.0/0.5, 1-2-1s 0.5/0.25, closed business 0.25/0.1, visitors 0.1/0.04;
#   attendance share 0.95/0.85. Points green 2, amber 1, red 0; score ≥ 70% green, ≥ 40% amber.
LIGHTS_NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Mon 08:00 in Johannesburg
JOINED = local(date(2026, 9, 14), 8)
# the Thursday after each of the 10 meetings
THURSDAYS = [date(2026, 9, 17) + timedelta(weeks=k) for k in range(11) if k != 4]
MEETINGS = [d - timedelta(days=1) for d in THURSDAYS]  # 16 Sep … 25 Nov, without 14 Oct
NEXT = "Wed 2 Dec 07:00"


@pytest.fixture
async def chapter(chat: Chat, clock: FakeClock, messenger: RecordingMessenger) -> History:
    await build_group(chat, clock, JOINED, ["bob", "carol"])
    line = "/rapport meeting set wed 07:00 Africa/Johannesburg -- The Oaks"
    assert await done(chat, "alice", line) == "meeting.saved"
    assert await done(chat, "alice", "/rapport meeting skip 2026-10-14") == "meeting.saved"
    messenger.clear()
    return History(chat, clock)


async def give(h: History, who: str, n: int, to: str = "alice") -> None:
    """`n` referrals and leads (alternately), one per Thursday, a second round after 10."""
    for i in range(n):
        when = local(THURSDAYS[i % 10], 10 + i // 10)
        if i % 2 == 0:
            await h.referral(when, who, to)
        else:
            await h.lead(when, who, to)


async def meet(h: History, who: str, n: int, other: str = "alice") -> None:
    for i in range(n):
        await h.one_to_one(local(THURSDAYS[i], 12), who, other)


async def report(h: History, who: str, n: int) -> None:
    for i in range(n):
        await h.business(local(THURSDAYS[i], 14), who, "alice", f"R{1000 + i}")


async def invite(h: History, who: str, n: int) -> None:
    for i in range(n):
        await h.visitor(local(THURSDAYS[i], 16), who, f"Visitor {who} {i}")


async def attend(h: History, marks: dict[str, str]) -> None:
    """Confirmed attendance: meeting date → status, recorded by the admin."""
    for day, status in marks.items():
        reply = await h.at(LIGHTS_NOW, "alice", f"/rapport attendance {day} {status} @bob")
        assert reply.startswith(f"Attendance saved for {day}."), reply


async def light(h: History, who: str) -> list[str]:
    return lines(await h.at(LIGHTS_NOW, who, "/rapport lights"))


NINE_OF_TEN = {
    **{d.isoformat(): "present" for d in MEETINGS[:7]},
    "2026-11-11": "late",
    "2026-11-18": "substitute",
    "2026-11-25": "absent",
}


async def amber_bob(h: History) -> None:
    await give(h, "bob", 7)  # 4 referrals, 3 leads
    await meet(h, "bob", 5)
    await report(h, "bob", 1)
    await attend(h, NINE_OF_TEN)


async def test_a_hand_built_amber_light_with_each_measure_its_band_and_the_smallest_step(
    chapter: History,
) -> None:
    await amber_bob(chapter)
    # given 7/10 = 0.70 amber (1); 1-2-1s 5/10 = 0.50 green (2); business 1/10 = 0.10 amber (1);
    # visitors 0 red (0); attendance 9 of 10 confirmed (late and substitute count) = 90%
    # amber (1) → 5 of 10 points = 50% → amber.
    # Steps before the next meeting (11 meetings then): referrals to green 11-7 = 4;
    # business to green ceil(2.75)-1 = 2; visitors to amber ceil(0.44)-0 = 1 → visitors.
    assert await light(chapter, "bob") == [
        "🟠 Your light is amber, over the last 10 meetings.",
        "• referrals and leads given: 0.70 per meeting (7 in all; green from 1) 🟠",
        "• 1-2-1s: 0.50 per meeting (5 in all; green from 0.5) 🟢",
        "• closed business reported: 0.10 per meeting (1 in all; green from 0.25) 🟠",
        "• visitors invited: 0.00 per meeting (0 in all; green from 0.1) 🔴",
        "• attendance: 90% of confirmed meetings (green from 95%) 🟠",
        f"One more visitor before {NEXT} would turn your visitors invited amber.",
    ]


async def test_seventy_percent_of_the_points_is_green(chapter: History) -> None:
    await amber_bob(chapter)
    await invite(chapter, "bob", 1)
    # visitors 1/10 = 0.10 green → 1+2+1+2+1 = 7 of 10 points = 70% → green
    text = await light(chapter, "bob")
    assert text[0] == "🟢 Your light is green, over the last 10 meetings."
    assert "• visitors invited: 0.10 per meeting (1 in all; green from 0.1) 🟢" in text


async def test_a_red_light_and_the_smallest_step_in_the_plural(chapter: History) -> None:
    await invite(chapter, "carol", 1)
    # given 0, 1-2-1s 0, business 0 (red, 0 each); visitors 1/10 = 0.10 green (2): 2 of 8 =
    # 25% → red. Steps to amber at 11 meetings: referrals ceil(5.5) = 6, 1-2-1s ceil(2.75) = 3
    # → three 1-2-1s. (Business would need ceil(1.1) = 2, but closed business is the clients'
    # decision, so the advice never asks for it.)
    assert await light(chapter, "carol") == [
        "🔴 Your light is red, over the last 10 meetings.",
        "• referrals and leads given: 0.00 per meeting (0 in all; green from 1) 🔴",
        "• 1-2-1s: 0.00 per meeting (0 in all; green from 0.5) 🔴",
        "• closed business reported: 0.00 per meeting (0 in all; green from 0.25) 🔴",
        "• visitors invited: 0.10 per meeting (1 in all; green from 0.1) 🟢",
        f"3 more 1-2-1s before {NEXT} would turn your 1-2-1s amber.",
    ]


async def test_forty_percent_is_amber_and_an_amber_step_can_lift_a_measure_to_green(
    chapter: History,
) -> None:
    await give(chapter, "bob", 9)
    await meet(chapter, "bob", 4)
    await report(chapter, "bob", 2)
    await invite(chapter, "bob", 1)
    # 0.9 amber, 0.4 amber, 0.2 amber, 0.1 green: 5 of 8 = 62.5% → amber.
    # To green at 11 meetings: referrals 11-9 = 2, 1-2-1s ceil(5.5)-4 = 2: on a tie the
    # earlier measure wins (business, ceil(2.75)-2 = 1, is never advised)
    text = await light(chapter, "bob")
    assert text[0] == "🟠 Your light is amber, over the last 10 meetings."
    assert text[-1] == (
        f"2 more referrals or leads before {NEXT} would turn your referrals and leads given green."
    )
    # carol: three red measures (0) and a green one (2) plus attendance 2 of 2 (2):
    # 4 of 10 = 40% → amber
    await invite(chapter, "carol", 1)
    for day in ("2026-11-18", "2026-11-25"):
        await chapter.at(LIGHTS_NOW, "alice", f"/rapport attendance {day} present @carol")
    carol = await light(chapter, "carol")
    assert carol[0] == "🟠 Your light is amber, over the last 10 meetings."
    assert "• attendance: 100% of confirmed meetings (green from 95%) 🟢" in carol


async def test_unconfirmed_meetings_are_unknown_not_absent(chapter: History) -> None:
    # carol said she'd come to two meetings; nobody confirmed: no attendance measure at all
    for day in MEETINGS[-2:]:
        chapter.clock.set(local(day, 6))
        assert "Thanks" in await chapter.chat("carol", "/rapport rsvp attending")
    text = await light(chapter, "carol")
    assert not any("attendance" in x for x in text)
    assert len([x for x in text if x.startswith("• ")]) == 4
    # bob has 2 confirmed meetings of 10, both present: 100%, not 20%
    await attend(chapter, {"2026-09-16": "present", "2026-11-25": "late"})
    assert "• attendance: 100% of confirmed meetings (green from 95%) 🟢" in await light(
        chapter, "bob"
    )


async def test_a_skipped_meeting_is_not_a_meeting(chapter: History) -> None:
    await give(chapter, "bob", 5)
    # 10 meetings held, not 11 (14 Oct was skipped): 5/10 = 0.50, amber
    text = await light(chapter, "bob")
    assert text[0].endswith("over the last 10 meetings.")
    assert "• referrals and leads given: 0.50 per meeting (5 in all; green from 1) 🟠" in text
    # a meeting skipped ahead is not counted either, and the advice names the meeting after
    await chapter.at(LIGHTS_NOW, "alice", "/rapport meeting skip 2026-12-02")
    text = await light(chapter, "bob")
    assert text[0].endswith("over the last 10 meetings.")
    assert "before Wed 9 Dec 07:00" in text[-1]


async def green_bob(h: History) -> None:
    await give(h, "bob", 10)
    await meet(h, "bob", 7, "carol")
    await report(h, "bob", 4)


async def test_a_green_member_who_would_slip_is_told_one_more_referral_keeps_them_green(
    chapter: History,
) -> None:
    await green_bob(chapter)
    # 1.00 green, 0.70 green, 0.40 green, 0 visitors red: 6 of 8 = 75% → green.
    # Without activity, at 11 meetings: 10/11 = 0.91 amber → 5 of 8 = 62.5% → amber;
    # one more referral keeps 11/11 green → 75% → green
    text = await light(chapter, "bob")
    assert text == [
        "🟢 Your light is green, over the last 10 meetings.",
        "• referrals and leads given: 1.00 per meeting (10 in all; green from 1) 🟢",
        "• 1-2-1s: 0.70 per meeting (7 in all; green from 0.5) 🟢",
        "• closed business reported: 0.40 per meeting (4 in all; green from 0.25) 🟢",
        "• visitors invited: 0.00 per meeting (0 in all; green from 0.1) 🔴",
        f"One more referral or lead before {NEXT} keeps you green.",
    ]
    # with that referral given today (11 of 10 meetings), nothing would slip: no advice
    await chapter.referral(LIGHTS_NOW - timedelta(minutes=30), "bob", "carol")
    text = await light(chapter, "bob")
    assert text[0] == "🟢 Your light is green, over the last 10 meetings."
    assert "• referrals and leads given: 1.10 per meeting (11 in all; green from 1) 🟢" in text
    assert not any("keeps you green" in x or "would turn" in x for x in text)


async def test_a_green_member_who_stays_green_without_activity_gets_no_warning(
    chapter: History,
) -> None:
    await green_bob(chapter)
    await invite(chapter, "bob", 2)
    # every measure green: 8 of 8. Without activity, at 11 meetings: referrals 10/11 amber,
    # 1-2-1s 7/11 green, business 4/11 green, visitors 2/11 green → 7 of 8 = 87.5%: still
    # green, so there is nothing to keep and no "keeps you green" line
    text = await light(chapter, "bob")
    assert text[0] == "🟢 Your light is green, over the last 10 meetings."
    assert not any("keeps you green" in x for x in text), text


async def test_one_more_referral_is_not_promised_to_keep_green_when_it_would_not(
    chapter: History,
) -> None:
    await give(chapter, "bob", 10)
    await meet(chapter, "bob", 5, "carol")
    await report(chapter, "bob", 4)
    # 1.00 green, 0.50 green, 0.40 green, visitors red: 6 of 8 → green. Without activity at
    # 11 meetings: 10/11 amber and 5/11 = 0.45 amber → 4 of 8 = 50% → amber. With one more
    # referral only: 2+1+2+0 = 5 of 8 = 62.5% → still amber. The promise would be false.
    text = await light(chapter, "bob")
    assert text[0] == "🟢 Your light is green, over the last 10 meetings."
    assert f"One more referral or lead before {NEXT} keeps you green." not in text, text


async def test_younger_than_thirty_days_is_grey(
    chapter: History, chat: Chat, clock: FakeClock
) -> None:
    clock.set(LIGHTS_NOW - timedelta(days=29))
    assert await done(chat, "dave", "/rapport join Trade 7") == "join.done"
    clock.set(LIGHTS_NOW - timedelta(days=30))
    assert await done(chat, "erin", "/rapport join Trade 8") == "join.done"
    await chapter.referral(LIGHTS_NOW - timedelta(days=2), "dave", "alice")
    assert await light(chapter, "dave") == [
        "⚪ No light yet: members get one after their first month. Every referral,"
        " 1-2-1 and visitor already counts."
    ]
    # erin is 30 days in: 4 meetings (4, 11, 18, 25 Nov) and a light
    erin = await light(chapter, "erin")
    assert erin[0] == "🔴 Your light is red, over the last 4 meetings."


async def test_lights_all_is_for_the_admin_and_lists_every_member(
    chapter: History, chat: Chat, clock: FakeClock
) -> None:
    await amber_bob(chapter)  # bob's 1-2-1s are with alice: 5/10 = 0.50 green for her too
    clock.set(LIGHTS_NOW - timedelta(days=10))
    assert await done(chat, "dave", "/rapport join Trade 7") == "join.done"
    assert "Only the group's admins can see everyone's lights." in await chapter.at(
        LIGHTS_NOW, "bob", "/rapport lights all"
    )
    assert lines(await chapter.at(LIGHTS_NOW, "alice", "/rapport lights all")) == [
        "Traffic lights (rolling window):",
        # alice: 0 given, 5 1-2-1s (green), 0 business, 0 visitors → 2 of 8 = 25% → red
        "🔴 @alice — to work on: referrals and leads given, closed business reported,"
        " visitors invited",
        "🟠 @bob — to work on: referrals and leads given, closed business reported,"
        " visitors invited, attendance",
        "🔴 @carol — to work on: referrals and leads given, 1-2-1s, closed business reported,"
        " visitors invited",
        "⚪ @dave — newer than a month",
    ]
    (msg,) = await chapter.chat.messages("alice", "/rapport lights all")
    assert msg.pings() == ()


async def test_custom_thresholds_change_the_outcome(
    chapter: History,
    repo: SqliteRepository,
    messenger: RecordingMessenger,
    clock: FakeClock,
) -> None:
    await amber_bob(chapter)
    assert (await light(chapter, "bob"))[0].startswith("🟠 Your light is amber")
    lenient = LightSettings(referrals_per_meeting=(0.7, 0.35), attendance=(0.9, 0.8))
    core = Core(repo, messenger, clock, FakeResolver(), Settings(lights=lenient))
    other = Chat(core, GENERAL)
    # given 0.70 green (2), 1-2-1s green (2), business amber (1), visitors red (0), attendance
    # 90% green (2): 7 of 10 → green
    text = lines(await other("bob", "/rapport lights"))
    assert text[0] == "🟢 Your light is green, over the last 10 meetings."
    assert "• referrals and leads given: 0.70 per meeting (7 in all; green from 0.7) 🟢" in text
    assert "• attendance: 90% of confirmed meetings (green from 90%) 🟢" in text
    # strict business and visitor thresholds: business 0.10 and visitors 0 both red
    strict = LightSettings(business_per_meeting=(0.5, 0.2))
    core = Core(repo, messenger, clock, FakeResolver(), Settings(lights=strict))
    text = lines(await Chat(core, GENERAL)("bob", "/rapport lights"))
    # 1 + 2 + 0 + 0 + 1 = 4 of 10 = 40% → amber; business red now
    assert "• closed business reported: 0.10 per meeting (1 in all; green from 0.5) 🔴" in text
    # to amber at 11 meetings: visitors 1
    assert text[-1] == f"One more visitor before {NEXT} would turn your visitors invited amber."


async def test_the_window_and_the_grey_period_come_from_settings(
    chapter: History,
    repo: SqliteRepository,
    messenger: RecordingMessenger,
    clock: FakeClock,
) -> None:
    await give(chapter, "bob", 10)  # one per Thursday, 17 Sep – 26 Nov
    settings = Settings(lights=LightSettings(window_weeks=4, grey_days=90))
    other = Chat(Core(repo, messenger, clock, FakeResolver(), settings), GENERAL)
    # bob joined 77 days ago: grey for a 90-day grey period
    assert (await other("bob", "/rapport lights")).startswith("⚪ No light yet")
    settings = Settings(lights=LightSettings(window_weeks=4))
    other = Chat(Core(repo, messenger, clock, FakeResolver(), settings), GENERAL)
    # the last 4 weeks (from Mon 2 Nov 08:00): meetings 4, 11, 18, 25 Nov and the
    # referrals of 5, 12, 19, 26 Nov → 4/4 = 1.00
    text = lines(await other("bob", "/rapport lights"))
    assert text[0].endswith("over the last 4 meetings.")
    assert "• referrals and leads given: 1.00 per meeting (4 in all; green from 1) 🟢" in text


# =============================================================================================
# Lights count the meetings that took place
# =============================================================================================
async def test_a_light_counts_only_meetings_held_since_the_meeting_was_set(
    chat: Chat, clock: FakeClock
) -> None:
    """bob joined on 1 Oct; the weekly meeting was first set on Mon 30 Nov; 2 Dec was held,
    9 Dec skipped, 16 Dec held. On 17 Dec his window holds 2 meetings, not the 11 Wednesdays
    since he joined; one referral in that time is 0.5 per meeting (amber)."""
    h = History(chat, clock)
    await build_group(chat, clock, local(date(2026, 10, 1), 8), ["bob"])
    set_at = local(date(2026, 11, 30), 8)
    assert "Saved" in await h.at(set_at, "alice", "/rapport meeting set wed 07:00")
    # before the first meeting, there is nothing to count per meeting
    assert await h.at(local(date(2026, 12, 1), 9), "bob", "/rapport lights") == (
        "⚪ No light yet: a light counts per meeting held, and the group hasn't held one since"
        " the weekly meeting was set. Every referral, 1-2-1 and visitor already counts."
    )
    assert "@bob — no meeting held yet" in await h.at(
        local(date(2026, 12, 1), 9), "alice", "/rapport lights all"
    )
    assert "Skipped" in await h.at(set_at, "alice", "/rapport meeting skip 2026-12-09")
    await h.referral(local(date(2026, 12, 3)), "bob", "alice")
    text = lines(await h.at(local(date(2026, 12, 17), 9), "bob", "/rapport lights"))
    assert text[0].endswith("over the last 2 meetings.")
    assert "• referrals and leads given: 0.50 per meeting (1 in all; green from 1) 🟠" in text
    # setting the meeting again (another time) does not restart the count
    assert "Saved" in await h.at(
        local(date(2026, 12, 17), 10), "alice", "/rapport meeting set wed 07:30"
    )
    text = lines(await h.at(local(date(2026, 12, 17), 11), "bob", "/rapport lights"))
    assert text[0].endswith("over the last 2 meetings.")
