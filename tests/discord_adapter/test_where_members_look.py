"""Where members look, on Discord: the meeting's calendar file arrives as an attachment on
the private reply, and reads back as the weekly event."""

from __future__ import annotations

import icalendar
import vobject

from tests.discord_adapter.conftest import text
from tests.discord_adapter.payloads import ALICE, BOB, slash


async def test_the_meeting_ics_arrives_as_a_calendar_attachment(group, discord_api):
    await group.type(
        ALICE, "rapport", "meeting", "set", weekday="wednesday", time="07:00", timezone="UTC"
    )
    payload = await group.send(slash(BOB, "rapport", "meeting", "ics"))
    [reply] = discord_api.private_replies(payload)
    assert text(reply).startswith("Here is the weekly meeting as a calendar file")
    [file] = reply["attachments"]
    assert file["filename"].startswith("meeting-") and file["filename"].endswith(".ics")
    cal = icalendar.Calendar.from_ical(discord_api.download(file))
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Breakfast Club weekly meeting"
    assert event["RRULE"]["BYDAY"] == ["WE"]


async def test_a_members_card_arrives_with_its_vcard(group, discord_api):
    await group.type(BOB, "card", "phone", number="+27 82 555 0134")
    await group.type(BOB, "card", "share-email", on=True)
    payload = await group.send(slash(ALICE, "card", "show", member=BOB))
    [reply] = discord_api.private_replies(payload)
    assert "Phone: +27 82 555 0134" in text(reply)
    [file] = reply["attachments"]
    assert file["filename"].endswith(".vcf")
    card = vobject.readOne(discord_api.download(file).decode())
    assert card.tel.value == "tel:+27825550134"
    assert reply["allowed_mentions"]["parse"] == []
    payload = await group.send(slash(ALICE, "card", "all"))
    [reply] = discord_api.private_replies(payload)
    [file] = reply["attachments"]
    assert len(list(vobject.readComponents(discord_api.download(file).decode()))) >= 2


async def test_a_referral_says_where_it_came_from(group, discord_api):
    said = await group.type(
        ALICE,
        "referral",
        member=BOB,
        prospect="Jane Roe",
        email="jane@roe.example",
        source="power-team",
    )
    assert "#1" in said[0]
    [dm] = discord_api.dms_to(BOB.id)
    assert "Found through: their power team" in text(dm)


async def test_keep_in_touch_on_discord_is_private(group, discord_api):
    [added] = await group.type(ALICE, "keep-in-touch", "add", name="Jane Roe", weeks=6)
    assert added.startswith("Added #1 Jane Roe, every 6 weeks")
    [listed] = await group.type(ALICE, "keep-in-touch", "list")
    assert "#1 Jane Roe" in listed
    [theirs] = await group.type(BOB, "keep-in-touch", "list")
    assert "nobody here yet" in theirs
    assert all("Jane Roe" not in text(p) for p in discord_api.posts())
