"""The platform fails for a stretch: Slack's Web API answers 500s and 429s, Discord answers 503s.
Commands are still answered (nothing waits on a DM), and once the platform recovers every DM
and post arrives, each exactly once."""

from __future__ import annotations

from collections import Counter

from adapters.slack.app import SlackBot
from tests.discord_adapter.conftest import Bot, rows, text
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.payloads import ALICE as D_ALICE
from tests.discord_adapter.payloads import BOB as D_BOB
from tests.discord_adapter.payloads import CAROL as D_CAROL
from tests.fakes import FakeClock
from tests.faults.support import ChannelPosts
from tests.slack.conftest import ALICE, BOB, CAROL, GROUP, FakeTime, Workspace
from tests.slack.fake_slack import FakeSlack, dm_channel

BUSY_MORNING = [
    (ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example 082 555 1234 -- geyser heat:4"),
    (CAROL, "/referral <@U0BOB|bob> Tom Lee tom@lee.example -- leaking tap heat:2"),
    (BOB, "/lead <@U0CAROL|carol> Acme Roofing -- their warehouse roof"),
    (ALICE, "/referral <@U0CAROL|carol> Sam Kay 021 555 9876 -- roof leak heat:3"),
    (BOB, "/thanks <@U0ALICE|alice> -- for the intro last week"),
]


async def outbox_states(slack: SlackBot) -> Counter[str]:
    async with slack.app.repo.transaction() as tx:
        # messages, not the Home tab refreshes the same commands queue
        rows = await tx._all("SELECT state FROM outbox WHERE lane NOT LIKE 'home:%'")  # type: ignore[attr-defined]
        return Counter(r["state"] for r in rows)


async def recover(slack: SlackBot, clock: FakeClock) -> int:
    """Let time pass the way the scheduler's tick would, until nothing waits in the outbox;
    returns how many passes that took."""
    for passes in range(1, 100):
        due = await slack.core.next_due()
        assert due is not None
        if due > clock.now():
            clock.set(due)
        await slack.core.run_due(clock.now())
        if (await outbox_states(slack)).keys() <= {"sent"}:
            return passes
    raise AssertionError("the outbox never emptied")


async def test_after_a_stretch_of_slack_500s_and_429s_every_message_arrives_once(
    slack_group: Workspace,
    fake_slack: FakeSlack,
    slack: SlackBot,
    clock: FakeClock,
    pace: FakeTime,
    channel_posts: ChannelPosts,
) -> None:
    set_up = (await outbox_states(slack))["sent"]
    failures = {"internal_error": 12, "ratelimited": 15, "fatal_error": 9}
    # (DMs are posted to the member's user id: there is no conversations.open to fail)
    fake_slack.fail("chat.postMessage", "internal_error", status=500, times=12)
    fake_slack.fail(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"}, times=15
    )
    fake_slack.fail("chat.postMessage", "fatal_error", status=500, times=9)

    for who, line in BUSY_MORNING:
        answer = await slack_group.type(who, line)
        assert answer.status == 200 and answer.posts, line  # the typer hears at once
        assert "went wrong" not in answer.text
    # nothing got through yet: every message waits in the outbox
    assert slack_group.channel_texts() == []
    assert (await outbox_states(slack))["pending"] == 9

    passes = await recover(slack, clock)

    assert passes >= 3  # it took several rounds of backoff
    posts = slack_group.channel_texts(GROUP[0])
    assert sorted(posts) == sorted(
        [
            "@Alice passed a referral to @Bob.",
            "@Carol passed a referral to @Bob.",
            "@Bob passed a lead to @Carol.",
            "@Alice passed a referral to @Carol.",
            "🙏 @Bob thanks @Alice. “for the intro last week”",
        ]
    )
    bob, carol = slack_group.dm_texts(BOB), slack_group.dm_texts(CAROL)
    assert len(bob) == 2 and len(carol) == 2
    assert sum("Jane Roe" in t for t in bob) == 1 and sum("Tom Lee" in t for t in bob) == 1
    assert sum("Acme Roofing" in t for t in carol) == 1 and sum("Sam Kay" in t for t in carol) == 1
    assert slack_group.dm_texts(ALICE) == []
    assert await outbox_states(slack) == Counter(sent=set_up + 9)
    # the whole stretch was spent; a 429 was retried after the Retry-After Slack sent
    assert all(not f for f in fake_slack._failures.values())
    assert any(7 <= s < 8 for s in pace.slept)
    # what Slack took, it took once: every call beyond the failures became one message
    calls = len(fake_slack.calls_to("chat.postMessage"))
    assert calls == len(fake_slack.messages) + sum(failures.values()) == 9 + 36
    # the day goes on: a command after the outage is delivered at once, once
    await slack_group.type(CAROL, "/thanks <@U0ALICE|alice> -- great lead")
    assert slack_group.channel_texts(GROUP[0]).count("🙏 @Carol thanks @Alice. “great lead”") == 1
    assert len(fake_slack.posts_in(dm_channel(BOB["id"]))) == 2
    # and the prospects' details, which Bob and Carol got, are known to the privacy check
    seen = channel_posts.seen()
    assert {"jane@roe.example", "082 555 1234", "tom@lee.example", "021 555 9876"} <= seen.contacts
    assert len(seen.posts) == 6


async def test_after_a_discord_outage_every_dm_and_post_arrives_once(
    discord_group: Bot, discord_api: FakeDiscord, clock: FakeClock, channel_posts: ChannelPosts
) -> None:
    set_up = len(discord_api.posts())
    discord_api.outage = True
    for by, to, prospect in (
        (D_ALICE, D_BOB, "Jane Roe"),
        (D_CAROL, D_BOB, "Tom Lee"),
        (D_BOB, D_CAROL, "Sam Kay"),
    ):
        [answer] = await discord_group.type(
            by, "referral", member=to, prospect=prospect, email="x@roe.example"
        )
        assert answer.startswith("Referral #")  # answered, though nothing was delivered
    assert len(discord_api.posts()) == set_up and discord_api.dms_to(D_BOB.id) == []

    clock.advance(minutes=1)
    await discord_group.tick()  # still down: the retries fail too
    discord_api.outage = False
    for _ in range(10):
        clock.advance(minutes=5)
        await discord_group.tick()

    posts = [text(m) for m in discord_api.posts()[set_up:]]
    assert sorted(posts) == sorted(
        [
            f"{D_ALICE.mention} passed a referral to {D_BOB.mention}.",
            f"{D_CAROL.mention} passed a referral to {D_BOB.mention}.",
            f"{D_BOB.mention} passed a referral to {D_CAROL.mention}.",
        ]
    )
    to_bob = [m["embeds"][0]["description"] for m in discord_api.dms_to(D_BOB.id)]
    assert len(to_bob) == 2 and sum("Jane Roe" in d for d in to_bob) == 1
    assert len(discord_api.dms_to(D_CAROL.id)) == 1
    states = await rows(discord_group, "SELECT state, attempts FROM outbox")
    assert {r["state"] for r in states} == {"sent"}
    assert max(r["attempts"] for r in states) >= 3  # the outage cost attempts, not messages
    assert "x@roe.example" in channel_posts.seen().contacts
