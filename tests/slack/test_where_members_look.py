"""Where members look, on Slack: the meeting's calendar file and a member's card are uploaded
to the person's own DM, never to the channel, and read back with the libraries calendar
and address-book software use."""

from __future__ import annotations

import icalendar
import vobject

from tests.slack.conftest import ALICE, BOB
from tests.slack.fake_slack import dm_channel


async def test_the_meeting_ics_is_uploaded_to_the_members_dm(group, fake):
    await group.type(ALICE, "/rapport meeting set thursday 07:00 Europe/London -- The Oaks")
    result = await group.type(BOB, "/rapport meeting ics")
    assert "calendar file" in result.text
    [upload] = fake.uploads
    assert upload.channel == dm_channel("U0BOB")
    [event] = icalendar.Calendar.from_ical(upload.content).walk("VEVENT")
    assert event["RRULE"]["BYDAY"] == ["TH"] and str(event["LOCATION"]) == "The Oaks"


async def test_a_card_is_uploaded_as_a_vcard_to_the_askers_dm(group, fake):
    await group.type(BOB, "/rapport profile website https://bob.example")
    result = await group.type(ALICE, "/rapport card <@U0BOB>")
    assert "*Website*\nhttps://bob.example" in result.text
    [upload] = fake.uploads
    assert upload.channel == dm_channel("U0ALICE")
    card = vobject.readOne(upload.content.decode())
    assert card.version.value == "4.0" and card.url.value == "https://bob.example"
