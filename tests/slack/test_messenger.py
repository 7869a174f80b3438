"""Delivering the core's messages to Slack: DMs posted to the member's user id, a channel the bot
was not invited to (the admin is told exactly how to invite it), rate limits honoured,
posts spaced a second apart, and Slack's errors sorted into retry, never, or ask an admin."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.client import web_client
from adapters.slack.limits import RateLimits
from adapters.slack.messenger import Pacer, SlackMessenger
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import (
    DeliveryError,
    NeedsAdmin,
    PayloadRefused,
    RecipientUnreachable,
    Throttled,
)
from bot.text import lit
from tests.slack.conftest import ALICE, BOB, CAROL, GROUP, FakeTime, Workspace, offline_bot
from tests.slack.fake_slack import TEAM
from tests.slack.test_commands import REFERRAL, rows
from tests.slack.test_delivery import HeldTime

HELLO = OutMessage(lit("Hello"))
CHANNEL = ChannelRef("slack", "T0RAPPORT", GROUP[0], "#" + GROUP[1])


def slack_user(uid: str) -> UserRef:
    return UserRef("slack", "T0RAPPORT", uid, uid)


@pytest.fixture
def messenger(fake, pace) -> SlackMessenger:
    limits = RateLimits(pace.monotonic, pace.sleep)
    client = web_client("xoxb-test", fake.base_url, sleep=pace.sleep, limits=limits)
    return SlackMessenger(client, Pacer(monotonic=pace.monotonic, sleep=pace.sleep), limits)


async def test_a_channel_the_bot_is_not_in_gets_the_admin_an_invite_how_to(ws, fake, clock, slack):
    fake.bot_channels.clear()
    await ws.type(ALICE, "/rapport setup Breakfast Club")
    assert ws.channel_texts() == []
    assert ws.dm_texts(ALICE) == [
        "I couldn't post in Breakfast Club's channel #breakfast-club: Invite me: type"
        " /invite @Rapport in #breakfast-club. I'll keep trying for a while."
    ]
    # Alice invites the bot; the outbox's next try posts the announcement, once
    fake.bot_channels.add(GROUP[0])
    clock.advance(minutes=1)
    await slack.core.run_due(clock.now())
    assert len(ws.channel_texts()) == 1
    assert ws.channel_texts()[0].startswith("@Alice set up Rapport for Breakfast Club here.")
    assert len(ws.dm_texts(ALICE)) == 1  # told once


async def test_a_rate_limited_dm_waits_for_retry_after_and_arrives_once(messenger, fake, pace):
    """The 429 pauses chat.postMessage for the workspace and comes back at once as Throttled
    (the outbox gives its delivery slot back); ready() waits the pause out, then it goes."""
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "3"})
    bob = slack_user("U0BOB")
    with pytest.raises(Throttled):
        await messenger.send_dm(bob, HELLO)
    assert pace.slept == []  # nothing waited inside the call
    await messenger.ready(bob)
    await messenger.send_dm(bob, HELLO)
    attempts = [c["channel"] for c in fake.calls_to("chat.postMessage")]
    assert attempts == ["U0BOB", "U0BOB"]  # refused once, then taken
    assert len(fake.dms_to("U0BOB")) == 1
    [waited] = [s for s in pace.slept if s >= 3]
    assert 3 <= waited < 4  # Retry-After, plus at most a second of jitter


async def test_a_rate_limited_call_outside_the_outbox_waits_inside_it(messenger, fake, pace):
    """Other Web API calls (a file for a member) wait the Retry-After out in the call."""
    fake.fail("conversations.open", "ratelimited", status=429, headers={"Retry-After": "2"})
    report_channel = await messenger._dm_channel(slack_user("U0BOB"))
    assert report_channel == "D0BOB"
    assert len(fake.calls_to("conversations.open")) == 2
    [waited] = [s for s in pace.slept if s >= 2]
    assert 2 <= waited < 3


async def test_posts_to_one_conversation_are_a_second_apart(messenger, fake, pace: FakeTime):
    stamps: list[tuple[str, float]] = []
    original = messenger.client.chat_postMessage

    async def timed(**kwargs):
        stamps.append((kwargs["channel"], pace.now))
        return await original(**kwargs)

    messenger.client.chat_postMessage = timed  # type: ignore[method-assign]
    fake.bot_channels.add("C0OTHER")
    for _ in range(3):
        await messenger.post(CHANNEL, HELLO)
    await messenger.post(ChannelRef("slack", "T0RAPPORT", "C0OTHER", "#other"), HELLO)
    start = stamps[0][1]
    assert [(ch, t - start) for ch, t in stamps] == [
        ("C0GROUP", 0.0),
        ("C0GROUP", 1.0),
        ("C0GROUP", 2.0),
        ("C0OTHER", 2.0),  # another channel does not wait for this one
    ]


async def test_a_dm_goes_to_the_member_without_opening_a_conversation(messenger, fake):
    """Slack delivers a post to a user id into the app's DM with them: a reminder minute
    spends none of conversations.open's budget (Tier 3, about 50 a minute per workspace)."""
    await messenger.send_dm(slack_user("U0BOB"), HELLO)
    await messenger.send_dm(slack_user("U0BOB"), HELLO)
    assert fake.calls_to("conversations.open") == []
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")] == ["U0BOB", "U0BOB"]
    assert len(fake.dms_to("U0BOB")) == 2


async def test_a_file_for_a_member_goes_to_the_dm_slack_named(messenger, fake, tmp_path):
    report = tmp_path / "export.csv"
    report.write_text("id,prospect\n1,Jane Roe\n")
    await messenger.send_dm(slack_user("U0BOB"), HELLO)
    await messenger.send_files(slack_user("U0BOB"), (str(report),))
    assert fake.calls_to("conversations.open") == []  # the post's answer named the DM
    [upload] = fake.uploads
    assert (upload.channel, upload.filename) == ("D0BOB", "export.csv")


async def test_a_dm_known_in_one_workspace_is_not_taken_for_anothers(messenger, fake, tmp_path):
    """A Grid member has one user id in several workspaces, but the app's DM with them is
    one workspace's, opened with its token: a file for them in another workspace goes to
    the DM that workspace opens."""
    report = tmp_path / "export.csv"
    report.write_text("id,prospect\n1,Jane Roe\n")
    await messenger.send_dm(slack_user("U0BOB"), HELLO)
    await messenger.send_files(UserRef("slack", "T0OTHER", "U0BOB", "U0BOB"), (str(report),))
    assert [c["users"] for c in fake.calls_to("conversations.open")] == ["U0BOB"]


@pytest.mark.parametrize(
    ("uid", "error", "outcome"),
    [
        # Slack cannot find a DM for these: conversations.open tells why
        ("U0HELPER", None, RecipientUnreachable),  # cannot_dm_bot
        ("U0GONE", None, RecipientUnreachable),  # user_disabled
        ("U0NOBODY", None, RecipientUnreachable),  # user_not_found
        ("U0BOB", "internal_error", DeliveryError),
        ("U0BOB", "account_inactive", DeliveryError),  # our token's account, not Bob's
        ("U0BOB", "msg_blocks_too_long", PayloadRefused),
    ],
)
async def test_dm_failures_are_sorted(messenger, fake, uid, error, outcome):
    if error:
        fake.fail("chat.postMessage", error)
    with pytest.raises(DeliveryError) as raised:
        await messenger.send_dm(slack_user(uid), HELLO)
    assert type(raised.value) is outcome


async def test_a_dm_slack_cannot_find_for_a_reachable_member_is_retried(messenger, fake):
    fake.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(DeliveryError) as raised:
        await messenger.send_dm(slack_user("U0BOB"), HELLO)
    assert type(raised.value) is DeliveryError  # conversations.open found Bob: try again
    assert fake.calls_to("conversations.open") == [{"users": "U0BOB"}]
    await messenger.send_dm(slack_user("U0BOB"), HELLO)
    assert len(fake.dms_to("U0BOB")) == 1


@pytest.mark.parametrize(
    ("error", "outcome", "says"),
    [
        ("not_in_channel", NeedsAdmin, "Invite me: type /invite @Rapport in #breakfast-club."),
        ("channel_not_found", NeedsAdmin, "Invite me: type /invite @Rapport in #breakfast-club."),
        ("is_archived", NeedsAdmin, "#breakfast-club is archived: unarchive it"),
        ("restricted_action", NeedsAdmin, "#breakfast-club does not let me post"),
        ("invalid_blocks", PayloadRefused, "Slack refused the message (invalid_blocks)"),
        ("msg_blocks_too_long", PayloadRefused, "Slack refused the message (msg_blocks_too_long)"),
        ("msg_too_long", PayloadRefused, "Slack refused the message (msg_too_long)"),
        ("invalid_arguments", PayloadRefused, "Slack refused the message (invalid_arguments)"),
        ("internal_error", DeliveryError, "Slack refused the post: internal_error"),
    ],
)
async def test_channel_failures_are_sorted(messenger, fake, error, outcome, says):
    fake.fail("chat.postMessage", error)
    with pytest.raises(DeliveryError) as raised:
        await messenger.post(CHANNEL, HELLO)
    assert type(raised.value) is outcome
    assert says in str(raised.value)


async def test_slack_out_of_reach_is_retried_later(pace):
    client = web_client("xoxb-test", "http://127.0.0.1:9/api/", sleep=pace.sleep)
    messenger = SlackMessenger(client, Pacer(monotonic=pace.monotonic, sleep=pace.sleep))
    with pytest.raises(DeliveryError) as raised:
        await messenger.post(CHANNEL, HELLO)
    assert type(raised.value) is DeliveryError
    assert "Slack unreachable" in str(raised.value)
    assert len(pace.slept) == 1  # slack-sdk's one connection retry, waited on the fake clock


async def test_the_outbox_keeps_a_refused_dm_for_later(group, fake, slack, clock):
    fake.fail("chat.postMessage", "internal_error")
    await group.type(ALICE, REFERRAL)
    assert group.dms(BOB) == []
    clock.advance(minutes=1)
    await slack.core.run_due(clock.now())
    assert len(group.dms(BOB)) == 1
    assert await rows(
        slack,
        """SELECT state, attempts FROM outbox WHERE target LIKE '{"dm"%U0BOB%'"""
        " AND lane LIKE 'dm:%'",  # (not his Home tab's refreshes)
    ) == [{"state": "sent", "attempts": 2}]


async def test_a_429_met_while_answering_a_command_pauses_that_method_for_its_workspace(
    fake, settings, clock
):
    """The listener's own Web API calls (users.info for the typer, views.open, an answer
    too long for the response_url) are made for the request's workspace: a 429 pauses the
    method there (where every call of it waits the pause out), not for no workspace."""
    time = HeldTime()
    bot = await offline_bot(settings, clock, fake, time)  # type: ignore[arg-type]
    try:
        fake.fail("users.info", "ratelimited", status=429, headers={"Retry-After": "30"})
        typed = asyncio.create_task(Workspace(bot, fake).type(CAROL, "/rapport help"))
        await asyncio.wait_for(time.holding.wait(), 10)  # slack-sdk waits out the pause

        limits = bot.messenger.limits
        assert 30 <= limits.paused_for((TEAM, "users.info")) < 31
        assert limits.paused_for(("", "users.info")) == 0
        time.release(31)
        assert "/referral" in (await asyncio.wait_for(typed, 10)).text  # answered after it
    finally:
        await bot.close()
