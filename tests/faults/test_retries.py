"""Requests that arrive twice: Slack's retries landing while the first copy still runs, or on
another process; a form submitted twice at once; buttons clicked twice at once on Slack and on
Discord. Each is one referral, one status change, one thanks, one amount of closed business."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from adapters.slack.app import SlackBot
from bot.config import Settings
from bot.service import Core
from bot.work import Context
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.discord_adapter.conftest import Bot, rows, settle
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fake_discord import Interaction as Seen
from tests.discord_adapter.payloads import ALICE as D_ALICE
from tests.discord_adapter.payloads import BOB as D_BOB
from tests.discord_adapter.payloads import click, slash
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, channel, user
from tests.faults.support import ChannelPosts, scalar
from tests.slack.conftest import ALICE, BOB, CAROL, Workspace
from tests.slack.payloads import form_values

REFERRAL = "/referral <@U0BOB|bob> Jane Roe jane@roe.example 082 555 1234 -- a new geyser heat:4"
TRIGGER = "13345224609.738474920.fault"


async def count(slack: SlackBot, sql: str) -> int:
    async with slack.app.repo.transaction() as tx:
        [row] = await tx._all(sql)  # type: ignore[attr-defined]
    return int(row[0])


async def twice(ws: Workspace, who: dict[str, Any], line: str, trigger: str) -> list[str]:
    """The command, and Slack's retry of it arriving while the first is still being handled."""
    first, retry = await asyncio.gather(
        ws.type(who, line, trigger=trigger), ws.type(who, line, trigger=trigger, retry=1)
    )
    assert first.status == retry.status == 200
    return [first.text, retry.text]


async def test_slack_retries_arriving_mid_request_are_answered_and_done_once(
    slack_group: Workspace, slack: SlackBot
) -> None:
    answers = await twice(slack_group, ALICE, REFERRAL, TRIGGER + "1")
    assert all("Referral #1 to @Bob is logged" in a for a in answers)
    assert await count(slack, "SELECT COUNT(*) FROM referrals") == 1
    assert len(slack_group.dms(BOB)) == 1 and len(slack_group.channel_texts()) == 1

    # Bob wins it with an amount: one status change, one amount, one word to Alice
    line = "/referrals update 1 won R1,500 -- signed today"
    answers = await twice(slack_group, BOB, line, TRIGGER + "2")
    assert answers[0] == answers[1] and "#1 is now won" in answers[0]
    assert await count(slack, "SELECT COUNT(*) FROM referral_events") == 1
    assert await count(slack, "SELECT COUNT(*) FROM closed_business") == 1
    assert await count(slack, "SELECT SUM(amount_cents) FROM closed_business") == 150000
    assert len(slack_group.dm_texts(ALICE)) == 1
    assert sum("Thank @Alice" in t for t in slack_group.dm_texts(BOB)) == 1

    # Carol's referral, won and thanked with an amount in one go, retried
    await slack_group.type(CAROL, "/referral <@U0BOB|bob> Tom Lee tom@lee.example")
    line = "/thanks <@U0CAROL|carol> 2 R700 -- quick job"
    answers = await twice(slack_group, BOB, line, TRIGGER + "3")
    assert answers[0] == answers[1] and "Your thanks to @Carol is posted" in answers[0]
    assert await count(slack, "SELECT COUNT(*) FROM thanks") == 1
    assert await count(slack, "SELECT COUNT(*) FROM closed_business") == 2
    assert await count(slack, "SELECT SUM(amount_cents) FROM closed_business") == 150000 + 70000
    assert (
        slack_group.channel_texts().count(
            "🙏 @Bob thanks @Carol for a referral that became closed business. “quick job”"
        )
        == 1
    )


async def test_a_form_submitted_twice_at_once_logs_one_referral(
    slack_group: Workspace, slack: SlackBot
) -> None:
    await slack_group.type(ALICE, "/referral")
    values = form_values(member="U0BOB", prospect="Jane Roe", email="jane@roe.example")
    first, second = await asyncio.gather(
        slack_group.submit(ALICE, values, view_id="V0DOUBLE"),
        slack_group.submit(ALICE, values, view_id="V0DOUBLE"),
    )
    assert first.status == second.status == 200
    assert await count(slack, "SELECT COUNT(*) FROM referrals") == 1
    assert len(slack_group.dms(BOB)) == 1 and len(slack_group.channel_texts()) == 1


async def test_double_clicks_on_slack_change_a_status_once_and_thank_once(
    slack_group: Workspace, slack: SlackBot
) -> None:
    await slack_group.type(ALICE, REFERRAL)
    [dm] = slack_group.dms(BOB)
    await asyncio.gather(
        slack_group.click(BOB, dm, "ref:1:won"), slack_group.click(BOB, dm, "ref:1:won")
    )
    assert await count(slack, "SELECT COUNT(*) FROM referral_events") == 1
    assert len(slack_group.dm_texts(ALICE)) == 1
    [prompt] = [m for m in slack_group.dms(BOB) if "Thank Alice" in str(m["blocks"])]

    await asyncio.gather(
        slack_group.click(BOB, prompt, "thank:1"), slack_group.click(BOB, prompt, "thank:1")
    )
    assert await count(slack, "SELECT COUNT(*) FROM thanks") == 1
    thanks = [t for t in slack_group.channel_texts() if t.startswith("🙏")]
    assert thanks == ["🙏 @Bob thanks @Alice for a referral."]


async def send_together(bot: Bot, *payloads: dict[str, Any]) -> None:
    """Interactions Discord delivers at the same moment (two clicks in quick succession)."""
    before = asyncio.all_tasks()
    for p in payloads:
        bot.api.interactions.setdefault(p["token"], Seen(p))
        bot.client._connection.parsers["INTERACTION_CREATE"](p)
    await settle(before)


async def test_double_clicks_on_discord_change_a_status_once_and_thank_once(
    discord_group: Bot, discord_api: FakeDiscord
) -> None:
    await discord_group.send(
        slash(D_ALICE, "referral", member=D_BOB, prospect="Jane Roe", email="jane@roe.example")
    )
    [dm] = discord_api.dms_to(D_BOB.id)
    await send_together(discord_group, click(D_BOB, dm, "Won"), click(D_BOB, dm, "Won"))
    events = await rows(discord_group, "SELECT status FROM referral_events")
    assert events == [{"status": "won"}]
    assert len(discord_api.dms_to(D_ALICE.id)) == 1
    prompt = discord_api.dms_to(D_BOB.id)[-1]
    label = "Thank Alice"
    await send_together(discord_group, click(D_BOB, prompt, label), click(D_BOB, prompt, label))
    assert len(await rows(discord_group, "SELECT id FROM thanks")) == 1
    thanks = [m for m in discord_api.posts() if m["content"].startswith("🙏")]
    assert len(thanks) == 1


async def test_a_retry_landing_on_another_process_at_the_same_moment_is_done_once(
    tmp_path: Path, settings: Settings, clock: FakeClock, channel_posts: ChannelPosts
) -> None:
    db = tmp_path / "rapport.db"
    one = await SqliteRepository.open(str(db))
    two = await SqliteRepository.open(str(db))
    try:
        seen = [RecordingMessenger(), RecordingMessenger()]
        for m in seen:
            channel_posts.watch(m)
        cores = [
            Core(r, m, clock, FakeResolver(), settings)
            for r, m in zip((one, two), seen, strict=True)
        ]
        chat = Chat(cores[0], channel())
        await chat("alice", "/rapport setup Breakfast Club")
        await chat("alice", "/rapport join Commercial insurance")
        await chat("bob", "/rapport join Residential plumbing")
        line = "/referral @bob Jane Roe jane@roe.example -- a geyser"
        replies = await asyncio.gather(
            *(
                c.handle(Context(user("alice"), channel(), "slack:T1:command:x"), line)
                for c in cores
            )
        )
        await asyncio.gather(*(c.settle() for c in cores))
        assert replies[0] == replies[1]
        assert scalar(db, "SELECT COUNT(*) FROM referrals") == 1
        assert sum(len(m.dms_to("bob")) for m in seen) == 1
        # and the same click on both processes moves the status once
        clicks = await asyncio.gather(
            *(
                c.click(Context(user("bob"), channel(), "slack:T1:click:y"), "ref:1:won")
                for c in cores
            )
        )
        await asyncio.gather(*(c.settle() for c in cores))
        assert clicks[0] == clicks[1]
        assert scalar(db, "SELECT COUNT(*) FROM referral_events") == 1
        assert sum(len(m.dms_to("alice")) for m in seen) == 1
    finally:
        await one.close()
        await two.close()
