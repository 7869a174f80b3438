"""Roles: an admin gives a member a role; the roster and /rapport role show them; president,
vice president and secretary-treasurer move from one member to the next; `holders` falls back
to the admins when nobody holds a role. As members see it and as the database holds it.

The `group` fixture: alice (admin), bob and carol in Breakfast Club.
"""

from __future__ import annotations

from bot.features.leadership.roles import Role, holders, roles_of
from bot.service import Core
from bot.work import Context, Work
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")


async def roles_in_db(repo: SqliteRepository) -> list[tuple[str, str]]:
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT m.user_id, r.role FROM member_roles r JOIN members m ON m.id = r.member_id"
            " ORDER BY m.user_id, r.role"
        )
    return [(r["user_id"], r["role"]) for r in rows]


async def who_holds(core: Core, role: Role) -> list[str]:
    async with core.repo.transaction() as tx:
        w = Work(tx, Context(user("alice"), channel()), core.clock.now(), core.settings)
        group = await w.group()
        return [m.user.user_id for m in await holders(w, group, role)]


async def test_an_admin_gives_a_role_the_channel_hears_and_the_roster_shows_it(
    group: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    reply = await group("alice", "/rapport role @bob vp")
    assert reply.startswith("@bob is now the group's vice president: Rapport hears")
    assert [p.text for p in messenger.posts()] == ["@alice made @bob the group's vice president."]
    assert await roles_in_db(repo) == [("bob", "vp")]
    roster = await group("carol", "/rapport roster")
    assert "• @bob — Residential plumbing, joined" in roster
    assert roster.split("@bob")[1].split("\n")[0].endswith(", vice president")
    team = await group("carol", "/rapport role")
    assert "• vice president: @bob" in team
    assert "• president: nobody yet (the admins are asked)" in team


async def test_only_admins_give_roles_and_a_wrong_role_is_explained(
    group: Chat, repo: SqliteRepository
) -> None:
    assert await group("bob", "/rapport role @carol president") == (
        "Only the group's admins can give members their roles."
    )
    reply = await group("alice", "/rapport role @carol treasurer-general")
    assert "I don't know the role “treasurer-general”" in reply
    assert "president, vp, secretary, visitor-host, membership, mentor" in reply
    assert "Usage: /rapport role" in reply
    assert "Name the member and the role" in await group("alice", "/rapport role carol vp")
    assert await roles_in_db(repo) == []


async def test_a_single_holder_role_moves_and_other_roles_are_shared(
    group: Chat, core: Core, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await group("alice", "/rapport role @bob president")
    reply = await group("alice", "/rapport role @carol president")
    assert "@carol is now the group's president" in reply
    assert "@bob no longer is president." in reply
    assert messenger.posts()[-1].text == (
        "@alice made @carol the group's president. Thank you, @bob, for serving."
    )
    await group("alice", "/rapport role @bob mentor")
    await group("alice", "/rapport role @alice mentor")
    await group("alice", "/rapport role @carol membership")
    assert await roles_in_db(repo) == [
        ("alice", "mentor"),
        ("bob", "mentor"),
        ("carol", "membership"),
        ("carol", "president"),
    ]
    assert await who_holds(core, Role.MENTOR) == ["alice", "bob"]
    assert "already president; nothing changed" in await group(
        "alice", "/rapport role @carol president"
    )


async def test_none_takes_every_role_away_and_nobody_holding_means_the_admins(
    group: Chat, core: Core, repo: SqliteRepository
) -> None:
    assert await who_holds(core, Role.VP) == ["alice"]  # nobody: the admins
    await group("alice", "/rapport role @carol vp")
    await group("alice", "/rapport role @carol visitor-host")
    assert await who_holds(core, Role.VP) == ["carol"]
    async with core.repo.transaction() as tx:
        w = Work(tx, Context(user("alice"), channel()), core.clock.now(), core.settings)
        g = await w.group()
        carol = await w.member_of(g, user("carol"))
        assert await roles_of(w, g, carol) == [Role.VP, Role.VISITOR_HOST]
    reply = await group("alice", "/rapport role @carol none")
    assert reply == "@carol no longer holds a role (was vice president, visitor host)."
    assert await roles_in_db(repo) == []
    assert await who_holds(core, Role.VP) == ["alice"]
    assert await group("alice", "/rapport role @carol none") == (
        "@carol holds no role; nothing changed."
    )


async def test_a_member_who_leaves_holds_no_role(group: Chat, core: Core) -> None:
    await group("alice", "/rapport role @bob vp")
    await group("bob", "/rapport leave")
    assert await who_holds(core, Role.VP) == ["alice"]
    assert "• vice president: nobody yet" in await group("carol", "/rapport role")
