"""A 120-member chapter on Slack: every list arrives whole, spread over as many messages as
Slack's limits need, and every payload is inside them (tests/limits.py cites the numbers).

Breakfast Club meets on Wednesday at 07:00 in Johannesburg. Besides Alice, Bob and Carol,
117 members with names in many scripts (some all ampersands, five characters each once
escaped) gave a referral this week, were thanked and brought a visitor (tests/chapter.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from adapters.scheduler import Scheduler
from adapters.slack import listeners
from adapters.slack.blocks import SlackMessage, slack_messages
from adapters.slack.client import web_client
from adapters.slack.messenger import Pacer, SlackMessenger
from bot.features.referrals import messages as referrals_messages
from bot.model import ChannelRef, Member, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, Progress
from bot.text import listing, lit
from tests import limits
from tests.chapter import SIZE, Week, names, seed
from tests.slack.conftest import ALICE, GROUP, Workspace
from tests.slack.fake_slack import TEAM, buttons, message_text, person

MONDAY_NOON = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
TUESDAY_1800_SAST = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
WEDNESDAY_0600_SAST = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
WEDNESDAY_0900_SAST = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
CHANNEL = ChannelRef("slack", TEAM, GROUP[0], "#" + GROUP[1])
SLACK_NAME_MAX = 80  # a Slack display name is at most 80 characters


@pytest.fixture
async def chapter(group: Workspace, fake, slack) -> Week:
    await group.type(ALICE, "/rapport meeting set wednesday 07:00 Africa/Johannesburg -- The Oaks")
    people = [person(f"U0M{i:04d}", name) for i, name in enumerate(names(SIZE - 3, SLACK_NAME_MAX))]
    fake.users.update({p["id"]: p for p in people})
    refs = [UserRef("slack", TEAM, p["id"], p["profile"]["display_name"]) for p in people]
    week = await seed(slack.app.repo, CHANNEL, refs, int(MONDAY_NOON.timestamp()))
    assert len(week.members) == SIZE
    fake.messages.clear()
    fake.calls.clear()
    return week


def checked(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for m in messages:
        assert limits.slack_problems(m) == [], limits.slack_problems(m)
    return messages


def seen(messages: list[dict[str, Any]], fake) -> str:
    return "\n".join(message_text(m, fake.users) for m in messages)


def posts_since(fake, before: int) -> list[dict[str, Any]]:
    return fake.posts_in(GROUP[0])[before:]


async def tick(slack, clock, at: datetime) -> None:
    clock.set(at)
    await Scheduler(slack.core, clock).tick()
    await slack.core.settle()  # the tick woke the dispatcher; what it queued has gone out


async def test_the_recap_names_every_giver_thank_and_visitor(chapter: Week, fake, slack, clock):
    await tick(slack, clock, WEDNESDAY_0900_SAST)
    recap = checked(fake.posts_in(GROUP[0]))
    assert len(recap) > 1  # one Slack message could not hold it
    raw = "\n".join(t for m in recap for t in limits.slack_texts(m))
    text = seen(recap, fake)
    assert text.startswith(f"📊 This week at Breakfast Club: {SIZE} referrals, 0 leads")
    for m in chapter.members:
        assert f"<@{m.user.user_id}> (1 referral)" in raw, m.name
    assert text.count(" thanked ") == SIZE
    for v in chapter.visitors:
        assert v in text
    # a part that carries a list on says which list, and each reads in order
    assert "Given by (continued): " in text
    assert text.index("Given by:") < text.index("Thanks:") < text.index("👋 Welcome")
    assert text.rstrip().endswith("Come again!")
    # the notification text never stops inside a mention
    for m in recap:
        assert not re.search(r"<@[A-Z0-9]*$", m["text"].rstrip("…"))


async def test_both_reminders_keep_their_asks_seats_numbers_and_rsvp(
    chapter: Week, fake, slack, clock
):
    for at, head in (
        (TUESDAY_1800_SAST, "📅 Reminder: "),
        (WEDNESDAY_0600_SAST, "⏰ Starting soon"),
    ):
        before = len(fake.posts_in(GROUP[0]))
        await tick(slack, clock, at)
        reminder = checked(posts_since(fake, before))
        text = seen(reminder, fake)
        assert text.startswith(head)
        shown = [m for m in chapter.members if f"@{m.name} wants: " in text]
        assert len(shown) == 8  # a big chapter's asks rotate week by week
        for m in shown:
            assert m.ask is not None
            # whole, or shortened on purpose with where to read the rest
            assert m.ask in text or f"… (all of it: /rapport profile @{m.name})" in text
        assert any("& & &" in (m.ask or "") for m in shown)
        assert "… (all of it: /rapport profile @" in text  # the ampersands could not fit
        for seat in chapter.seats:
            assert seat in text
        assert f"The last 7 days: {SIZE} referrals, 0 leads" in text
        assert "The last 7 days" in text.split("Coming? Let the group know:")[0]
        # the RSVP buttons come with the last part, and only there
        assert [len(buttons(m)) for m in reminder] == [0] * (len(reminder) - 1) + [3]


async def answer(ws: Workspace, fake, line: str) -> list[dict[str, Any]]:
    """What only Alice sees: the response_url posts, then any rest in her DM with the app."""
    before = len(fake.dms_to(ALICE["id"]))
    result = await ws.type(ALICE, line)
    return checked(result.posts + fake.dms_to(ALICE["id"])[before:])


@pytest.mark.parametrize(
    ("line", "head"),
    [
        ("/rapport lights all", "Traffic lights (rolling window):"),
        ("/rapport attendance 2026-12-02", "Attendance on 2026-12-02:"),
        ("/rapport leaderboard week", "🏆 Referrals and leads given this week:"),
        ("/rapport gaps", ""),
    ],
)
async def test_every_admin_view_names_every_member(
    chapter: Week, group: Workspace, fake, clock, line, head
):
    clock.set(WEDNESDAY_0900_SAST)
    answered = await answer(group, fake, line)
    text = seen(answered, fake)
    assert text.startswith(head)
    for m in named_in(line, chapter):
        assert f"@{m.name}" in text, m.name


def named_in(line: str, chapter: Week) -> list[Member]:
    """Who a view names: everyone; but the leaderboard ranks its top ten and calls out the
    members whose first referral this quarter it was (Alice, Bob and Carol joined this
    quarter: they are neither), and gaps lists the members in no contact sphere (the 117
    "Quuxwright"s; Alice, Bob and Carol have theirs)."""
    if "leaderboard" in line:
        quarter = datetime(2026, 10, 1, tzinfo=ZoneInfo("Africa/Johannesburg")).timestamp()
        return [m for m in chapter.members if m.joined_at < quarter]
    if "gaps" in line:
        return [m for m in chapter.members if (m.classification or "").startswith("Quux")]
    return chapter.members


async def test_the_roster_lists_every_member_with_their_seat_in_order(
    chapter: Week, group: Workspace, fake, slack
):
    """/rapport roster (a listing): each of the 120 members on a line of their own, with
    their seat, in the roster's order, spread over as many messages as Slack needs, each
    inside the limits; the open seats line after them."""
    answered = await answer(group, fake, "/rapport roster")
    text = seen(answered, fake)
    assert len(answered) > 1  # one Slack message could not hold it
    assert text.startswith(f"Breakfast Club's roster: {SIZE} members.")
    roster = await slack.app.repo.atomic(lambda tx: tx.members.of_group(chapter.group_id))
    assert len(roster) == SIZE
    at = [text.index(f"• @{m.name} — {m.classification}, joined ") for m in roster]
    assert at == sorted(at)
    assert "Roster (continued):" in text
    assert text.index("Open seats: ") > at[-1]


async def test_the_settings_list_every_open_seat(chapter: Week, group: Workspace, fake):
    answered = await answer(group, fake, "/rapport settings")
    text = seen(answered, fake)
    for seat in chapter.seats:
        assert seat in text
    assert "Open seats wanted" in text


async def test_an_answer_longer_than_five_posts_goes_on_in_the_dm():
    """A response_url takes five posts: an answer that needs more goes on, in order, in the
    person's DM with the app (posting to a user id), and nothing of it is lost."""
    names = ["&" * 76 + f"{i:04d}" for i in range(140)]  # 400 characters each, escaped
    reply = OutMessage(lit("Everyone:\n") + listing([lit(n) for n in names], sep="\n"))
    posts: list[dict[str, Any]] = []
    overflow: list[dict[str, Any]] = []

    async def respond(**message: Any) -> SimpleNamespace:
        posts.append(message)
        return SimpleNamespace(status_code=200, body="")

    async def to_dm(part: SlackMessage) -> None:
        overflow.append({"text": part.text, "blocks": part.blocks})

    await listeners.answer(respond, [reply], used=1, overflow=to_dm)  # type: ignore[arg-type]
    assert len(posts) == 4 and len(overflow) >= 1
    shown = [t for m in checked(posts + overflow) for t in limits.slack_texts(m)]
    assert "\n".join(shown).replace("&amp;", "&").split() == ["Everyone:", *names]


async def test_a_retry_sends_only_the_parts_its_progress_says_were_not_taken(fake, pace):
    """A message Slack takes as several: the messenger reports each part Slack took; the
    second fails; tried again from what was reported, each part arrives once, in order.
    (tests/slack/test_delivery.py goes through the outbox, and across a restart.)"""
    client = web_client("xoxb-test", fake.base_url, sleep=pace.sleep)
    messenger = SlackMessenger(client, Pacer(monotonic=pace.monotonic, sleep=pace.sleep))
    names = ["&" * 76 + f"{i:04d}" for i in range(80)]
    message = OutMessage(lit("Everyone:\n") + listing([lit(n) for n in names], sep="\n"))
    parts = slack_messages(message)
    assert len(parts) >= 3
    reported: list[tuple[int, int]] = []

    async def taken(n: int, of: int) -> None:
        reported.append((n, of))

    fake.fail("chat.postMessage", "internal_error", after=1)
    with pytest.raises(DeliveryError):
        await messenger.post(CHANNEL, message, key="outbox-7", progress=Progress(0, taken))
    assert len(fake.posts_in(GROUP[0])) == 1 and reported == [(1, len(parts))]
    await messenger.post(CHANNEL, message, key="outbox-7", progress=Progress(1, taken))
    assert [m["blocks"] for m in fake.posts_in(GROUP[0])] == [p.blocks for p in parts]
    assert reported == [(n, len(parts)) for n in range(1, len(parts) + 1)]
    # taken whole already: nothing more is sent
    await messenger.post(CHANNEL, message, key="outbox-7", progress=Progress(len(parts), taken))
    assert len(fake.posts_in(GROUP[0])) == len(parts)


async def test_the_introduction_link_stays_whole_with_a_long_chinese_need(group: Workspace):
    need = "我们正在寻找一家可靠的装修公司来翻新整个办公室" * 25  # 575 characters
    logged = await group.type(ALICE, f"/referral <@U0BOB|bob> Jane Roe jane@roe.example -- {need}")
    [post] = checked(logged.posts)
    [link] = [t for t in limits.slack_texts(post) if "<mailto:" in t]
    url = re.search(r"<(mailto:[^|>]*)\|Send the introduction email>", link)
    assert url is not None
    assert len(url.group(1)) <= referrals_messages.MAILTO_MAX
    body = unquote(url.group(1).replace("&amp;", "&").partition("&body=")[2])
    assert referrals_messages.NEED_SHORTENED in body
    assert need[:100] in body
    assert "The email shortens what they need: add the rest before sending." in logged.text
