"""Files a reply or a post carries go to Slack as uploads: an admin's export lands in their
DM (an ephemeral answer cannot carry files), a channel post's chart beside the post."""

from __future__ import annotations

from pathlib import Path

from bot.out import OutMessage
from bot.text import lit
from tests.slack.conftest import ALICE, BOB
from tests.slack.fake_slack import dm_channel


async def test_an_export_is_uploaded_to_the_admins_dm(group, fake):
    result = await group.type(ALICE, "/rapport export")
    assert "Export of" in result.text
    assert {u.channel for u in fake.uploads} == {dm_channel("U0ALICE")}  # never the channel
    tables = sorted(u.filename.rsplit("-", 1)[-1] for u in fake.uploads)
    assert tables == [
        "attendance.csv",
        "closed_business.csv",
        "closed_business_totals.csv",
        "leads.csv",
        "one_to_ones.csv",
        "referral_sources.csv",
        "referrals.csv",
    ]


async def test_a_member_gets_their_data_in_their_own_dm(group, fake):
    await group.type(BOB, "/rapport my-data")
    [upload] = fake.uploads
    assert upload.channel == dm_channel("U0BOB")
    assert upload.filename.endswith(".json") and b'"display_name": "Bob"' in upload.content


async def test_a_channel_posts_chart_is_uploaded_beside_it(slack, fake, tmp_path):
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n")
    from bot.model import ChannelRef

    await slack.messenger.post(
        ChannelRef("slack", "T0RAPPORT", "C0GROUP", "#breakfast-club"),
        OutMessage(lit("The last 12 weeks"), kind="recap.monthly", attachments=(str(chart),)),
    )
    [upload] = fake.uploads
    assert (upload.channel, upload.filename) == ("C0GROUP", "chart.png")
    assert upload.content == Path(chart).read_bytes()
