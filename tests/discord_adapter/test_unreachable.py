"""Bob refuses DMs from the server's members: Discord answers 403 with code 50007. Rapport does
not retry into Discord's invalid-request limit, Alice learns Bob could not be reached, and Bob
sees a private notice the next time he uses a command."""

from __future__ import annotations

from tests.discord_adapter.conftest import rows, text
from tests.discord_adapter.payloads import ALICE, BOB

JANE = {"member": BOB, "prospect": "Jane Roe", "email": "jane@roe.example", "heat": 5}
RECEIVED = "WHERE payload LIKE '%\"referral.received\"%'"


def dm_attempts(discord_api, user_id: int) -> int:
    channel = discord_api.dm_channels.get(user_id)
    return sum(1 for c in discord_api.calls if c.path == f"/channels/{channel}/messages")


async def test_a_refused_dm_tells_the_giver_and_is_not_retried(group, discord_api, clock):
    discord_api.refuse_dms.add(BOB.id)

    [reply] = await group.type(ALICE, "referral", **JANE)

    assert reply.startswith(f"Referral #1 to {BOB.mention} is logged")
    assert dm_attempts(discord_api, BOB.id) == 1
    [notice] = discord_api.dms_to(ALICE.id)
    assert text(notice).startswith(
        f"I couldn't reach {BOB.mention} by direct message about Jane Roe (#1)"
    )
    # the channel still hears of it, without Jane's details
    assert (
        discord_api.posts()[-1]["content"] == f"{ALICE.mention} passed a referral to {BOB.mention}."
    )
    [row] = await rows(group, f"SELECT state, attempts, last_error FROM outbox {RECEIVED}")
    assert row == {
        "state": "failed",
        "attempts": 1,
        "last_error": "unreachable: Discord 403/50007: Cannot send messages to this user",
    }

    # a day of scheduler ticks: the refused DM is never tried again
    for _ in range(6):
        clock.advance(hours=4)
        await group.tick()
    # later nudges to Bob are each tried once and given up, never retried in a loop
    to_bob = await rows(group, f"SELECT state, attempts FROM outbox WHERE target LIKE '%{BOB.id}%'")
    assert len(to_bob) > 1
    assert all(r == {"state": "failed", "attempts": 1} for r in to_bob)
    assert dm_attempts(discord_api, BOB.id) == len(to_bob)
    giver_notices = [m for m in discord_api.dms_to(ALICE.id) if "couldn't reach" in text(m)]
    assert len(giver_notices) == 1


async def test_bob_sees_a_private_notice_on_his_next_command_only(group, discord_api):
    discord_api.refuse_dms.add(BOB.id)
    await group.type(ALICE, "referral", **JANE)

    first = await group.type(BOB, "referrals", "list", which="open")
    assert first[0].startswith("Referrals and leads waiting on you")
    assert "Jane Roe" in first[0]
    assert first[1].startswith("Heads-up: I tried to send you a direct message and your settings")

    again = await group.type(BOB, "referrals", "list", which="open")
    assert len(again) == 1
