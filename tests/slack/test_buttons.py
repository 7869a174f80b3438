"""Buttons on the DMs: Bob clicks Contacted on Alice's referral; Alice hears about it, Bob's
DM shows the new state in place of the button, and a double click is one click."""

from __future__ import annotations

import asyncio

from bot.model import ChannelRef
from bot.out import Action, OutMessage
from bot.text import lit
from tests.slack.conftest import ALICE, BOB
from tests.slack.fake_slack import buttons
from tests.slack.test_commands import REFERRAL, rows

GROUP_CHANNEL = ChannelRef("slack", "T0RAPPORT", "C0GROUP", "#breakfast-club")


async def referred(group):
    await group.type(ALICE, REFERRAL)
    [dm] = group.dms(BOB)
    return dm


async def test_contacted_tells_the_giver_and_updates_the_dm(group, fake):
    dm = await referred(group)
    result = await group.click(BOB, dm, "ref:1:contacted")
    assert (result.status, result.response.body) == (200, "")
    assert result.posts == []  # the outcome is shown in the DM itself
    assert group.dm_texts(ALICE) == ["@Bob marked your referral for Jane Roe (#1) as contacted."]
    [updated] = group.dms(BOB)  # the same message, replaced
    assert updated["ts"] == dm["ts"]
    assert "✓ #1 is now contacted. I've let @Alice know." in group.seen(updated)
    assert [label for label, _ in buttons(updated)] == [
        "Meeting booked",
        "Won",
        "No sale",
        "Snooze 1 day",
    ]
    assert "Contacted: /referrals update 1 contacted" not in group.seen(updated)
    assert "Won: /referrals update 1 won" in group.seen(updated)
    # the prospect's details are still there to call from
    assert "jane@roe.example" in group.seen(updated)


async def test_a_double_click_changes_the_status_once(group, slack):
    dm = await referred(group)
    first, second = await asyncio.gather(
        group.click(BOB, dm, "ref:1:contacted"), group.click(BOB, dm, "ref:1:contacted")
    )
    assert (first.status, second.status) == (200, 200)
    events = await rows(slack, "SELECT status FROM referral_events WHERE referral_id = 1")
    assert events == [{"status": "contacted"}]
    assert group.dm_texts(ALICE) == ["@Bob marked your referral for Jane Roe (#1) as contacted."]


async def test_clicking_the_same_button_again_later_changes_nothing(group, slack):
    dm = await referred(group)
    await group.click(BOB, dm, "ref:1:contacted")
    await group.click(BOB, dm, "ref:1:contacted")  # a stale copy of the message, say
    assert len(await rows(slack, "SELECT id FROM referral_events")) == 1
    assert len(group.dm_texts(ALICE)) == 1


async def test_won_then_a_button_that_no_longer_applies_is_answered_only_to_bob(group, slack):
    dm = await referred(group)
    await group.click(BOB, dm, "ref:1:won")
    [updated, thank_prompt] = group.dms(BOB)
    assert "✓ #1 is now won. I've let @Alice know. Congratulations!" in group.seen(updated)
    assert "Thank @Alice for it" in group.seen(thank_prompt)
    assert buttons(thank_prompt) == [("Thank Alice", "thank:1")]

    result = await group.click(BOB, updated, "ref:1:meeting")
    assert [p["response_type"] for p in result.posts] == ["ephemeral"]
    assert "#1 is closed as won. To change it, add a note saying why" in result.text
    assert group.dms(BOB)[0] == updated  # a refusal leaves the DM as it was
    assert await rows(slack, "SELECT status FROM referrals") == [{"status": "won"}]


async def test_the_thank_button_thanks_the_giver_in_the_channel(group, slack):
    dm = await referred(group)
    await group.click(BOB, dm, "ref:1:won")
    thank_prompt = group.dms(BOB)[1]
    await group.click(BOB, thank_prompt, "thank:1")
    assert group.channel_texts()[-1] == "🙏 @Bob thanks @Alice for a referral."
    assert buttons(group.dms(BOB)[1]) == []
    assert "✓ Your thanks to @Alice is posted in the channel." in group.seen(group.dms(BOB)[1])
    assert await rows(slack, "SELECT from_id, to_id, referral_id FROM thanks") == [
        {"from_id": 2, "to_id": 1, "referral_id": 1}
    ]


async def test_only_the_receiver_can_move_a_referral_along(group, slack):
    dm = await referred(group)
    result = await group.click(ALICE, dm, "ref:1:contacted", channel="D0BOB")
    assert "Only @Bob, who received #1, can update it." in result.text
    assert await rows(slack, "SELECT status FROM referrals") == [{"status": "open"}]


async def test_snooze_from_the_dm_postpones_the_follow_up(group, slack, clock):
    dm = await referred(group)
    await group.click(BOB, dm, "ref:1:snooze:1d")
    [updated] = group.dms(BOB)
    assert "✓ Snoozed: no reminders about #1 before" in group.seen(updated)
    assert "<!date^" in updated["blocks"][-3]["elements"][0]["text"]  # each reader's own time


async def test_a_button_on_a_channel_post_answers_the_clicker_and_leaves_the_post(group, slack):
    dm = await referred(group)
    await group.click(BOB, dm, "ref:1:won")
    thank = Action("Thank Alice", "thank:1", lit("/thanks 1"), "primary")
    await slack.messenger.post(
        GROUP_CHANNEL, OutMessage(lit("Bob, thank Alice?"), actions=(thank,))
    )
    post = group.fake.posts_in("C0GROUP")[-1]
    result = await group.click(BOB, post, "thank:1", channel="C0GROUP")
    assert [p["response_type"] for p in result.posts] == ["ephemeral"]
    assert "Your thanks to @Alice is posted in the channel." in result.text
    # everyone else still sees the post as it was
    assert group.fake.messages[("C0GROUP", post["ts"])] == post


async def test_when_the_dm_cannot_be_updated_bob_still_sees_the_outcome(group, fake, slack):
    dm = await referred(group)
    fake.fail("response_url", "expired_url", replace_original=True)
    result = await group.click(BOB, dm, "ref:1:contacted")
    assert [p["response_type"] for p in result.posts] == ["ephemeral"]
    assert "#1 is now contacted. I've let @Alice know." in result.text
    assert "Sorry" not in result.text  # the change was saved; nothing to apologise for
    assert group.dms(BOB)[0] == dm
    assert await rows(slack, "SELECT status FROM referrals") == [{"status": "contacted"}]
