"""A workspace the app left is erased after the grace period as forget-me leaves each member,
with the third parties' details too: a substitute's name and email, a visitor's email and
phone, the people a member keeps in touch with, members' cards, roles, renewals and leave,
presentation topics, and the private calendar feed's token. (Found in review: the erase
cleared prospects but left the data the leadership and card features added.)"""

from __future__ import annotations

from bot import workspaces
from tests.fakes import PLATFORM

BACKENDS = ("sqlite", "postgresql")


async def test_erasing_a_workspace_erases_its_substitutes_names_and_emails(
    group, core, repo, clock, settings
):
    await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg -- The Oaks")
    reply = await group("bob", "/rapport sub 2026-12-02 Sam Jones sam@jones.example")
    assert "Saved: Sam Jones" in reply
    await core.workspace_left(PLATFORM, "w1", workspaces.UNINSTALLED)
    await core.run_due(clock.advance(days=settings.slack.uninstall_grace_days, hours=2))
    async with repo.transaction() as tx:
        names = [r[0] for r in await tx._all("SELECT display_name FROM members")]
        assert set(names) == {"former member"}  # the erase ran
        subs = [tuple(r) for r in await tx._all("SELECT sub_name, sub_email FROM attendance")]
    assert subs == [(None, None)]


async def test_erasing_a_workspace_erases_what_the_leadership_and_cards_keep(
    group, core, repo, clock, settings
):
    await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg -- The Oaks")
    assert "visitor host" in await group("alice", "/rapport role @bob visitor-host")
    await group("alice", "/rapport visitor Ann Lee ann@lee.example 082 555 0134 invited by @bob")
    assert "Saved" in await group("bob", "/rapport profile phone 082 555 0199")
    assert "Saved" in await group("bob", "/rapport profile website bob.example")
    assert "Added" in await group("alice", "/rapport keep-in-touch add Jane Roe every 2 weeks")
    await group("alice", "/rapport member @bob renewal 2027-03-01")
    async with repo.transaction() as tx:
        for table in ("visitors", "member_cards", "keep_in_touch", "member_roles", "member_terms"):
            assert await tx._all(f"SELECT * FROM {table}") != [], table  # all were stored
        await tx._db.execute(
            "INSERT INTO calendar_feeds (group_id, token_hash, created_at)"
            " SELECT id, 'hash-of-a-token', 0 FROM groups"
        )
    await core.workspace_left(PLATFORM, "w1", workspaces.UNINSTALLED)
    await core.run_due(clock.advance(days=settings.slack.uninstall_grace_days, hours=2))
    async with repo.transaction() as tx:
        visitors = [tuple(r) for r in await tx._all("SELECT email, phone, note FROM visitors")]
        assert visitors == [(None, None, None)]
        for table in (
            "member_cards",
            "keep_in_touch",
            "member_roles",
            "member_terms",
            "calendar_feeds",
        ):
            assert await tx._all(f"SELECT * FROM {table}") == [], table
        names = " ".join(str(r[0]) for r in await tx._all("SELECT name FROM visitors"))
    assert "Ann" not in names
