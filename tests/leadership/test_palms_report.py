"""`/rapport palms`: the leadership's PALMS report per member, as text and as a CSV file in
BNI Connect's weekly columns; closed business per member only with `settings amounts
leadership`. Through the core, with the fake clock (Monday 30 Nov 2026 in Johannesburg).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import Chat
from tests.fakes import RecordingMessenger

BACKENDS = ("sqlite", "postgresql")

SPAN = "/rapport palms 2026-11-19 2026-11-30"


@pytest.fixture
async def week(group: Chat, messenger: RecordingMessenger) -> Chat:
    """A week: bob is VP; alice passes bob a referral (outside) and carol one (inside); bob
    passes carol one; bob and carol win business; carol brought a visitor; bob and carol met
    1-2-1; on 25 Nov alice was present, bob late and carol absent."""
    g = group
    assert "Saved" in await g("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    await g("alice", "/rapport role @bob vp")
    assert "#1" in await g("alice", "/referral @bob Jane Roe jane@roe.example -- a new geyser")
    assert "#2" in await g("alice", "/referral @carol Ann Lee ann@lee.example inside:yes")
    assert "#3" in await g("bob", "/referral @carol Tom Poe tom@poe.example -- a leaking roof")
    assert "won" in await g("bob", "/referrals update 1 won R4800")
    assert "won" in await g("carol", "/referrals update 3 won R1200")
    await g("carol", "/rapport visitor Sipho Dube")
    await g("bob", "/onetoone @carol")
    await g("alice", "/rapport attendance 2026-11-25 present @alice late @bob absent @carol")
    messenger.clear()
    return g


def csv_rows(path: str) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


async def test_a_member_who_is_not_leadership_is_refused_saying_who_may(week: Chat) -> None:
    assert await week("carol", SPAN) == (
        "Only the leadership team can see the PALMS report: the admins, the president, the"
        " vice president and the secretary-treasurer (/rapport role shows who they are)."
    )


async def test_the_vp_gets_the_report_and_the_csv_with_their_own_business_only(
    week: Chat, messenger: RecordingMessenger
) -> None:
    [reply] = await week.messages("bob", SPAN)
    text = reply.fallback()
    lines = text.splitlines()
    assert lines[0] == "PALMS 2026-11-19 to 2026-11-30, Breakfast Club (3 members):"
    assert lines[1:4] == [
        "• @alice: P 1 · A 0 · L 0 · M 0 · S 0 · RGI 1 · RGO 1 · RRI 0 · RRO 0 · V 0 · 1-2-1 0",
        "• @bob: P 0 · A 0 · L 1 · M 0 · S 0 · RGI 0 · RGO 1 · RRI 0 · RRO 1 · V 0 · 1-2-1 1"
        " · TYFCB R4\u00a0800,00",
        "• @carol: P 0 · A 1 · L 0 · M 0 · S 0 · RGI 0 · RGO 0 · RRI 1 · RRO 1 · V 1 · 1-2-1 1",
    ]
    assert lines[4].startswith("Closed business (TYFCB), the group: R6\u00a0000,00. Each member's")
    assert reply.pings() == ()  # names, never pings
    assert messenger.sent == []  # a reply to the VP alone: nothing to the channel
    path, xlsx = reply.attachments  # the CSV first; the XLSX beside it (the xlsx extra)
    assert Path(path).name.startswith("export-20261130-080000-")
    assert Path(path).name.endswith("-palms-2026-11-19-2026-11-30.csv")
    assert csv_rows(path) == [
        [
            "Member",
            "P",
            "A",
            "L",
            "M",
            "S",
            "RGI",
            "RGO",
            "RRI",
            "RRO",
            "V",
            "1-2-1",
            "TYFCB",
            "CEU",
        ],
        ["alice", "1", "0", "0", "0", "0", "1", "1", "0", "0", "0", "0", "", ""],
        ["bob", "0", "0", "1", "0", "0", "0", "1", "0", "1", "0", "1", "4800.00", ""],
        ["carol", "0", "1", "0", "0", "0", "0", "0", "1", "1", "1", "1", "", ""],
        ["Total", "1", "1", "1", "0", "0", "1", "2", "1", "2", "1", "2", "6000.00", ""],
    ]
    assert xlsx.endswith("-palms-2026-11-19-2026-11-30.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.title == "PALMS"
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == csv_rows(path)[0]
    assert cells[2] == ["bob", 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 4800, None]
    assert cells[1][12] is None  # alice's business is private
    assert cells[4][0] == "Total" and cells[4][12] == 6000


async def test_without_the_xlsx_extra_the_csv_comes_alone(
    week: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    [reply] = await week.messages("alice", SPAN)
    [path] = reply.attachments
    assert path.endswith(".csv")
    assert csv_rows(path)[1][0] == "alice"


async def test_a_name_a_spreadsheet_would_run_is_written_as_text(week: Chat, core, repo) -> None:
    await week("erin", "/rapport join Bookkeeping")
    async with repo.transaction() as tx:
        await tx._all("UPDATE members SET display_name = '=HYPERLINK(1)' WHERE user_id = 'erin'")
    [reply] = await week.messages("alice", SPAN)
    path, xlsx = reply.attachments
    assert csv_rows(path)[4][0] == "'=HYPERLINK(1)"
    cell = openpyxl.load_workbook(xlsx).active.cell(row=5, column=1)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


async def test_with_amounts_leadership_on_the_leadership_sees_each_members_business(
    week: Chat,
) -> None:
    assert "Only the group's admins" in await week("bob", "/rapport settings amounts leadership")
    assert (await week("alice", "/rapport settings amounts leadership")).startswith(
        "Saved: the leadership"
    )
    [reply] = await week.messages("bob", SPAN)
    assert "@carol: P 0 · A 1" in reply.fallback()
    assert "1-2-1 1 · TYFCB R1\u00a0200,00" in reply.fallback().split("@carol")[1]
    assert "Each member's own stays private" not in reply.fallback()
    assert csv_rows(reply.attachments[0])[3][12] == "1200.00"
    await week("alice", "/rapport settings amounts private")
    [again] = await week.messages("bob", SPAN)
    assert csv_rows(again.attachments[0])[3][12] == ""


async def test_by_default_the_report_is_the_week_up_to_the_latest_meeting(week: Chat) -> None:
    reply = await week("alice", "/rapport palms")
    assert reply.startswith("PALMS 2026-11-19 to 2026-11-25, Breakfast Club")
    assert "• @bob: P 0 · A 0 · L 1" in reply  # the meeting's record is in it


async def test_bad_dates_are_explained(week: Chat) -> None:
    assert "“2026-13-01” is not a date; write it as YYYY-MM-DD." in await week(
        "alice", "/rapport palms 2026-13-01"
    )
    assert "The second date comes before the first." in await week(
        "alice", "/rapport palms 2026-11-30 2026-11-01"
    )
