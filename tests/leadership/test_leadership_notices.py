"""Found in review: the leadership's duty notices go through Work.dm, which drops every DM not in
ESSENTIAL_DMS for a member who turned DMs off, and returns False. The absence rule ignores
that False (the notice is remembered as given, so it is never given), and nobody else is
asked; /rapport sub does the same for the visitor host."""

# ruff: noqa: F811 (pytest fixtures imported by name)
from __future__ import annotations

from tests.conftest import Chat
from tests.fakes import RecordingMessenger
from tests.leadership.test_palms_attendance import dm_texts, meets, rows  # noqa: F401


async def test_a_vp_with_dms_off_still_hears_or_the_admins_do_when_a_member_reaches_the_limit(
    meets: Chat,
    messenger: RecordingMessenger,
    repo,
) -> None:
    await meets("alice", "/rapport role @bob vp")
    assert "Saved" in await meets("bob", "/rapport profile dm off")  # nudges off
    messenger.clear()
    for day in ("2026-11-11", "2026-11-18", "2026-11-25"):
        await meets("alice", f"/rapport attendance {day} absent @carol")
    told = dm_texts(messenger, "bob") + dm_texts(messenger, "alice")
    assert [t for t in told if "has reached 3 absences" in t] != []


async def test_a_visitor_host_with_dms_off_still_hears_of_a_substitute(
    meets: Chat,
    messenger: RecordingMessenger,
) -> None:
    await meets("alice", "/rapport role @bob visitor-host")
    assert "Saved" in await meets("bob", "/rapport profile dm off")
    messenger.clear()
    reply = await meets("carol", "/rapport sub 2026-12-02 Sam Jones sam@jones.example")
    assert reply.endswith("Told to welcome them: @bob.")
    assert dm_texts(messenger, "bob") == [
        "@carol is sending a substitute on 2026-12-02: Sam Jones (sam@jones.example). Please"
        " welcome them at the door."
    ]


async def test_when_the_visitor_host_sends_a_substitute_the_admins_welcome_them(
    meets: Chat,
    messenger: RecordingMessenger,
) -> None:
    await meets("alice", "/rapport role @bob visitor-host")
    messenger.clear()
    reply = await meets("bob", "/rapport sub 2026-12-02 Sam Jones")
    assert reply.endswith("Told to welcome them: @alice.")
    assert dm_texts(messenger, "alice") == [
        "@bob is sending a substitute on 2026-12-02: Sam Jones. Please welcome them at the door."
    ]
