"""Renewals and leave: the membership committee is told by DM 60 and 30 days before a
member's renewal; the monthly recap names who renews that month; a member on leave is not
counted absent, gets no accountability nudge and is given no presenter slot.

The group meets on Wednesdays at 07:00 in Johannesburg; the clock starts on Monday 30 Nov
2026 at 08:00 there.
"""

from __future__ import annotations

import pytest

from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger
from tests.week.helpers import run_until, sast

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
async def meets(group: Chat, messenger: RecordingMessenger) -> Chat:
    """alice (admin), bob and carol; dave is the membership committee."""
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00 Africa/Johannesburg")
    assert "Welcome" in await group("dave", "/rapport join Electrician")
    assert "membership" in await group("alice", "/rapport role @dave membership")
    messenger.clear()
    return group


def dm_texts(messenger: RecordingMessenger, handle: str, kind: str) -> list[str]:
    return [s.message.fallback() for s in messenger.dms_to(handle) if s.message.kind == kind]


async def test_the_committee_hears_60_and_30_days_before_a_renewal_once_each(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    reply = await meets("dave", "/rapport member @bob renewal 2027-03-01")
    assert reply == (
        "Saved: @bob renews on 2027-03-01. The membership committee will be told on"
        " 2026-12-31 and 2027-01-30."
    )
    await run_until(core, clock, sast(2026, 12, 31, 8, 59))
    assert dm_texts(messenger, "dave", "renewal.notice") == []
    await run_until(core, clock, sast(2026, 12, 31, 9, 0))
    assert dm_texts(messenger, "dave", "renewal.notice") == [
        "Renewal in 60 days: @bob's membership renews on 2027-03-01."
        " Time for a renewal conversation."
    ]
    assert dm_texts(messenger, "alice", "renewal.notice") == []  # the committee, not the admins
    await run_until(core, clock, sast(2027, 2, 5, 9, 0))
    notices = dm_texts(messenger, "dave", "renewal.notice")
    assert len(notices) == 2 and notices[1].startswith("Renewal in 30 days: @bob's")
    assert all(s.message.kind != "renewal.notice" for s in messenger.posts())


async def test_a_changed_renewal_date_replans_the_notices(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("dave", "/rapport member @bob renewal 2027-03-01")
    reply = await meets("alice", "/rapport member @bob renewal 2027-04-01")
    assert "told on 2027-01-31 and 2027-03-02" in reply
    await run_until(core, clock, sast(2027, 1, 15, 9, 0))
    assert dm_texts(messenger, "dave", "renewal.notice") == []
    await run_until(core, clock, sast(2027, 1, 31, 9, 0))
    assert len(dm_texts(messenger, "dave", "renewal.notice")) == 1


async def test_only_admins_and_the_committee_set_renewals_and_leave(meets: Chat) -> None:
    reply = await meets("carol", "/rapport member @bob renewal 2027-03-01")
    assert reply == ("Only the group's admins and the membership committee set renewals and leave.")
    assert "no renewal date; not on leave." in await meets("bob", "/rapport member @bob")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/rapport member bob renewal 2027-03-01", "Name the member first"),
        ("/rapport member @bob renewal 1 March", "Give one renewal date"),
        ("/rapport member @bob leave 2027-01-10", "Give the leave's first and last day"),
        (
            "/rapport member @bob leave 2027-01-10 2027-01-01",
            "The leave ends (2027-01-01) before it starts",
        ),
        ("/rapport member @bob holiday", "Say renewal or leave after the member"),
    ],
)
async def test_bad_member_terms_say_how_to_write_them(meets: Chat, line: str, says: str) -> None:
    assert says in await meets("alice", line)
    assert "no renewal date; not on leave." in await meets("alice", "/rapport member @bob")


async def test_the_monthly_recap_names_this_months_renewals(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await meets("dave", "/rapport member @bob renewal 2027-02-14")
    await meets("dave", "/rapport member @carol renewal 2027-03-01")
    await run_until(core, clock, sast(2027, 2, 1, 9, 30))
    recap = [s.message for s in messenger.posts() if s.message.kind == "recap.monthly"][-1]
    assert "🔁 Renewals due this month: @bob" in recap.fallback()
    assert "carol" not in recap.fallback()
    assert recap.pings() == () or "bob" not in {u.user_id for u in recap.pings()}


async def test_a_member_on_leave_gets_no_nudge_and_is_not_counted_absent(
    meets: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger, repo: SqliteRepository
) -> None:
    reply = await meets("alice", "/rapport member @carol leave 2026-12-01 2027-03-31")
    assert reply.startswith("Saved: @carol is on leave from 2026-12-01 to 2027-03-31.")
    # the grace of new members is over by the new year; nobody gave anything; alice's ask
    # is what the nudge offers
    await meets("alice", "/rapport profile ask Owners of small fleets")
    await run_until(core, clock, sast(2027, 1, 5, 18, 0))
    nudged = {s.to.user_id for s in messenger.sent if s.message.kind == "nudge.accountability"}
    assert "bob" in nudged and "carol" not in nudged

    await meets("carol", "/rapport rsvp absent 2027-01-13")
    await meets("bob", "/rapport rsvp absent 2027-01-13")
    clock.set(sast(2027, 1, 13, 9, 0))
    await meets("alice", "/rapport attendance 2027-01-13 confirm")
    await meets("alice", "/rapport attendance 2027-01-13 absent @carol")
    cur = await repo._db.execute(
        "SELECT m.user_id, a.status FROM attendance a JOIN members m ON m.id = a.member_id"
        " WHERE a.day = '2027-01-13' ORDER BY m.user_id"
    )
    assert [tuple(r) for r in await cur.fetchall()] == [("bob", "absent"), ("carol", None)]


async def test_my_data_holds_slots_and_terms_and_forgetting_erases_them(
    meets: Chat, repo: SqliteRepository
) -> None:
    import json
    from pathlib import Path

    await meets("alice", "/rapport member @bob renewal 2027-03-01")
    await meets("alice", "/rapport presenter 2026-12-09 @bob -- My secret topic")
    [reply] = await meets.messages("bob", "/rapport my-data")
    data = json.loads(Path(reply.attachments[0]).read_text())
    assert data["presenter_slots"] == [
        {"slot": "presenter", "day": "2026-12-09", "topic": "My secret topic"}
    ]
    assert data["renewal_and_leave"] == [
        {"renewal": "2027-03-01", "leave_from": None, "leave_until": None}
    ]
    await meets("bob", "/rapport forget-me")
    assert "Done" in await meets("bob", "/rapport forget-me confirm")
    cur = await repo._db.execute("SELECT topic FROM meeting_slots")
    assert [tuple(r) for r in await cur.fetchall()] == [(None,)]
    cur = await repo._db.execute("SELECT COUNT(*) FROM member_terms")
    assert [tuple(r) for r in await cur.fetchall()] == [(0,)]
