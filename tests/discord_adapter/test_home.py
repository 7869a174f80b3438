"""/rapport me on Discord: Bob's page as a private embed, with the buttons that move the
referral Alice passed him. They are the DMs' persistent buttons: after a restart a click on
the same reply still moves the referral."""

from __future__ import annotations

from tests.discord_adapter.conftest import Bot, buttons, rows, text
from tests.discord_adapter.payloads import ALICE, BOB, click, slash

JANE = {"member": BOB, "prospect": "Jane Roe", "email": "jane@roe.example", "heat": 4}


async def test_me_answers_privately_with_an_embed_and_its_buttons(group, discord_api):
    await group.send(slash(ALICE, "referral", **JANE))

    asked = await group.send(slash(BOB, "rapport", "me"))

    [page] = discord_api.private_replies(asked)
    assert page["flags"] & 64  # only Bob sees it
    [embed] = page["embeds"]
    assert embed["title"] == "Where you stand in Breakfast Club"
    said = text(page)
    assert f"#1 referral from {ALICE.mention}: Jane Roe — open" in said
    assert "jane@roe.example" not in said
    assert buttons(page) == [
        ("#1 Contacted", False),
        ("#1 Meeting booked", False),
        ("#1 Won", False),
        ("#1 No sale", False),
        ("#1 Snooze 1 day", False),
    ]


async def test_its_buttons_work_after_a_restart(group, discord_api, clock):
    await group.send(slash(ALICE, "referral", **JANE))
    asked = await group.send(slash(BOB, "rapport", "me"))
    [page] = discord_api.private_replies(asked)
    await group.stop()

    clock.advance(days=1)
    later = await Bot(discord_api, group.db, group.settings, clock).start()
    try:
        pressed = await later.send(click(BOB, page, "#1 Meeting booked"))

        [status] = await rows(later, "SELECT status FROM referrals WHERE id = 1")
        assert status == {"status": "meeting"}
        [outcome] = discord_api.private_replies(pressed)
        assert text(outcome) == f"#1 is now meeting booked. I've let {ALICE.mention} know."
    finally:
        await later.stop()
