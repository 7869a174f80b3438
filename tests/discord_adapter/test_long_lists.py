"""A 120-member chapter on Discord: every list arrives whole, spread over as many messages as
Discord's limits need, none allowing more than 100 mentions, and every payload is inside
the limits (tests/limits.py cites the numbers).

Breakfast Club meets on Wednesday at 07:00 in Johannesburg. Besides Alice, Bob and Carol,
117 members with names in many scripts gave a referral this week, were thanked and brought
a visitor (tests/chapter.py).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from adapters.discord import render
from bot.features.referrals import messages as referrals_messages
from bot.model import ChannelRef, Member, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, Progress
from bot.text import Mention, Rich, listing, lit
from tests import limits
from tests.chapter import SIZE, Week, names, seed
from tests.discord_adapter.conftest import Bot, buttons, text
from tests.discord_adapter.fake_discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.discord_adapter.payloads import ALICE, BOB, Person, slash

MONDAY_NOON = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
TUESDAY_1800_SAST = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
WEDNESDAY_0600_SAST = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
WEDNESDAY_0900_SAST = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
GENERAL = ChannelRef("discord", str(GUILD_ID), str(CHANNEL_ID), "#general")
DISCORD_NAME_MAX = 32  # a server nickname is at most 32 characters


@pytest.fixture
async def chapter(group: Bot, discord_api: FakeDiscord) -> Week:
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
        where="The Oaks",
    )
    people = [
        Person(900000000000100000 + i, f"member{i}", name)
        for i, name in enumerate(names(SIZE - 3, DISCORD_NAME_MAX))
    ]
    for p in people:
        discord_api.users[p.id] = p.user
    refs = [UserRef("discord", str(GUILD_ID), str(p.id), p.global_name) for p in people]
    week = await seed(group.app.repo, GENERAL, refs, int(MONDAY_NOON.timestamp()))
    assert len(week.members) == SIZE
    return week


def checked(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for m in messages:
        assert limits.discord_problems(m) == [], limits.discord_problems(m)
    return messages


def shown(messages: list[dict[str, Any]]) -> str:
    return "\n".join(t for m in messages for t in limits.discord_texts(m))


async def tick(group: Bot, clock, at: datetime) -> list[dict[str, Any]]:
    before = len(group.api.posts())
    clock.set(at)
    await group.tick()
    return checked(group.api.posts()[before:])


async def test_the_recap_names_every_giver_thank_and_visitor(chapter: Week, group: Bot, clock):
    recap = await tick(group, clock, WEDNESDAY_0900_SAST)
    assert len(recap) > 1
    # in embeds, each message as full as 6,000 characters and 100 allowed mentions let it be
    assert all(not m.get("content") and m["embeds"] for m in recap)
    assert len(recap) < math.ceil(len(shown(recap)) / limits.DISCORD_CONTENT)
    seen = shown(recap)
    assert seen.startswith(f"📊 This week at Breakfast Club: {SIZE} referrals, 0 leads")
    for m in chapter.members:
        assert f"<@{m.user.user_id}> (1 referral)" in seen, m.name
    assert seen.count(" thanked ") == SIZE
    for v in chapter.visitors:
        assert render.user_text(v) in seen
    assert "Given by (continued): " in seen
    # each member may be pinged, and no message allows more than Discord's 100
    allowed = [set((m["allowed_mentions"] or {}).get("users") or []) for m in recap]
    assert all(len(a) <= limits.DISCORD_ALLOWED_USERS for a in allowed)
    assert set().union(*allowed) == {int(m.user.user_id) for m in chapter.members}


async def test_both_reminders_keep_their_asks_seats_numbers_and_rsvp(
    chapter: Week, group: Bot, clock
):
    for at, head in (
        (TUESDAY_1800_SAST, "📅 Reminder: "),
        (WEDNESDAY_0600_SAST, "⏰ Starting soon"),
    ):
        reminder = await tick(group, clock, at)
        seen = shown(reminder)
        # in embeds: 6,000 characters a message, not 2,000, so as few messages as that allows
        assert all(not m.get("content") and m["embeds"] for m in reminder)
        assert len(reminder) == math.ceil(len(seen) / limits.DISCORD_EMBEDS_TOTAL)
        assert seen.startswith(head)
        asked = [m for m in chapter.members if f"<@{m.user.user_id}> wants: " in seen]
        assert len(asked) == 8  # a big chapter's asks rotate week by week
        for m in asked:
            whole = render.user_text(m.ask or "")
            pointer = f"… (all of it: /rapport profile <@{m.user.user_id}>)"
            assert whole in seen or pointer in seen
        for seat in chapter.seats:
            assert render.user_text(seat) in seen
        assert f"The last 7 days: {SIZE} referrals, 0 leads" in seen
        assert "Coming? Let the group know:" in seen
        assert [len(buttons(m)) for m in reminder] == [0] * (len(reminder) - 1) + [3]


@pytest.mark.parametrize(
    ("path", "values", "head"),
    [
        (("lights",), {"everyone": True}, "Traffic lights (rolling window):"),
        (("attendance", "show"), {"date": "2026-12-02"}, "Attendance on 2026-12-02:"),
        (("leaderboard",), {"period": "week"}, "🏆 Referrals and leads given this week:"),
        (("gaps",), {}, ""),
        (("settings", "show"), {}, ""),
    ],
)
async def test_every_admin_view_names_every_member(
    chapter: Week, group: Bot, clock, path, values, head
):
    clock.set(WEDNESDAY_0900_SAST)
    payload = await group.send(_slash("rapport", *path, **values))
    answered = checked(group.api.private_replies(payload))
    seen = "\n".join(text(m) for m in answered)
    assert seen.startswith(head)
    if path == ("settings", "show"):
        for seat in chapter.seats:
            assert render.user_text(seat) in seen
        return
    for m in _named_in(path[0], chapter):
        assert f"<@{m.user.user_id}>" in seen, m.name


async def test_the_roster_lists_every_member_with_their_seat_in_order(
    chapter: Week, group: Bot, clock
):
    """/rapport roster (a listing): each of the 120 members on a line of their own, with
    their seat, in the roster's order, spread over as many messages as Discord needs, each
    inside the limits and allowing no pings (the roster names, it does not call)."""
    payload = await group.send(_slash("rapport", "roster"))
    answered = checked(group.api.private_replies(payload))
    seen = "\n".join(text(m) for m in answered)
    assert len(answered) > 1  # one Discord message could not hold it
    assert seen.startswith(f"Breakfast Club's roster: {SIZE} members.")
    roster = await group.app.repo.atomic(lambda tx: tx.members.of_group(chapter.group_id))
    assert len(roster) == SIZE
    at = [
        seen.index(f"• <@{m.user.user_id}> — {render.user_text(m.classification or '')}, joined ")
        for m in roster
    ]
    assert at == sorted(at)
    assert "Roster (continued):" in seen
    assert seen.index("Open seats: ") > at[-1]
    assert all(not (m["allowed_mentions"] or {}).get("users") for m in answered)


def _slash(command: str, *path: str, **values: Any) -> dict[str, Any]:
    return slash(ALICE, command, *path, **values)


def _named_in(view: str, chapter: Week) -> list[Member]:
    """Everyone; but the leaderboard ranks its top ten and calls out first referrals this
    quarter (Alice, Bob and Carol joined this quarter), and gaps lists those in no sphere."""
    if view == "leaderboard":
        quarter = datetime(2026, 10, 1, tzinfo=ZoneInfo("Africa/Johannesburg")).timestamp()
        return [m for m in chapter.members if m.joined_at < quarter]
    if view == "gaps":
        return [m for m in chapter.members if (m.classification or "").startswith("Quux")]
    return chapter.members


async def test_a_retry_sends_only_the_parts_its_progress_says_were_not_taken(bot: Bot):
    """A message Discord takes as several: the messenger reports each part Discord took; the
    second fails; tried again from what was reported, each part arrives once, in order, each
    with its own nonce. (test_outbox_delivery.py goes through the outbox, and a restart.)"""
    api = bot.api
    message = OutMessage(
        lit("Everyone:\n") + listing([lit(f"member number {i} " * 20) for i in range(60)], "\n")
    )
    parts = render.outgoing(message, str(GUILD_ID))
    assert len(parts) >= 3
    messenger = bot.app.core.outbox.messenger
    reported: list[tuple[int, int]] = []

    async def taken(n: int, of: int) -> None:
        reported.append((n, of))

    api.outage_after = 1
    with pytest.raises(DeliveryError):
        await messenger.post(GENERAL, message, key="outbox-7", progress=Progress(0, taken))
    assert len(api.posts()) == 1 and reported == [(1, len(parts))]
    api.outage_after, api.outage = None, False
    await messenger.post(GENERAL, message, key="outbox-7", progress=Progress(1, taken))
    assert [text(p) for p in api.posts()] == [text(_payload(p)) for p in parts]
    sent = [c.body for c in api.calls if c.path.endswith("/messages") and c.status == 200]
    assert [b["nonce"] for b in sent] == [f"outbox-7-{i}" for i in range(len(parts))]
    # taken whole already: nothing more is sent
    await messenger.post(GENERAL, message, key="outbox-7", progress=Progress(len(parts), taken))
    assert len(api.posts()) == len(parts)


def _payload(part: render.Outgoing) -> dict[str, Any]:
    return {"content": part.content, "embeds": [e.to_dict() for e in part.embeds]}


def test_no_message_allows_more_than_100_mentions():
    """An embed's 4,096-character description holds more than 100 mentions: the message is
    spread so that none allows more than Discord's 100 users (more is refused: 400, 50035)."""
    people = [
        UserRef("discord", str(GUILD_ID), str(900000000000200000 + i), "m") for i in range(150)
    ]
    message = OutMessage(
        title="Given this week",
        text=listing([Rich((Mention(u),)) for u in people], sep=" "),
    )
    parts = render.outgoing(message, str(GUILD_ID))
    allowed = [set(p.allowed_mentions.to_dict()["users"]) for p in parts]
    assert [len(a) <= limits.DISCORD_ALLOWED_USERS for a in allowed] == [True] * len(parts)
    assert set().union(*allowed) == {int(u.user_id) for u in people}
    for p in parts:
        assert p.embeds and sum(len(e) for e in p.embeds) <= limits.DISCORD_EMBEDS_TOTAL


async def test_the_introduction_link_stays_whole_with_a_long_cyrillic_need(group: Bot):
    """Each Cyrillic letter is six characters in the link: the email shortens the need (and
    says so) rather than the link being cut; Discord shows it whole, to copy."""
    need = "Нужна полная реконструкция кровли и фасада до зимы. " * 18  # 936 characters
    payload = await group.send(
        slash(
            ALICE,
            "referral",
            member=BOB,
            prospect="Jane Roe",
            email="jane@roe.example",
            need=need.strip(),
        )
    )
    replies = checked(group.api.private_replies(payload))
    seen = "\n".join(text(r) for r in replies)
    assert seen.startswith("Referral #1 to")
    [url] = [u for r in replies if (u := re.search(r"`(mailto:[^`]*)`", text(r)))]
    assert len(url.group(1)) <= referrals_messages.MAILTO_MAX
    body = unquote(url.group(1).partition("&body=")[2])
    assert referrals_messages.NEED_SHORTENED in body
    assert need[:60] in body
    assert "The email shortens what they need" in seen
