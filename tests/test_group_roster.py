"""The group itself: setup, seats, profiles, the weekly meeting, 1-2-1s, numbers and help,
as the members see them (replies, DMs, channel posts) and as the data holds them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.messages import slash
from bot.model import Meeting
from bot.registry import COMMANDS
from bot.schedule import next_meeting, quarter_bounds, week_bounds
from bot.text import When
from tests.fakes import DM, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

NY_WEDNESDAY_7AM = Meeting(weekday=2, time="07:00", tz="America/New_York")
SAST = "Africa/Johannesburg"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def next_instants(message) -> list[datetime]:
    """The instants a message shows (each reader sees them in their own time)."""
    return [p.at for p in message.text.parts if isinstance(p, When)]


def texts(sent) -> list[str]:
    return [s.text for s in sent]


async def member_id(repo, handle: str, where=None) -> int:
    async with repo.transaction() as tx:
        g = await tx.groups.by_channel(where or channel())
        assert g is not None
        m = await tx.members.get(g.id, handle)
        assert m is not None
        return m.id


# --- setup -------------------------------------------------------------------------------
async def test_setup_makes_the_channel_a_group_with_the_caller_as_admin(chat, messenger):
    reply = await chat("alice", "/rapport setup Breakfast Club")
    assert "Breakfast Club is set up in this channel and you are its admin" in reply
    [post] = messenger.posts()
    assert post.to == channel()
    assert post.text.startswith("@alice set up Rapport for Breakfast Club here.")
    assert "/rapport join" in post.text
    # the admin is on the roster and may do what only the admin may
    [done] = await chat.messages("alice", "/rapport meeting set wed 07:00")
    assert (done.kind, done.refused) == ("meeting.saved", False)


async def test_setup_without_a_name_uses_the_channel_name(chat):
    assert "general is set up in this channel" in await chat("alice", "/rapport setup")


async def test_a_second_setup_in_the_same_channel_is_refused_naming_group_and_admin(
    chat, messenger
):
    await chat("alice", "/rapport setup Breakfast Club")
    messenger.clear()
    reply = await chat("bob", "/rapport setup Lunch Club")
    assert reply == "This channel is already home to Breakfast Club (admin: @alice)."
    assert messenger.sent == []
    # bob did not become a member (nor an admin) by trying
    assert await member(chat, "bob") is None


async def test_setup_from_a_direct_message_is_refused(chat, messenger):
    reply = await chat("alice", "/rapport setup Breakfast Club", where=DM)
    assert "not in a direct message" in reply
    assert messenger.sent == []
    # and no group came of it: the channel is still not a group
    assert "isn't a Rapport group yet" in await chat("alice", "/rapport join Roofing")


# --- seats -------------------------------------------------------------------------------
async def test_join_welcomes_the_member_and_tells_the_channel(group, messenger):
    reply = await group("dave", "/rapport join Bookkeeping")
    assert reply.startswith("Welcome to Breakfast Club! You hold the Bookkeeping seat.")
    [post] = messenger.posts()
    assert post.text == "Please welcome @dave, who takes the Bookkeeping seat!"
    assert await seat(group, "dave") == "Bookkeeping"


async def test_a_taken_seat_is_refused_ignoring_case_and_spaces(group, messenger):
    reply = await group("dave", "/rapport join residential  PLUMBING")
    assert "The Residential plumbing seat is taken by @bob" in reply
    assert messenger.sent == []
    # nothing stored: dave is not on the roster at all
    assert await member(group, "dave") is None
    assert await seat(group, "bob") == "Residential plumbing"


async def test_a_member_cannot_move_into_a_taken_seat(group, messenger):
    reply = await group("carol", "/rapport join Residential Plumbing")
    assert "taken by @bob" in reply
    assert messenger.sent == []
    assert await seat(group, "carol") == "Roofing"


async def test_joining_again_with_the_same_seat_is_a_friendly_no_op(group, messenger):
    assert await group("bob", "/rapport join Residential plumbing") == (
        "You already hold the Residential plumbing seat."
    )
    assert await group("bob", "/rapport join RESIDENTIAL   plumbing") == (
        "You already hold the Residential plumbing seat."
    )
    assert messenger.sent == []


async def test_moving_to_a_free_classification_frees_the_old_seat(group, messenger):
    reply = await group("bob", "/rapport join Bookkeeping")
    assert reply == "You moved from Residential plumbing to the Bookkeeping seat in Breakfast Club."
    [post] = messenger.posts()
    assert post.text == "@bob moved from Residential plumbing to Bookkeeping."
    assert await seat(group, "bob") == "Bookkeeping"
    messenger.clear()
    # the old seat is free for someone else now
    assert "You hold the residential plumbing seat" in await group(
        "dave", "/rapport join residential plumbing"
    )
    assert texts(messenger.posts()) == [
        "Please welcome @dave, who takes the residential plumbing seat!"
    ]
    # and the new one is bob's
    assert "taken by @bob" in await group("erin", "/rapport join bookkeeping")


async def test_commands_from_someone_not_on_the_roster_say_how_to_join(group, messenger):
    for line in (
        "/rapport profile",
        "/referral @bob Jane Roe jane@roe.example",
        "/onetoone @bob",
        "/rapport stats",
        "/rapport meeting",
    ):
        reply = await group("dave", line)
        assert "You're not on Breakfast Club's roster yet" in reply, line
        assert "/rapport join <your classification>" in reply, line
    assert messenger.sent == []


# --- profile -----------------------------------------------------------------------------
async def profile(group, who: str) -> tuple[str, dict[str, str]]:
    """The kind of `who`'s /rapport profile reply and its fields, as plain text."""
    [reply] = await group.messages(who, "/rapport profile")
    return reply.kind, {f.name: f.value.plain() for f in reply.fields}


async def member(chat, who: str, where=None):
    """`who`'s row on the roster of the group in `where` (the channel), or None."""
    async with chat.core.repo.transaction() as tx:
        g = await tx.groups.by_channel(where or channel())
        return await tx.members.get(g.id, who) if g else None


async def seat(chat, who: str) -> str | None:
    m = await member(chat, who)
    assert m is not None and m.active, f"{who} is not on the roster"
    return m.classification


async def stored(group, who: str) -> dict[str, object]:
    """What the database holds of a member's profile."""
    async with group.core.repo.transaction() as tx:
        m = await tx.members.get((await tx.groups.by_channel(channel())).id, who)
    return {"ask": m.ask, "email": m.email, "tz": m.tz, "quiet": m.quiet_hours, "dm": m.dm_enabled}


UNSET = {"ask": None, "email": None, "tz": None, "quiet": None, "dm": True}


async def test_the_bare_profile_shows_every_setting_with_its_default(group):
    kind, fields = await profile(group, "bob")
    assert kind == "profile"
    assert list(fields) == [
        "Classification",
        "Ask",
        "Email",
        "Time zone",
        "Quiet hours",
        "Direct messages",
    ]
    assert fields["Classification"] == "Residential plumbing"
    assert await stored(group, "bob") == UNSET
    # the defaults shown are the group's zone and the configured quiet hours
    assert fields["Time zone"].startswith("Africa/Johannesburg")
    assert fields["Quiet hours"].startswith(group.core.settings.quiet_hours)
    assert fields["Direct messages"] == "on"


async def test_profile_changes_show_in_the_bare_profile(group):
    for line in (
        "/rapport profile ask homeowners redoing a bathroom",
        "/rapport profile email bob@plumbing.example",
        "/rapport profile tz Europe/London",
        "/rapport profile quiet 22:00-06:30",
        "/rapport profile dm off",
    ):
        [saved] = await group.messages("bob", line)
        assert (saved.kind, saved.refused) == ("profile.updated", False), line
    assert await stored(group, "bob") == {
        "ask": "homeowners redoing a bathroom",
        "email": "bob@plumbing.example",
        "tz": "Europe/London",
        "quiet": "22:00-06:30",
        "dm": False,
    }
    _, fields = await profile(group, "bob")
    assert {
        k: fields[k] for k in ("Classification", "Ask", "Email", "Time zone", "Quiet hours")
    } == {
        "Classification": "Residential plumbing",
        "Ask": "homeowners redoing a bathroom",
        "Email": "bob@plumbing.example",
        "Time zone": "Europe/London",
        "Quiet hours": "22:00-06:30",
    }
    assert fields["Direct messages"].startswith("off")
    [saved] = await group.messages("bob", "/rapport profile dm on")
    assert saved.kind == "profile.updated"
    assert (await profile(group, "bob"))[1]["Direct messages"] == "on"
    # other members' profiles are untouched
    assert await stored(group, "carol") == UNSET


async def test_a_bad_profile_value_is_refused_and_nothing_changes(group):
    for line in (
        "/rapport profile tz Mars/Olympus",
        "/rapport profile quiet late",
        "/rapport profile email not-an-address",
    ):
        [refused] = await group.messages("bob", line)
        assert (refused.kind, refused.refused) == ("error.usage", True), line
    assert await stored(group, "bob") == UNSET


async def test_dm_off_still_brings_referrals_but_not_1_2_1_notices(group, messenger):
    await group("bob", "/rapport profile dm off")
    messenger.clear()
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- new geyser")
    [dm] = messenger.dms_to("bob")
    assert "@alice passed you a referral: Jane Roe" in dm.text
    assert "jane@roe.example" in dm.text
    # the prospect's details went by DM only, never to the channel
    assert all("jane@roe.example" not in t for t in texts(messenger.posts()))
    messenger.clear()
    reply = await group("carol", "/onetoone @bob")
    assert "Your 1-2-1 with @bob is logged" in reply
    assert messenger.dms_to("bob") == []


async def test_dm_on_brings_the_1_2_1_notice(group, messenger):
    await group("carol", "/onetoone @bob")
    [dm] = messenger.dms_to("bob")
    assert "@carol logged a 1-2-1 with you" in dm.text


# --- commands typed in a DM -----------------------------------------------------------
async def test_a_member_of_one_group_can_use_commands_in_a_dm(group, messenger):
    assert "Saved" in await group("bob", "/rapport profile ask kitchen remodels", where=DM)
    reply = await group("bob", "/rapport profile", where=DM)
    assert "Your profile in Breakfast Club:" in reply
    assert "Ask: kitchen remodels" in reply
    reply = await group("bob", "/referral @carol Ann Lee 082 555 0101", where=DM)
    assert "Referral #1 to @carol is logged" in reply
    assert texts(messenger.posts()) == ["@bob passed a referral to @carol."]
    assert [p.to for p in messenger.posts()] == [channel()]


async def test_a_member_of_two_groups_is_asked_to_use_the_channel(group, messenger):
    lunch = channel("lunch")
    assert "set up" in await group("dave", "/rapport setup Lunch Club", where=lunch)
    assert "Welcome to Lunch Club" in await group("bob", "/rapport join Plumbing", where=lunch)
    messenger.clear()
    for line in (
        "/rapport profile",
        "/rapport profile ask anything",
        "/referral @carol X 0825550101",
    ):
        reply = await group("bob", line, where=DM)
        assert "You belong to several groups (Breakfast Club, Lunch Club)" in reply, line
        assert "run this in the group's channel" in reply, line
    assert messenger.sent == []
    # in each channel, bob is the member of that channel's group
    assert "Your profile in Lunch Club" in await group("bob", "/rapport profile", where=lunch)
    reply = await group("bob", "/rapport profile")
    assert "Your profile in Breakfast Club" in reply
    assert "Ask: not set" in reply


# --- the weekly meeting ------------------------------------------------------------------
async def test_no_meeting_yet_says_how_to_set_it(group):
    reply = await group("bob", "/rapport meeting")
    assert reply.startswith("No weekly meeting is set yet.")
    assert "/rapport meeting set <weekday> <HH:MM>" in reply


async def test_only_the_admin_sets_or_skips_the_meeting(group, messenger):
    assert await group("bob", "/rapport meeting set wed 07:00") == (
        "Only the group's admins can set the weekly meeting."
    )
    assert "No weekly meeting is set yet" in await group("bob", "/rapport meeting")
    await group("alice", "/rapport meeting set wed 07:00")
    messenger.clear()
    assert await group("bob", "/rapport meeting skip 2026-12-02") == (
        "Only the group's admins can skip a meeting."
    )
    assert messenger.sent == []
    assert "Skipped" not in await group("bob", "/rapport meeting")


async def test_setting_the_meeting_tells_the_channel_and_shows_the_next_one(group, messenger):
    reply = await group("alice", "/rapport meeting set wed 07:00 America/New_York -- Café Rio")
    saved, currency = reply.split("\n")
    assert saved == "Saved; I've told the channel. /rapport meeting ics puts it in your calendar."
    # nothing was recorded yet, and nobody chose the currency: it follows the new zone
    assert currency.startswith("The group's time zone moved, and no amount is recorded yet,")
    assert "Amounts are in USD ($), written like $1,500.00" in currency
    [post] = messenger.posts()
    assert post.text == (
        "The weekly meeting is now Wednesdays at 07:00 (America/New_York), Café Rio."
        " Next: Wed 2 Dec 07:00."
    )
    # 07:00 in New York in December (EST, UTC-5) is 12:00 UTC
    assert next_instants(post.message) == [utc(2026, 12, 2, 12, 0)]
    [shown] = await group.messages("bob", "/rapport meeting")
    assert shown.fallback() == (
        "Breakfast Club meets Wednesdays at 07:00 (America/New_York), Café Rio."
        " Next meeting: Wed 2 Dec 07:00."
    )
    assert next_instants(shown) == [utc(2026, 12, 2, 12, 0)]


async def test_meeting_without_a_zone_uses_the_groups(group, messenger):
    await group("alice", "/rapport meeting set thursday 7:30")
    reply = await group("carol", "/rapport meeting")
    assert reply == (
        "Breakfast Club meets Thursdays at 07:30 (Africa/Johannesburg). Next meeting: Thu 3 Dec 07:30."
    )


async def test_skipping_a_meeting_day_tells_the_channel_and_moves_the_next_meeting(
    group, messenger
):
    await group("alice", "/rapport meeting set wed 07:00 America/New_York -- Café Rio")
    messenger.clear()
    reply = await group("alice", "/rapport meeting skip 2026-12-02")
    assert reply == "Skipped 2026-12-02; I've told the channel."
    [post] = messenger.posts()
    assert post.text.startswith("No meeting on 2026-12-02")
    [shown] = await group.messages("bob", "/rapport meeting")
    assert "Next meeting: Wed 9 Dec 07:00." in shown.fallback()
    assert "Skipped: 2026-12-02." in shown.fallback()
    assert next_instants(shown) == [utc(2026, 12, 9, 12, 0)]


async def test_skipping_twice_is_a_no_op(group, messenger):
    await group("alice", "/rapport meeting set wed 07:00 America/New_York")
    await group("alice", "/rapport meeting skip 2026-12-02")
    messenger.clear()
    assert (
        await group("alice", "/rapport meeting skip 2026-12-02") == "2026-12-02 is already skipped."
    )
    assert messenger.sent == []
    assert "Next meeting: Wed 9 Dec 07:00." in await group("bob", "/rapport meeting")


async def test_skipping_a_day_that_is_not_a_meeting_day_is_refused(group, messenger):
    await group("alice", "/rapport meeting set wed 07:00 America/New_York -- Café Rio")
    messenger.clear()
    reply = await group("alice", "/rapport meeting skip 2026-12-03")
    assert reply == (
        "2026-12-03 is not a meeting day; the group meets Wednesdays at 07:00"
        " (America/New_York), Café Rio."
    )
    assert messenger.sent == []
    reply = await group("bob", "/rapport meeting")
    assert "Next meeting: Wed 2 Dec 07:00." in reply
    assert "Skipped" not in reply


async def test_skipping_a_past_meeting_is_refused(group, messenger):
    await group("alice", "/rapport meeting set wed 07:00 America/New_York")
    messenger.clear()
    reply = await group("alice", "/rapport meeting skip 2026-11-25")
    assert reply == "2026-11-25 has already passed; give a future meeting date."
    assert messenger.sent == []
    assert "Skipped" not in await group("bob", "/rapport meeting")


# --- bot/schedule.py ---------------------------------------------------------------------
def test_next_meeting_keeps_local_time_across_the_spring_dst_change():
    # New York springs forward on Sunday 2027-03-14: EST (UTC-5) before, EDT (UTC-4) after
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 3, 8)) == utc(2027, 3, 10, 12, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 3, 10, 12, 0)) == utc(2027, 3, 17, 11, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 3, 15)) == utc(2027, 3, 17, 11, 0)


def test_next_meeting_keeps_local_time_across_the_autumn_dst_change():
    # New York falls back on Sunday 2027-11-07: EDT (UTC-4) before, EST (UTC-5) after
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 11, 1)) == utc(2027, 11, 3, 11, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 11, 3, 11, 0)) == utc(2027, 11, 10, 12, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 11, 8)) == utc(2027, 11, 10, 12, 0)


def test_next_meeting_is_strictly_after_unless_inclusive_and_passes_skipped_dates():
    at = utc(2027, 3, 17, 11, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, at) == utc(2027, 3, 24, 11, 0)
    assert next_meeting(NY_WEDNESDAY_7AM, at, inclusive=True) == at
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 3, 15), {"2027-03-17"}) == utc(
        2027, 3, 24, 11, 0
    )
    assert next_meeting(NY_WEDNESDAY_7AM, utc(2027, 3, 15), {"2027-03-17", "2027-03-24"}) == utc(
        2027, 3, 31, 11, 0
    )


def test_week_bounds_run_monday_to_monday_in_the_groups_zone():
    # Johannesburg is UTC+2 all year: local midnight is 22:00 UTC the day before
    week = (utc(2026, 11, 29, 22, 0), utc(2026, 12, 6, 22, 0))
    assert week_bounds(utc(2026, 11, 30, 6, 0), SAST) == week
    assert week_bounds(utc(2026, 11, 29, 22, 0), SAST) == week  # Monday 00:00 local
    assert week_bounds(utc(2026, 12, 6, 21, 59), SAST) == week  # Sunday 23:59 local
    # Sunday 23:59 local on the 29th still belongs to the week before
    assert week_bounds(utc(2026, 11, 29, 21, 59), SAST) == (
        utc(2026, 11, 22, 22, 0),
        utc(2026, 11, 29, 22, 0),
    )


def test_quarter_bounds_in_the_groups_zone():
    q4 = (utc(2026, 9, 30, 22, 0), utc(2026, 12, 31, 22, 0))
    assert quarter_bounds(utc(2026, 11, 30, 6, 0), SAST) == q4
    assert quarter_bounds(utc(2026, 9, 30, 22, 0), SAST) == q4  # 1 Oct 00:00 local
    assert quarter_bounds(utc(2026, 9, 30, 21, 59), SAST) == (
        utc(2026, 6, 30, 22, 0),
        utc(2026, 9, 30, 22, 0),
    )
    # 31 Dec 22:30 UTC is already New Year's Day in Johannesburg
    assert quarter_bounds(utc(2026, 12, 31, 22, 30), SAST) == (
        utc(2026, 12, 31, 22, 0),
        utc(2027, 3, 31, 22, 0),
    )
    assert quarter_bounds(utc(2027, 5, 15, 12, 0), SAST) == (
        utc(2027, 3, 31, 22, 0),
        utc(2027, 6, 30, 22, 0),
    )


# --- 1-2-1s ------------------------------------------------------------------------------
async def test_a_1_2_1_asks_the_other_member_to_log_it_too(group, messenger, repo):
    reply = await group("carol", "/onetoone @alice -- coffee at Rio")
    assert reply == "Your 1-2-1 with @alice is logged. I've asked @alice to log it too."
    [dm] = messenger.dms_to("alice")
    assert "@carol logged a 1-2-1 with you" in dm.text
    [action] = dm.message.actions
    assert action.label == "Log it too"
    assert action.action_id == f"121:{await member_id(repo, 'carol')}"
    assert action.command.plain() == "/onetoone @carol"
    assert messenger.posts() == []


async def test_both_logging_within_a_day_counts_once(group, messenger, clock):
    await group("carol", "/onetoone @alice")
    clock.advance(hours=20)
    messenger.clear()
    reply = await group("alice", "/onetoone @carol")
    assert reply == "Your 1-2-1 with @carol is logged; @carol logged it too, so it counts once."
    assert messenger.sent == []  # no second "log it too" DM
    for who in ("alice", "carol"):
        stats = await group(who, "/rapport stats")
        assert "This week:" in stats and ", 1 1-2-1\n" in stats, who
        assert stats.rstrip().endswith(", 1 1-2-1"), who
    assert ", 0 1-2-1s" in await group("bob", "/rapport stats")


async def test_the_same_member_logging_twice_is_a_no_op(group, messenger):
    await group("carol", "/onetoone @alice")
    messenger.clear()
    reply = await group("carol", "/onetoone @alice")
    assert reply == "You already logged a 1-2-1 with @alice today; it counts once."
    assert messenger.sent == []
    assert ", 1 1-2-1\n" in await group("carol", "/rapport stats")


async def test_logging_again_after_more_than_a_day_counts_a_second_one(group, messenger, clock):
    await group("carol", "/onetoone @alice")
    await group("alice", "/onetoone @carol")
    clock.advance(days=2)
    messenger.clear()
    reply = await group("carol", "/onetoone @alice")
    assert reply == "Your 1-2-1 with @alice is logged. I've asked @alice to log it too."
    assert len(messenger.dms_to("alice")) == 1
    assert "This week: " in (stats := await group("alice", "/rapport stats"))
    assert ", 2 1-2-1s\n" in stats
    # and alice confirming this one keeps it at two
    assert "counts once" in await group("alice", "/onetoone @carol")
    assert ", 2 1-2-1s\n" in await group("carol", "/rapport stats")


async def test_clicking_log_it_too_confirms_the_1_2_1(group, messenger, repo):
    await group("carol", "/onetoone @alice")
    [dm] = messenger.dms_to("alice")
    [action] = dm.message.actions
    messenger.clear()
    reply = await group.click("alice", action.action_id, where=DM)
    assert reply == "Your 1-2-1 with @carol is logged; @carol logged it too, so it counts once."
    assert messenger.sent == []
    assert ", 1 1-2-1\n" in await group("carol", "/rapport stats")
    assert ", 1 1-2-1\n" in await group("alice", "/rapport stats")


async def test_a_1_2_1_with_yourself_or_a_stranger_is_refused(group, messenger):
    assert "A 1-2-1 takes two" in await group("bob", "/onetoone @bob")
    assert "@dave isn't on Breakfast Club's roster" in await group("bob", "/onetoone @dave")
    assert messenger.sent == []
    assert ", 0 1-2-1s\n" in await group("bob", "/rapport stats")


async def test_a_1_2_1_with_two_members_logs_one_with_each(group, messenger, repo):
    replies = await group("bob", "/onetoone @carol @alice -- breakfast at Rio")
    assert replies.splitlines() == [
        "Your 1-2-1 with @carol is logged. I've asked @carol to log it too.",
        "Your 1-2-1 with @alice is logged. I've asked @alice to log it too.",
    ]
    assert [len(messenger.dms_to(h)) for h in ("carol", "alice")] == [1, 1]
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT m.user_id AS other, o.note FROM one_to_ones o JOIN members m"
            " ON m.id IN (o.member_a, o.member_b) AND m.user_id != 'bob' ORDER BY o.id"
        )
    assert [(r["other"], r["note"]) for r in rows] == [
        ("carol", "breakfast at Rio"),
        ("alice", "breakfast at Rio"),
    ]
    assert ", 2 1-2-1s\n" in await group("bob", "/rapport stats")


async def test_a_1_2_1_naming_someone_not_in_the_group_logs_none_of_them(group, messenger, repo):
    reply = await group("bob", "/onetoone @carol @dave")
    assert reply == (
        "@dave isn't on Breakfast Club's roster. They can join with /rapport join <classification>."
    )
    assert messenger.sent == []
    assert ", 0 1-2-1s\n" in await group("bob", "/rapport stats")


# --- stats -------------------------------------------------------------------------------
STATS_LINE = re.compile(
    r"(?P<label>This week|This quarter): (?P<rg>\d+) referrals? given, (?P<rr>\d+) received,"
    r" (?P<lg>\d+) leads? given, (?P<lr>\d+) received"
    r"(?:, closed business (?P<cb>R[\d\u00a0]+,\d\d))?, (?P<oo>\d+) 1-2-1s?$"
)


def numbers(reply: str) -> dict[str, tuple]:
    """{"This week": (referrals given, received, leads given, received, closed business, 1-2-1s)}"""
    out = {}
    for line in reply.splitlines():
        if m := STATS_LINE.match(line):
            out[m["label"]] = (
                int(m["rg"]),
                int(m["rr"]),
                int(m["lg"]),
                int(m["lr"]),
                m["cb"],
                int(m["oo"]),
            )
    assert set(out) == {"This week", "This quarter"}, reply
    return out


async def history(chat, clock) -> None:
    """A hand-built quarter and a bit. Week: Mon 30 Nov - Sun 6 Dec (Johannesburg);
    quarter: 1 Oct - 31 Dec (Johannesburg); checked on Wed 2 Dec."""
    clock.set(utc(2026, 9, 28, 8, 0))
    await chat("alice", "/rapport setup Breakfast Club")
    await chat("alice", "/rapport join Commercial insurance")
    await chat("bob", "/rapport join Residential plumbing")
    await chat("carol", "/rapport join Roofing")

    # 30 Sep 23:30 in Johannesburg: last quarter, counts nowhere
    clock.set(utc(2026, 9, 30, 21, 30))
    assert "#1 " in await chat("alice", "/referral @bob Old Client 082 555 0100")
    assert "won" in await chat("bob", "/referrals update 1 won 1000")
    assert "logged" in await chat("carol", "/onetoone @bob")

    # 1 Oct 00:30 in Johannesburg: this quarter, not this week
    clock.set(utc(2026, 9, 30, 22, 30))
    assert "#2 " in await chat("alice", "/lead @bob Acme Ltd")

    # last week
    clock.set(utc(2026, 11, 25, 10, 0))
    assert "#3 " in await chat("bob", "/referral @alice Ben Ode ben@ode.example")
    assert "#4 " in await chat("carol", "/referral @bob Cara Day 082 555 0104")
    assert "won" in await chat("bob", "/referrals update 4 won 2500")
    assert "logged" in await chat("bob", "/onetoone @carol")
    assert "counts once" in await chat("carol", "/onetoone @bob")
    # Sunday 23:30 in Johannesburg: still last week
    clock.set(utc(2026, 11, 29, 21, 30))
    assert "#5 " in await chat("alice", "/referral @bob Dee Eve 082 555 0105")

    # this week: Monday 00:30 in Johannesburg
    clock.set(utc(2026, 11, 29, 22, 30))
    assert "#6 " in await chat("carol", "/lead @bob Fig Tree Café")
    clock.set(utc(2026, 12, 1, 9, 0))
    assert "#7 " in await chat("alice", "/referral @bob Gus Hay gus@hay.example")
    assert "won" in await chat("bob", "/referrals update 7 won 1500")
    assert "logged" in await chat("bob", "/onetoone @alice")
    assert "counts once" in await chat("alice", "/onetoone @bob")
    assert "R300,00" in await chat("bob", "/thanks @carol R300 -- a tip-off")

    clock.set(utc(2026, 12, 2, 8, 0))


async def test_stats_count_this_week_and_this_quarter(chat, clock):
    await history(chat, clock)
    bob = numbers(await chat("bob", "/rapport stats"))
    assert bob["This week"] == (0, 1, 0, 1, "R1\u00a0800,00", 1)
    assert bob["This quarter"] == (1, 3, 0, 2, "R4\u00a0300,00", 2)
    alice = numbers(await chat("alice", "/rapport stats"))
    assert alice["This week"] == (1, 0, 0, 0, "R0,00", 1)
    assert alice["This quarter"] == (2, 1, 1, 0, "R0,00", 1)
    carol = numbers(await chat("carol", "/rapport stats"))
    assert carol["This week"] == (0, 0, 1, 0, "R0,00", 0)
    assert carol["This quarter"] == (1, 0, 1, 0, "R0,00", 1)


async def test_stats_of_another_member_never_show_their_closed_business(chat, clock):
    await history(chat, clock)
    reply = await chat("alice", "/rapport stats @bob")
    assert reply.startswith("@bob's numbers")
    assert "closed business" not in reply.casefold().replace(
        "closed business amounts are private", ""
    )
    assert "R1\u00a0800" not in reply and "R4\u00a0300" not in reply and "R0,00" not in reply
    assert "private to each member" in reply
    bob = numbers(reply)
    assert bob["This week"] == (0, 1, 0, 1, None, 1)
    assert bob["This quarter"] == (1, 3, 0, 2, None, 2)


async def test_own_stats_show_own_closed_business(chat, clock):
    await history(chat, clock)
    reply = await chat("bob", "/rapport stats")
    assert reply.startswith("Your numbers")
    assert "closed business R1\u00a0800,00" in reply
    assert "closed business R4\u00a0300,00" in reply
    assert "private to each member" not in reply
    # naming yourself is the same as asking for your own
    assert "closed business R1\u00a0800,00" in await chat("bob", "/rapport stats @bob")


async def test_stats_for_a_non_member_are_refused(group):
    assert "@dave isn't on Breakfast Club's roster" in await group("alice", "/rapport stats @dave")


# --- help --------------------------------------------------------------------------------
async def test_help_lists_every_command(group):
    reply = await group("bob", "/rapport help")
    for command in (
        "/rapport setup",
        "/rapport join",
        "/rapport profile",
        "/referral ",
        "/lead ",
        "/referrals ",
        "/thanks ",
        "/onetoone ",
        "/rapport meeting",
        "/rapport stats",
        "/rapport help",
    ):
        assert f"\n{command}" in reply, command
    # a bare /rapport is help too, and help needs no group
    assert await group("bob", "/rapport") == reply
    assert await group("dave", "/rapport help", where=DM) == reply


async def test_every_command_word_has_help_with_an_example(group):
    """Each command a member can type, aliases included, has its own help: what it does, its
    usage and an example, written with the command names the platforms register."""
    full = await group("bob", "/rapport help")
    for word, command in COMMANDS.items():
        reply = await group("bob", f"/rapport help {word}")
        assert reply.startswith(f"{slash(command)} — "), (word, reply)
        assert f"\nUsage: {slash(command)}" in reply, word
        assert f"\nExample: {slash(command)}" in reply, word
        assert f"\n{slash(command)} — " in full, command
    assert (await group("bob", "/rapport help gaps")).startswith(
        "/rapport gaps — your contact sphere, your power team here"
    )


async def test_help_for_a_command_shows_usage_and_an_example(group):
    reply = await group("bob", "/rapport help referral")
    assert reply.startswith("/referral — ")
    assert "Usage: /referral @member <prospect name>" in reply
    assert "Example: /referral @bob " in reply
    assert await group("bob", "/rapport help /referral") == reply
    assert await group("bob", "/help refer") == reply
    reply = await group("bob", "/rapport help meeting")
    assert "Usage: /rapport meeting" in reply
    assert "/rapport meeting skip <YYYY-MM-DD>" in reply
    assert "Example: /rapport meeting set " in reply


async def test_an_unknown_command_hints_at_help(group, messenger):
    reply = await group("bob", "/rapport frobnicate now")
    assert "frobnicate" in reply
    assert "/rapport help" in reply
    assert "/rapport help" in await group("bob", "/frobnicate")
    assert "/rapport help" in await group("bob", "/rapport help frobnicate")
    assert messenger.sent == []


# --- error examples ------------------------------------------------------------------------
BARE = re.compile(r"(?<![\w/])/(profile|meeting|stats|help|export|attendance|lights)\b")


async def test_error_examples_use_the_command_names_every_platform_registers(group):
    """Slack and Discord register /referral, /lead, /referrals, /thanks and /onetoone; the
    rest live under /rapport: `/profile …` is not something a Slack member can type."""
    for line in (
        "/rapport profile ask",
        "/rapport profile email nope",
        "/rapport profile dm maybe",
        "/rapport profile suggestions maybe",
        "/rapport profile colour blue",
        "/rapport stats everyone",
        "/rapport meeting -- Cafe Rio",
        "/rapport meeting set wed",
        "/rapport meeting soon",
        "/rapport",
    ):
        reply = await group("bob", line)
        assert not BARE.search(reply), (line, reply)
    reply = await group("bob", "/rapport profile ask")
    assert reply.startswith("Say what referral you want, e.g. /rapport profile ask homeowners")


async def test_example_dates_are_computed_from_the_clock_never_past(group, clock):
    clock.set(datetime(2031, 3, 10, 8, 0, tzinfo=UTC))  # Mon 10 Mar 2031
    await group("alice", "/rapport meeting set mon 07:00")
    reply = await group("alice", "/rapport meeting skip")
    assert reply.startswith("Give the date to skip, e.g. /rapport meeting skip 2031-03-17.")
    reply = await group("alice", "/rapport export 2031-01-01 2031-02-01 2031-03-01")
    assert reply.startswith(
        "Give at most two dates, e.g. /rapport export 2031-01-01 2031-03-10.\nUsage:"
    )
    assert reply.endswith("Example: /rapport export 2031-01-01 2031-03-10")
    assert (await group("alice", "/rapport help export")).endswith(
        "Example: /rapport export 2031-01-01 2031-03-10"
    )
    # with no meeting held lately, attendance names the next meeting's date, not an old one
    await group("alice", "/rapport meeting set wed 07:00")
    for day in ("2031-03-12", "2031-03-19", "2031-03-26", "2031-04-02", "2031-04-09"):
        assert "Skipped" in await group("alice", f"/rapport meeting skip {day}")
    clock.set(datetime(2031, 4, 10, 8, 0, tzinfo=UTC))
    assert await group("alice", "/rapport attendance present @bob") == (
        "No meeting has been held in the last five weeks, so there is none to record yet. The"
        " next is on 2031-04-16: record it after the meeting. For an older meeting, give its"
        " date: /rapport attendance YYYY-MM-DD."
    )
    years = re.findall(r"\b(20\d\d)-\d\d-\d\d\b", await group("alice", "/rapport help"))
    assert all(y == "2031" for y in years)
