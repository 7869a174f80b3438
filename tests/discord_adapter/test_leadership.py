"""/leadership through discord.py's own commands: roles from Discord's choices, a substitute
with an email Discord hands over as typed, and the PALMS report with its file."""

from __future__ import annotations

from tests.discord_adapter.conftest import rows
from tests.discord_adapter.payloads import ALICE, BOB, CAROL


async def test_an_admin_gives_a_role_and_a_member_sees_the_team(group, discord_api):
    [done] = await group.type(ALICE, "leadership", "role", member=BOB, role="vp")
    assert done.startswith("<@900000000000001002> is now the group's vice president")
    held = await rows(
        group, "SELECT m.user_id, r.role FROM member_roles r JOIN members m ON m.id = r.member_id"
    )
    assert held == [{"user_id": str(BOB.id), "role": "vp"}]
    [team] = await group.type(CAROL, "leadership", "roles")
    assert "• vice president: <@900000000000001002>" in team
    [refused] = await group.type(CAROL, "leadership", "role", member=ALICE, role="president")
    assert refused == "Only the group's admins can give members their roles."
    [gone] = await group.type(ALICE, "leadership", "role", member=BOB, role="none")
    assert gone.startswith("<@900000000000001002> no longer holds a role")


async def test_a_substitute_and_the_palms_report(group, discord_api):
    await group.type(ALICE, "rapport", "meeting", "set", weekday="wednesday", time="07:00")
    [bad] = await group.type(CAROL, "leadership", "sub", name="Sam Jones", email="sam@@x")
    assert "email" in bad and "sam@example.com" in bad
    [saved] = await group.type(
        CAROL, "leadership", "sub", name="Sam Jones", email="sam@jones.example"
    )
    assert saved.startswith("Saved: Sam Jones (sam@jones.example) comes in your place on")
    subs = await rows(group, "SELECT sub_name, sub_email, rsvp FROM attendance")
    assert subs == [
        {"sub_name": "Sam Jones", "sub_email": "sam@jones.example", "rsvp": "substitute"}
    ]
    assert all("sam@jones.example" not in p.get("content", "") for p in discord_api.posts())

    [refused] = await group.type(CAROL, "leadership", "palms")
    assert refused.startswith("Only the leadership team can see the PALMS report")
    [report] = await group.type(ALICE, "leadership", "palms", **{"from": "2026-11-01"})
    assert report.startswith("PALMS 2026-11-01 to 2026-11-30, Breakfast Club (3 members):")
    [ending] = await group.type(ALICE, "leadership", "palms", to="2026-11-18")
    assert ending.startswith("PALMS 2026-11-12 to 2026-11-18, Breakfast Club")
    [both] = await group.type(
        ALICE, "leadership", "palms", **{"from": "2026-11-01", "to": "2026-11-18"}
    )
    assert both.startswith("PALMS 2026-11-01 to 2026-11-18, Breakfast Club")
