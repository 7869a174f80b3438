"""Bob answers his DM with its buttons: the core runs the action, the button shows it is done,
Alice hears. The buttons outlive the process: a week later, after a restart, they still work."""

from __future__ import annotations

from tests.discord_adapter.conftest import Bot, buttons, rows, text
from tests.discord_adapter.payloads import ALICE, BOB, click, slash

JANE = {"member": BOB, "prospect": "Jane Roe", "email": "jane@roe.example", "heat": 4}


async def test_contacted_updates_the_referral_marks_the_button_and_tells_alice(group, discord_api):
    await group.send(slash(ALICE, "referral", **JANE))
    [dm] = discord_api.dms_to(BOB.id)

    pressed = await group.send(click(BOB, dm, "Contacted"))

    assert discord_api.interaction(pressed).callbacks[0] == {"type": 6}  # acknowledged at once
    [status] = await rows(group, "SELECT status FROM referrals WHERE id = 1")
    assert status == {"status": "contacted"}
    # the DM now shows what was done; the next steps stay one click away
    [dm] = discord_api.dms_to(BOB.id)
    assert buttons(dm) == [
        ("✓ Contacted", True),
        ("Meeting booked", False),
        ("Won", False),
        ("No sale", False),
        ("Snooze 1 day", False),
    ]
    assert dm["embeds"][0]["title"] == "New referral from Alice"  # the details stay
    [outcome] = discord_api.private_replies(pressed)
    assert outcome["flags"] & 64
    assert text(outcome) == f"#1 is now contacted. I've let {ALICE.mention} know."
    [progress] = discord_api.dms_to(ALICE.id)
    assert text(progress) == f"{BOB.mention} marked your referral for Jane Roe (#1) as contacted."


async def test_a_refused_click_leaves_the_buttons_as_they_were(group, discord_api):
    await group.send(slash(ALICE, "referral", **JANE))
    [dm] = discord_api.dms_to(BOB.id)
    await group.send(click(BOB, dm, "Won"))
    dm = discord_api.dms_to(BOB.id)[0]  # the referral's DM (a thank-you prompt came after)

    pressed = await group.send(click(BOB, dm, "Contacted"))

    [refusal] = discord_api.private_replies(pressed)
    assert text(refusal).startswith("#1 is closed as won. To change it, add a note saying why")
    assert ("Contacted", False) in buttons(discord_api.dms_to(BOB.id)[0])


async def test_a_week_old_dm_still_works_after_a_restart(group, discord_api, clock):
    await group.send(slash(ALICE, "referral", **JANE))
    [dm] = discord_api.dms_to(BOB.id)
    synced = len(discord_api.commands_synced())
    await group.stop()

    clock.advance(days=7)
    later = await Bot(discord_api, group.db, group.settings, clock).start()
    try:
        pressed = await later.send(click(BOB, dm, "Meeting booked"))

        [status] = await rows(later, "SELECT status FROM referrals WHERE id = 1")
        assert status == {"status": "meeting"}
        [outcome] = discord_api.private_replies(pressed)
        assert text(outcome) == f"#1 is now meeting booked. I've let {ALICE.mention} know."
        assert ("✓ Meeting booked", True) in buttons(discord_api.dms_to(BOB.id)[0])
        # the restart did not upload the unchanged commands again
        assert len(discord_api.commands_synced()) == synced
    finally:
        await later.stop()


async def test_won_asks_bob_to_thank_alice_and_that_button_thanks_her_in_the_channel(
    group, discord_api
):
    await group.send(slash(ALICE, "referral", **JANE))
    [dm] = discord_api.dms_to(BOB.id)
    await group.send(click(BOB, dm, "Won"))
    prompt = discord_api.dms_to(BOB.id)[-1]
    assert text(prompt).startswith(f"#1 (Jane Roe) is won. Thank {ALICE.mention} for it")

    pressed = await group.send(click(BOB, prompt, "Thank Alice"))

    [done] = discord_api.private_replies(pressed)
    assert text(done) == f"Your thanks to {ALICE.mention} is posted in the channel."
    post = discord_api.posts()[-1]
    assert post["content"] == f"🙏 {BOB.mention} thanks {ALICE.mention} for a referral."
    assert buttons(discord_api.dms_to(BOB.id)[-1]) == [("✓ Thank Alice", True)]
