"""PALMS attendance: medical and named substitutes in the admin's record, `/rapport sub`, the
reminder's expected substitutes, and the absence rule's private notices, through the core
with the fake clock. As members see it (replies, DMs, channel posts) and as the database
holds it.

The `meets` fixture: alice (admin), bob and carol in Breakfast Club, meeting on Wednesdays at
07:00 in Johannesburg; the clock stands at Monday 30 Nov 2026, so 11, 18 and 25 Nov were
meetings and 2 Dec is the next.
"""

from __future__ import annotations

import json

import pytest

from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, user
from tests.test_attendance import run_until, sast

BACKENDS = ("sqlite", "postgresql")

NEXT = "2026-12-02"


@pytest.fixture
async def meets(group: Chat, messenger: RecordingMessenger) -> Chat:
    reply = await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg -- The Oaks")
    assert "Saved" in reply
    messenger.clear()
    return group


async def rows(repo: SqliteRepository, sql: str) -> list[tuple[object, ...]]:
    async with repo.transaction() as tx:
        return [tuple(r) for r in await tx._all(sql)]


async def attendance(repo: SqliteRepository) -> list[tuple[object, ...]]:
    return await rows(
        repo,
        "SELECT m.user_id, a.day, a.rsvp, a.status, a.sub_name, a.sub_email FROM attendance a"
        " JOIN members m ON m.id = a.member_id ORDER BY a.day, m.user_id",
    )


def dm_texts(messenger: RecordingMessenger, handle: str) -> list[str]:
    return [s.text for s in messenger.dms_to(handle)]


# --- the record in PALMS terms -----------------------------------------------------------------
async def test_medical_and_a_named_substitute_are_recorded_and_shown(
    meets: Chat, repo: SqliteRepository
) -> None:
    reply = await meets(
        "alice",
        '/rapport attendance 2026-11-25 present @alice medical @bob substitute @carol "Sam Jones"',
    )
    assert reply.splitlines() == [
        "Attendance saved for 2026-11-25.",
        "Present: @alice",
        "Substitute: @carol (Sam Jones)",
        "Medical (excused): @bob",
    ]
    assert await attendance(repo) == [
        ("alice", "2026-11-25", None, "present", None, None),
        ("bob", "2026-11-25", None, "medical", None, None),
        ("carol", "2026-11-25", None, "substitute", "Sam Jones", None),
    ]


async def test_a_quoted_name_after_anyone_but_a_substitute_is_explained(
    meets: Chat, repo: SqliteRepository
) -> None:
    reply = await meets("alice", '/rapport attendance 2026-11-25 absent @bob "Sam Jones"')
    assert 'A name in quotes is a substitute\'s: substitute @dave "Sam Jones".' in reply
    assert "Usage: /rapport attendance" in reply
    assert await attendance(repo) == []


# --- substitutes -------------------------------------------------------------------------------
async def test_a_member_names_a_substitute_the_visitor_host_is_told_and_the_reminder_lists_them(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await meets("alice", "/rapport role @bob visitor-host")
    messenger.clear()
    reply = await meets("carol", "/rapport sub 2026-12-02 Sam Jones sam@jones.example")
    assert reply == (
        "Saved: Sam Jones (sam@jones.example) comes in your place on 2026-12-02. A substitute"
        " counts as your attendance once the admin confirms it. Told to welcome them: @bob."
    )
    assert dm_texts(messenger, "bob") == [
        "@carol is sending a substitute on 2026-12-02: Sam Jones (sam@jones.example). Please"
        " welcome them at the door."
    ]
    assert dm_texts(messenger, "alice") == []  # there is a visitor host: the admins aren't asked
    assert messenger.posts() == []
    assert await attendance(repo) == [
        ("carol", NEXT, "substitute", None, "Sam Jones", "sam@jones.example")
    ]
    # the same again changes nothing and tells nobody twice
    assert "already down as your substitute" in await meets(
        "carol", "/rapport sub 2026-12-02 Sam Jones sam@jones.example"
    )
    assert len(dm_texts(messenger, "bob")) == 1

    await run_until(core, clock, sast(2026, 12, 1, 18, 0))
    [reminder] = [s for s in messenger.posts() if s.message.kind == "reminder.evening"]
    assert "\nSubstitutes expected: Sam Jones for @carol\n" in reminder.text
    assert "sam@jones.example" not in reminder.text  # a third party's contact: never a channel
    assert user("carol") not in reminder.message.pings()

    # after the meeting the admin confirms: the RSVP becomes a substitute record with its name
    clock.set(sast(2026, 12, 2, 9, 0))
    reply = await meets("alice", "/rapport attendance confirm")
    assert "Substitute: @carol (Sam Jones)" in reply
    assert await attendance(repo) == [
        ("carol", NEXT, "substitute", "substitute", "Sam Jones", "sam@jones.example")
    ]


async def test_with_no_visitor_host_the_admins_hear_of_a_substitute(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("bob", "/rapport sub Sam Jones")
    assert dm_texts(messenger, "alice") == [
        f"@bob is sending a substitute on {NEXT}: Sam Jones. Please welcome them at the door."
    ]


async def test_a_bad_substitute_is_refused_and_nothing_is_stored(
    meets: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    reply = await meets("bob", "/rapport sub 2026-12-02 Sam Jones sam@@nowhere")
    assert "“sam@@nowhere” is not an email address I can use" in reply
    assert "Usage: /rapport sub" in reply
    assert "Give your substitute's name" in await meets("bob", "/rapport sub 2026-12-02")
    assert "2026-12-03 is not a meeting day" in await meets("bob", "/rapport sub 2026-12-03 Sam")
    assert "is over" in await meets("bob", "/rapport sub 2026-11-25 Sam")
    assert await attendance(repo) == []
    assert messenger.sent == []


# --- the absence rule --------------------------------------------------------------------------
async def test_the_second_absence_dms_the_member_once_and_the_third_tells_the_vp_privately(
    meets: Chat, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    await meets("alice", "/rapport role @bob vp")
    messenger.clear()
    await meets("alice", "/rapport attendance 2026-11-11 absent @carol")
    assert dm_texts(messenger, "carol") == []  # one absence: nothing yet
    await meets("alice", "/rapport attendance 2026-11-18 absent @carol")
    assert dm_texts(messenger, "carol") == [
        "Hi from Breakfast Club: we missed you on 2026-11-18. That's 2 absences in the last 6"
        " months (2026-11-11, 2026-11-18). The chapter's rule is 3 in 6 months (counting"
        " absences; medical absences and substitutes don't count); at 3 the vice president will"
        " have a word. Your oldest absence, on 2026-11-11, drops out on 2027-05-11. Can't make"
        " a meeting? Send a substitute with /rapport sub <date> <name>: it counts as your"
        " attendance."
    ]
    # the same meeting recorded again (or corrected and put back) says nothing twice
    await meets("alice", "/rapport attendance 2026-11-18 absent @carol")
    await meets("alice", "/rapport attendance 2026-11-18 present @carol")
    await meets("alice", "/rapport attendance 2026-11-18 absent @carol")
    assert len(dm_texts(messenger, "carol")) == 1
    assert dm_texts(messenger, "bob") == []

    await meets("alice", "/rapport attendance 2026-11-25 absent @carol")
    assert dm_texts(messenger, "bob") == [
        "@carol has reached 3 absences in the last 6 months (2026-11-11, 2026-11-18,"
        " 2026-11-25): the chapter's rule is 3 in 6 months (counting absences; medical absences"
        " and substitutes don't count). Time for a friendly word in private. They heard about"
        " the rule after their second absence."
    ]
    assert len(dm_texts(messenger, "carol")) == 1  # the member's DM came once, at the second
    assert dm_texts(messenger, "alice") == []  # there is a VP: the admins aren't told
    assert messenger.posts() == []  # never in the channel
    assert await rows(repo, "SELECT day, kind FROM absence_notices ORDER BY day, kind") == [
        ("2026-11-18", "warning"),
        ("2026-11-25", "limit"),
    ]


async def test_medical_and_substitutes_do_not_count_and_old_absences_drop_out(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    await meets("alice", "/rapport attendance 2026-05-20 absent @carol")  # over 6 months ago
    await meets("alice", "/rapport attendance 2026-11-11 medical @carol")
    await meets("alice", '/rapport attendance 2026-11-18 substitute @carol "Sam"')
    await meets("alice", "/rapport attendance 2026-11-25 absent @carol")
    assert dm_texts(messenger, "carol") == []  # one absence counts in the window
    await meets("alice", "/rapport attendance 2026-06-03 absent @carol")  # inside: 2 now
    assert len(dm_texts(messenger, "carol")) == 1
    assert "drops out on 2026-12-03" in dm_texts(messenger, "carol")[0]


async def test_the_admin_sets_the_rule_and_with_no_vp_the_admins_are_told(
    meets: Chat, messenger: RecordingMessenger
) -> None:
    assert await meets("alice", "/rapport settings absences 2 in 3 months") == (
        "Saved: the absence rule is 2 in 3 months (counting absences; medical absences and"
        " substitutes don't count). After 1 absence a member gets a friendly private DM; at the"
        " limit the vice president (or the admins) is told privately."
    )
    assert "counting absences and medical absences; substitutes don't count" in await meets(
        "alice", "/rapport settings absences counting medical"
    )
    settings = await meets("bob", "/rapport settings")
    assert "Absence rule: 2 in 3 months (counting absences and medical absences" in settings
    await meets("alice", "/rapport attendance 2026-11-18 medical @bob")
    assert len(dm_texts(messenger, "bob")) == 1  # the first of two
    await meets("alice", "/rapport attendance 2026-11-25 absent @bob")
    assert dm_texts(messenger, "alice")[0].startswith("@bob has reached 2 absences in the last 3")
    assert "Only the group's admins can change" in await meets(
        "bob", "/rapport settings absences 9 in 9"
    )
    assert "Give 1 to 52 absences in 1 to 24 months" in await meets(
        "alice", "/rapport settings absences 0 in 6"
    )
    assert "Write settings absences <count> in <months>" in await meets(
        "alice", "/rapport settings absences lots"
    )
    assert "(the default)" in await meets("alice", "/rapport settings absences default")


async def test_my_data_holds_my_substitute_and_my_roles_and_forgetting_erases_the_substitute(
    meets: Chat, repo: SqliteRepository
) -> None:
    await meets("alice", "/rapport role @carol mentor")
    await meets("carol", "/rapport sub Sam Jones sam@jones.example")
    [reply] = await meets.messages("carol", "/rapport my-data")
    with open(reply.attachments[0], encoding="utf-8") as f:
        data = json.load(f)
    assert [(a["day"], a["sub_name"], a["sub_email"]) for a in data["attendance"]] == [
        (NEXT, "Sam Jones", "sam@jones.example")
    ]
    assert [r["role"] for r in data["roles"]] == ["mentor"]
    await meets("alice", "/rapport forget @carol")
    await meets("alice", "/rapport forget @carol confirm")
    assert await rows(repo, "SELECT sub_name, sub_email FROM attendance") == [(None, None)]
    assert await rows(repo, "SELECT role FROM member_roles") == []
