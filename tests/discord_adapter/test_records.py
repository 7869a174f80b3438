"""The rest of /rapport: records and members' data. Files the core writes (an export, my-data)
arrive as Discord attachments on the private reply; RSVP buttons on a channel post answer
each member privately and stay as they are for everyone else."""

from __future__ import annotations

import json

from tests.discord_adapter.conftest import buttons, rows, text
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, click, slash


async def test_my_data_arrives_as_a_json_attachment(group, discord_api):
    payload = await group.send(slash(BOB, "rapport", "my-data"))
    [reply] = discord_api.private_replies(payload)
    assert text(reply) == "Here is everything Rapport stores about you, as JSON."
    [file] = reply["attachments"]
    assert file["filename"].startswith("my-data-") and file["filename"].endswith(".json")
    data = json.loads(discord_api.download(file))
    assert data["group"] == "Breakfast Club"


async def test_the_admin_exports_csv_files(group, discord_api):
    await group.type(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example")
    payload = await group.send(slash(ALICE, "rapport", "export", **{"from": "2026-11-01"}))
    [reply] = discord_api.private_replies(payload)
    assert text(reply).startswith("Export of 2026-11-01 to 2026-11-30: 1 referral")
    names = sorted(f["filename"] for f in reply["attachments"])
    assert names and all(n.startswith("export-") and n.endswith(".csv") for n in names)
    [referrals] = [f for f in reply["attachments"] if f["filename"].endswith("-referrals.csv")]
    assert b"Jane" in discord_api.download(referrals)


async def test_a_visitor_is_credited_to_the_member_who_invited_them(group, discord_api):
    [done] = await group.type(ALICE, "rapport", "visitor", name="Jane Smith", invited_by=BOB)
    assert "Jane Smith" in done
    [visitor] = await rows(group, "SELECT name, invited_by FROM visitors")
    [bob] = await rows(group, f"SELECT id FROM members WHERE user_id = '{BOB.id}'")
    assert visitor == {"name": "Jane Smith", "invited_by": bob["id"]}


async def test_rsvp_buttons_on_a_channel_post_answer_privately(group, discord_api, clock):
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="wednesday",
        time="07:00",
        timezone="Africa/Johannesburg",
    )
    clock.advance(hours=34)  # Tuesday 16:00 UTC: the evening reminder, with RSVP buttons
    await group.tick()
    [reminder] = [m for m in discord_api.posts() if m["content"].startswith("📅 Reminder")]
    labels = [label for label, _ in buttons(reminder)]
    assert labels == ["Attending", "Sending a substitute", "Can't make it"]

    pressed = await group.send(click(CAROL, reminder, "Can't make it"))

    [answer] = discord_api.private_replies(pressed)
    assert answer["flags"] & 64
    assert text(answer) == "Thanks for letting us know: you can't make it on 2026-12-02. We'll miss you."
    # the post is everyone's: its buttons are unchanged
    assert buttons(discord_api.messages[int(reminder["id"])]) == buttons(reminder)
    [rsvp] = await rows(group, "SELECT rsvp FROM attendance")
    assert rsvp == {"rsvp": "absent"}


async def test_the_admin_marks_attendance_for_several_members(group, discord_api, clock):
    await group.type(
        ALICE,
        "rapport",
        "meeting",
        "set",
        weekday="monday",
        time="07:00",
        timezone="Africa/Johannesburg",
    )
    clock.advance(days=7, hours=2)  # after next Monday's meeting
    [done] = await group.type(
        ALICE, "rapport", "attendance", "mark", status="late", member=BOB, member2=CAROL
    )
    assert done.startswith("Attendance saved for 2026-12-07.")
    assert f"Late: {BOB.mention}, {CAROL.mention}" in done
    marked = await rows(group, "SELECT status FROM attendance ORDER BY member_id")
    assert marked == [{"status": "late"}, {"status": "late"}]


async def test_an_export_up_to_a_date_starts_when_the_group_did(group, discord_api):
    payload = await group.send(slash(ALICE, "rapport", "export", to="2026-11-30"))
    [reply] = discord_api.private_replies(payload)
    assert text(reply).startswith("Export of 2026-11-30 to 2026-11-30: 0 referrals")
