"""A NUL or another control character in a platform display name, or in what a member types,
never reaches the database: PostgreSQL's text cannot hold \\x00 at all ("Sorry, something went
wrong" before), and no one should read a bell or an escape in a roster. Names are cleaned where
they enter the core; typed text by the grammar's clean(). On both databases."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.service import Core
from bot.work import Context
from tests.fakes import PLATFORM, WORKSPACE, FakeClock, RecordingMessenger, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

NAMES = {"alice": "Alice\x00 Admin", "bob": "Bob\x00\x07 the\x1b[31m Builder\x7f", "carol": "Carol"}


def person(handle: str) -> UserRef:
    return UserRef(PLATFORM, WORKSPACE, handle, NAMES[handle])


class Resolver:
    """Mentions as a platform names them: display names with control characters in them."""

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        handle = raw.lstrip("@")
        return person(handle) if handle in NAMES else None


@pytest.fixture
def core(repo, messenger: RecordingMessenger, clock: FakeClock, settings: Settings) -> Core:
    return Core(repo, messenger, clock, Resolver(), settings)


async def say(core: Core, handle: str, line: str, where: ChannelRef | None = None) -> str:
    replies = await core.handle(Context(person(handle), where or channel()), line)
    await core.settle()
    return "\n".join(r.fallback() for r in replies)


async def test_a_display_name_with_a_nul_joins_and_gives_a_referral(core, repo, messenger):
    assert "set up" in await say(core, "alice", "/rapport setup Breakfast Club")
    assert "Welcome" in await say(core, "alice", "/rapport join Commercial insurance")
    assert "Welcome" in await say(core, "bob", "/rapport join Residential plumbing")
    logged = await say(core, "bob", "/referral @alice Jane Roe jane@roe.example -- a new roof")
    assert "went wrong" not in logged and "#1" in logged

    roster = await say(core, "alice", "/rapport roster")
    assert "Bob the [31m Builder" in roster and "Alice Admin" in roster
    assert not any(c in roster for c in "\x00\x07\x1b\x7f")
    dm = messenger.dms_to("alice")[-1].text
    assert "Bob the [31m Builder" in dm and "\x00" not in dm

    group = await repo.read(lambda tx: tx.groups.by_channel(channel()))
    stored = await repo.read(lambda tx: tx.members.of_group(group.id))
    assert sorted(m.name for m in stored) == ["Alice Admin", "Bob the [31m Builder"]


async def test_nul_in_typed_text_is_not_stored(core, repo):
    setup = await say(core, "alice", "/rapport setup Break\x00fast\x01 Club")
    assert "went wrong" not in setup and "Breakfast Club" not in setup
    assert "Break fast Club" in setup
    assert "Welcome" in await say(core, "alice", "/rapport join Commercial\x00 insurance")
    assert "Welcome" in await say(core, "carol", "/rapport join Roof\x00ing")
    asked = await say(core, "carol", "/rapport profile ask Home\x00owners in\x1b Durban")
    assert "went wrong" not in asked
    logged = await say(
        core, "carol", "/referral @alice Jane\x00 Roe jane@roe.example -- needs\x00 a roof"
    )
    assert "went wrong" not in logged and "#1" in logged
    noted = await say(core, "alice", "/referrals update 1 contacted -- called\x00 her")
    assert "went wrong" not in noted

    profile = await say(core, "alice", "/rapport profile @carol")
    assert "Home owners in Durban" in profile
    mine = await say(core, "carol", "/referrals given")
    assert "Jane Roe" in mine and "\x00" not in mine


async def test_nul_anywhere_in_a_week_of_typed_commands_never_fails(core):
    """Every kind of free text a member types, each with a NUL in it: answered, never
    "something went wrong" (the typed text is cleaned by the grammar before it is stored)."""
    for handle, line in [
        ("carol", "/rapport setup Break\x00fast Club"),
        ("carol", "/rapport join Roof\x00ing"),
        ("alice", "/rapport join Commercial insurance"),
        ("carol", "/rapport meeting set wednesday 07:00 Africa/Johannesburg -- Caf\x00e Rio"),
        ("carol", "/rapport profile email carol\x00@roof.example"),
        ("carol", "/rapport profile quiet 22:00-06:00\x00"),
        ("carol", "/lead @alice Acme\x00 Ltd -- expanding\x00 the team"),
        ("carol", "/referral @alice Jane Roe jane@roe.example 082\x00 555 0134 -- a roof"),
        ("alice", "/referrals update 2 won R4\x00800 -- signed\x00 today"),
        ("alice", "/thanks @carol #2 -- thank\x00 you"),
        ("alice", "/onetoone @carol -- coffee\x00 at Rio"),
        ("carol", "/rapport visitor Ann\x00 O'Connor (invited by @alice)"),
        ("carol", "/rapport settings seat add Solar\x00 installer"),
        ("carol", "/referrals withdraw 1 -- dupli\x00cate"),
        ("carol", "/rapport help refer\x00ral"),
    ]:
        answer = await say(core, handle, line)
        assert answer and "went wrong" not in answer, (line, answer)
        assert "\x00" not in answer, (line, answer)
