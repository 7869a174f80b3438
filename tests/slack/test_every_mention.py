"""Every mention a Slack command reads as a member stays one, through signed requests: the
admin marks three members present in one line, and a visitor's inviter is credited. A
mention in a note still reads as the person's name."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.slack.conftest import ALICE, BOB, CAROL, Workspace
from tests.slack.fake_slack import person
from tests.slack.test_commands import rows

DAVE = person("U0DAVE", "Dave Mokoena")
AFTER_THE_MEETING = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 11:00 in Johannesburg


async def test_attendance_marks_every_member_named_in_one_line(
    group: Workspace, fake, slack, clock
):
    fake.users[DAVE["id"]] = DAVE
    await group.type(DAVE, "/rapport join Electrician")
    await group.type(ALICE, "/rapport meeting set wednesday 07:00 Africa/Johannesburg")
    clock.set(AFTER_THE_MEETING)

    done = await group.type(
        ALICE,
        "/rapport attendance 2026-12-02 present <@U0BOB|bob> <@U0CAROL|carol> <@U0DAVE|dave>",
    )

    assert done.text.startswith("Attendance saved for 2026-12-02.")
    assert "*Present*\n@Bob, @Carol, @Dave Mokoena" in done.text
    assert await rows(
        slack,
        "SELECT m.user_id, a.status FROM attendance a JOIN members m ON m.id = a.member_id"
        " ORDER BY m.user_id",
    ) == [
        {"user_id": "U0BOB", "status": "present"},
        {"user_id": "U0CAROL", "status": "present"},
        {"user_id": "U0DAVE", "status": "present"},
    ]


async def test_a_visitor_is_credited_to_the_member_who_invited_them(group: Workspace, slack):
    done = await group.type(ALICE, "/rapport visitor Jane Doe invited by <@U0BOB|bob>")

    assert done.text == (
        "Visitor Jane Doe recorded, invited by @Bob. They are #1, invited; when they confirm:"
        " /rapport visitor 1 confirmed."
    )
    assert await rows(
        slack,
        "SELECT v.name, m.user_id FROM visitors v JOIN members m ON m.id = v.invited_by",
    ) == [{"name": "Jane Doe", "user_id": BOB["id"]}]


async def test_a_mention_in_a_note_still_reads_as_a_name(group: Workspace, slack):
    await group.type(
        ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- ask <@U0CAROL|carol> first"
    )

    [row] = await rows(slack, "SELECT need FROM referrals")
    assert row["need"] == "ask @Carol first"
    assert CAROL["id"] not in str(row)
