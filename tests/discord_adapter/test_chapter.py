"""/chapter on Discord: the leadership team's week beside /rapport. Each subcommand builds the
line a member would type, so the core's grammar and wording answer; members named in a line
arrive as Discord mentions and are resolved like any other."""

from __future__ import annotations

from tests.discord_adapter.conftest import rows
from tests.discord_adapter.payloads import ALICE, BOB, CAROL


async def meeting(group) -> None:
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
    )


async def test_presenters_are_given_filled_and_listed_through_chapter(group, discord_api):
    await meeting(group)
    [given] = await group.type(
        ALICE, "chapter", "presenter", line=f"2026-12-09 <@{BOB.id}> -- Pricing"
    )
    assert given.startswith(f"<@{BOB.id}> has the feature presentation on 2026-12-09: Pricing.")
    [filled] = await group.type(ALICE, "chapter", "educators", fill=True)
    assert filled.startswith("Filled 3 open weeks:")
    [listed] = await group.type(CAROL, "chapter", "presenters")
    assert f"2026-12-09: <@{BOB.id}> — Pricing" in listed
    [slot] = await rows(
        group, "SELECT slot, day, topic FROM meeting_slots WHERE slot = 'presenter'"
    )
    assert slot == {"slot": "presenter", "day": "2026-12-09", "topic": "Pricing"}


async def test_a_visitor_and_a_members_leave_through_chapter(group, discord_api):
    await meeting(group)
    [done] = await group.type(
        BOB, "chapter", "visitor", line="Ann Lee ann@lee.example -- Bookkeeping"
    )
    assert done.startswith(f"Visitor Ann Lee recorded, invited by <@{BOB.id}>.")
    [moved] = await group.type(BOB, "chapter", "visitor", line="1 confirmed")
    assert moved == "Ann Lee is now confirmed."
    [listed] = await group.type(CAROL, "chapter", "visitors")
    assert "#1 Ann Lee — confirmed (Bookkeeping)" in listed and "ann@lee.example" not in listed
    [leave] = await group.type(
        ALICE, "chapter", "member", member=CAROL, what="leave 2026-12-01 2026-12-31"
    )
    assert leave.startswith(f"Saved: <@{CAROL.id}> is on leave from 2026-12-01 to 2026-12-31.")
    [terms] = await rows(group, "SELECT leave_from, leave_until FROM member_terms")
    assert terms == {"leave_from": "2026-12-01", "leave_until": "2026-12-31"}
