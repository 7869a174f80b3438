"""Admins, seats, the roster and several-member 1-2-1s through discord.py's own commands:
the options Discord validates become the core's commands, with the members it resolved."""

from __future__ import annotations

from tests.discord_adapter.conftest import rows
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, Person

DAVE = Person(900000000000001004, "dave", "Dave")


async def test_an_admin_adds_another_and_everyone_sees_the_roster(group, discord_api):
    [done] = await group.type(ALICE, "rapport", "admin", action="add", member=BOB)
    assert done.startswith("<@900000000000001002> is now an admin too")
    admins = await rows(group, "SELECT user_id FROM members WHERE is_admin = 1 ORDER BY id")
    assert [a["user_id"] for a in admins] == [str(ALICE.id), str(BOB.id)]
    [listed] = await group.type(CAROL, "rapport", "admins")
    assert listed.startswith("Breakfast Club's admins: ")
    [roster] = await group.type(CAROL, "rapport", "roster")
    assert roster.startswith("Breakfast Club's roster: 3 members.")
    assert "Residential plumbing, joined" in roster
    [removed] = await group.type(BOB, "rapport", "admin", action="remove", member=BOB)
    assert removed.startswith("You are no longer an admin.")


async def test_a_seat_in_a_held_trade_waits_for_an_admin_to_allow_it(group, discord_api):
    [held] = await group.type(DAVE, "rapport", "join", classification="Plumber")
    assert "is the same trade as" in held and "Residential plumbing seat" in held
    assert await rows(group, f"SELECT id FROM members WHERE user_id = '{DAVE.id}'") == []
    [allowed] = await group.type(ALICE, "rapport", "settings", "seat-allow", member=DAVE)
    assert allowed.startswith("<@900000000000001004> now holds the Plumber seat")
    [dave] = await rows(group, f"SELECT classification FROM members WHERE user_id = '{DAVE.id}'")
    assert dave == {"classification": "Plumber"}


async def test_a_1_2_1_with_another_member_there_too_logs_both(group, discord_api):
    replies = await group.type(BOB, "onetoone", member=ALICE, also=CAROL, note="coffee")
    assert "\n".join(replies).count("is logged") == 2
    logged = await rows(group, "SELECT note FROM one_to_ones")
    assert logged == [{"note": "coffee"}, {"note": "coffee"}]
