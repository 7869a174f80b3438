"""Correcting the records on Discord: the same rules as typed, through /referrals amount,
edit and withdraw, with real discord.py interactions and a recording REST fake."""

from __future__ import annotations

from tests.discord_adapter.conftest import rows
from tests.discord_adapter.payloads import ALICE, BOB

NBSP = "\u00a0"


async def test_bob_corrects_his_amount_and_alice_edits_then_withdraws_a_duplicate(
    group, discord_api
):
    await group.type(ALICE, "referral", member=BOB, prospect="Jane Roe", email="j@roe.example")
    [again] = await group.type(
        ALICE, "referral", member=BOB, prospect="Jane Roe", email="J@roe.example"
    )
    assert again.startswith("You already passed Jane Roe to")
    await group.type(BOB, "referrals", "update", referral=1, status="won", amount="R18,500")
    [fixed] = await group.type(
        BOB, "referrals", "amount", referral=1, amount="R15 000 repeat", why="a smaller job"
    )
    assert (
        f"Closed business for #1 is now R15{NBSP}000,00 (was R18{NBSP}500,00),"
        " counted as repeat business." in fixed
    )
    assert await rows(group, "SELECT amount_cents, business FROM closed_business") == [
        {"amount_cents": 1_500_000, "business": "repeat"}
    ]

    await group.type(ALICE, "referral", member=BOB, prospect="Tom Lee")
    [edited] = await group.type(ALICE, "referrals", "edit", referral=2, phone="082 555 9876")
    assert "#2 now has contact details, so it is a referral" in edited
    [gone] = await group.type(ALICE, "referrals", "withdraw", referral=2, why="Tom said no")
    assert gone.startswith("#2 is withdrawn")
    assert await rows(group, "SELECT id, kind, phone, ended FROM referrals WHERE id = 2") == [
        {"id": 2, "kind": "referral", "phone": "082 555 9876", "ended": "withdrawn"}
    ]
