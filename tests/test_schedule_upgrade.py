"""A database from before migration 0008, when meeting work was planned under the meeting's
local date: what was planned keeps working after the upgrade, and chains the old planner
broke resume.

The old file is made the way an operator's is: the migrations of its release applied by a
plain sqlite3 connection, then rows as that release wrote them. Most operators come from
schema 7 (0007, seats and meetings held, shipped just before 0008); one who skipped a
release comes from schema 6. Each test runs from both."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import PrivacySettings, Settings
from bot.out import OutMessage
from bot.service import DUE_BATCH, Core
from bot.text import lit
from storage.sqlite import SqliteRepository, _meeting_key, migrations
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, Sent

JNB = ZoneInfo("Africa/Johannesburg")
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
BEFORE_0008 = 7  # the schema of the release before migration 0008


def ts(at: datetime) -> int:
    return int(at.timestamp())


def local(zone: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=zone).astimezone(UTC)


def old_database(
    path: Path, rows: list[tuple[str, tuple[object, ...]]], schema: int = BEFORE_0008
) -> None:
    """A file at `schema` holding `rows` ((sql, args) inserts)."""
    with closing(sqlite3.connect(path)) as db:
        db.create_function("rapport_meeting_key", 3, _meeting_key, deterministic=True)
        for number, script in migrations():
            if number <= schema:
                db.executescript(script)
        db.execute(f"PRAGMA user_version = {schema}")
        for sql, args in rows:
            db.execute(sql, args)
        db.commit()


def group_row(gid: int, channel: str, tz: str, weekday: int, at: str) -> tuple[str, tuple]:
    return (
        "INSERT INTO groups (id, platform, workspace, channel_id, channel_name, name, tz,"
        " currency, meeting_weekday, meeting_time, created_at) VALUES (?, 'test', 'w1', ?, ?,"
        " ?, ?, 'USD', ?, ?, 0)",
        (gid, channel, f"#{channel}", f"Club {gid}", tz, weekday, at),
    )


def work(
    gid: int, kind: str, occurrence: str, due: datetime, state: str = "pending"
) -> tuple[str, tuple]:
    done = ts(due) if state != "pending" else None
    return (
        "INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at, state, done_at)"
        " VALUES (?, ?, 0, ?, ?, ?, ?)",
        (gid, kind, occurrence, ts(due), state, done),
    )


def held(path: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]


class Clocked:
    """The upgraded file under a core whose clock is stepped to every due instant; notes
    (channel, kind, instant) of each message as it went out."""

    def __init__(self, core: Core, clock: FakeClock, messenger: RecordingMessenger) -> None:
        self.core, self.clock, self.messenger = core, clock, messenger
        self.out: list[tuple[str, str, datetime]] = []

    def take(self, sent: list[Sent]) -> None:
        for s in sent:
            self.out.append(
                (getattr(s.to, "channel_id", None) or "dm", s.message.kind, self.clock.now())
            )
        sent.clear()

    async def run_until(self, until: datetime) -> None:
        while (at := await self.core.next_due()) is not None and at <= until:
            self.clock.set(max(at, self.clock.now()))
            await self.core.run_due(self.clock.now())
            self.take(self.messenger.sent)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "old.db"


@pytest.fixture(params=[BEFORE_0008, 6], ids=["from-schema-7", "from-schema-6"])
def schema(request: pytest.FixtureRequest) -> int:
    return int(request.param)


async def upgraded(
    db_path: Path, now: datetime, tmp_path: Path
) -> tuple[Clocked, SqliteRepository]:
    repo = await SqliteRepository.open(str(db_path))
    clock = FakeClock(now)
    messenger = RecordingMessenger()
    settings = Settings(privacy=PrivacySettings(files_dir=str(tmp_path / "files")))
    return Clocked(Core(repo, messenger, clock, FakeResolver(), settings), clock, messenger), repo


MEETING_KINDS = "('reminder.evening', 'reminder.before', 'recap.weekly', 'nudge.accountability')"


async def test_meeting_work_planned_by_date_is_rekeyed_by_instant_and_still_goes_out(
    db_path: Path, tmp_path: Path, schema: int
) -> None:
    """Cape Town, Wednesdays 07:00: last week's work is done, this week's is planned under
    "2026-12-02". After the upgrade it is planned under 05:00Z that day, goes out at its
    times, and the week after is planned as it runs."""
    this_week = [
        work(1, "reminder.evening", "2026-12-02", local(JNB, 2026, 12, 1, 18)),
        work(1, "nudge.accountability", "2026-12-02", local(JNB, 2026, 12, 1, 18)),
        work(1, "reminder.before", "2026-12-02", local(JNB, 2026, 12, 2, 6)),
        work(1, "recap.weekly", "2026-12-02", local(JNB, 2026, 12, 2, 9)),
    ]
    last_week = [
        work(1, "recap.weekly", "2026-11-25", local(JNB, 2026, 11, 25, 9), "done"),
        work(1, "reminder.before", "2026-11-25", local(JNB, 2026, 11, 25, 6), "done"),
    ]
    month = [work(1, "recap.monthly", "2027-01", local(JNB, 2027, 1, 1, 9))]
    old_database(
        db_path,
        [
            group_row(1, "general", "Africa/Johannesburg", 2, "07:00"),
            *last_week,
            *this_week,
            *month,
        ],
        schema,
    )

    clocked, repo = await upgraded(db_path, local(JNB, 2026, 11, 30, 8), tmp_path)
    try:
        assert held(db_path, "PRAGMA user_version") == [(migrations()[-1][0],)]
        assert held(
            db_path,
            f"SELECT occurrence, state FROM due_work WHERE kind IN {MEETING_KINDS} ORDER BY id",
        ) == [
            ("2026-11-25", "done"),  # history keeps its dates
            ("2026-11-25", "done"),
            ("2026-12-02T05:00:00Z", "pending"),
            ("2026-12-02T05:00:00Z", "pending"),
            ("2026-12-02T05:00:00Z", "pending"),
            ("2026-12-02T05:00:00Z", "pending"),
        ]

        await clocked.run_until(local(JNB, 2026, 12, 10))
    finally:
        await repo.close()

    assert [(kind, at.astimezone(JNB).strftime("%a %d %H:%M")) for _, kind, at in clocked.out] == [
        ("reminder.evening", "Tue 01 18:00"),
        ("reminder.soon", "Wed 02 06:00"),
        ("recap.weekly", "Wed 02 09:00"),
        ("reminder.evening", "Tue 08 18:00"),
        ("reminder.soon", "Wed 09 06:00"),
        ("recap.weekly", "Wed 09 09:00"),
    ]
    # the upgrade planned nothing twice: each meeting's four pieces, once
    assert held(
        db_path,
        f"SELECT occurrence, COUNT(*) FROM due_work WHERE kind IN {MEETING_KINDS}"
        " AND occurrence LIKE '%T%' GROUP BY occurrence",
    ) == [("2026-12-02T05:00:00Z", 4), ("2026-12-09T05:00:00Z", 4), ("2026-12-16T05:00:00Z", 4)]
    assert held(
        db_path, "SELECT occurrence, due_at, state FROM due_work WHERE kind = 'recap.monthly'"
    ) == [("2027-01", ts(local(JNB, 2027, 1, 1, 9)), "pending")]


async def test_chains_the_old_planner_broke_resume_at_the_first_tick(
    db_path: Path, tmp_path: Path, schema: int
) -> None:
    """New York, Sundays 01:30: on 1 November 2026, 01:30 came twice; the old planner planned
    the second under the same date, then nothing. The group had moved west from UTC after its
    November recap, so no monthly work was planned either. Upgraded on 30 November: the next
    Sunday's reminders come, and the month's work, at 09:00 in New York."""
    old_database(
        db_path,
        [
            group_row(2, "nyc", "America/New_York", 6, "01:30"),
            work(2, "reminder.before", "2026-11-01", local(NY, 2026, 11, 1, 0, 30), "done"),
            work(2, "recap.weekly", "2026-11-01", local(NY, 2026, 11, 1, 3, 30), "done"),
            work(2, "recap.monthly", "2026-11", datetime(2026, 11, 1, 9, tzinfo=UTC), "done"),
        ],
        schema,
    )

    clocked, repo = await upgraded(db_path, datetime(2026, 11, 30, 12, tzinfo=UTC), tmp_path)
    try:
        await clocked.run_until(datetime(2026, 12, 14, tzinfo=UTC))
    finally:
        await repo.close()

    assert [(kind, at.astimezone(NY).strftime("%a %d %H:%M")) for _, kind, at in clocked.out] == [
        ("recap.monthly", "Tue 01 09:00"),
        ("reminder.evening", "Sat 05 18:00"),
        ("reminder.soon", "Sun 06 00:30"),
        ("recap.weekly", "Sun 06 03:30"),
        ("reminder.evening", "Sat 12 18:00"),
        ("reminder.soon", "Sun 13 00:30"),
        ("recap.weekly", "Sun 13 03:30"),
    ]
    assert held(db_path, "SELECT state FROM due_work WHERE kind = 'schedule.replan'") == [("done",)]


async def test_a_recap_the_old_planner_left_before_its_meeting_waits_until_it_ended(
    db_path: Path, tmp_path: Path, schema: int
) -> None:
    """London, Wednesdays 07:00, moved at 06:30 to 19:00 by the old planner: it kept the
    recap at 09:00 and could not plan the 18:00 reminder. Upgraded at 09:00, the recap is
    claimed at once, with the upgrade's own re-planning: it is held back until the meeting
    at 19:00 ended, and the hour-before reminder comes at 18:00."""
    old_database(
        db_path,
        [
            group_row(3, "london", "Europe/London", 2, "19:00"),
            work(3, "reminder.before", "2027-01-13", local(LONDON, 2027, 1, 13, 6), "done"),
            work(3, "recap.weekly", "2027-01-13", local(LONDON, 2027, 1, 13, 9)),
        ],
        schema,
    )

    clocked, repo = await upgraded(db_path, local(LONDON, 2027, 1, 13, 9), tmp_path)
    try:
        await clocked.core.run_due(clocked.clock.now())
        clocked.take(clocked.messenger.sent)
        assert clocked.out == []  # no recap before the meeting
        await clocked.run_until(local(LONDON, 2027, 1, 14))
    finally:
        await repo.close()

    assert [
        (kind, at.astimezone(LONDON).strftime("%a %d %H:%M")) for _, kind, at in clocked.out
    ] == [
        ("reminder.soon", "Wed 13 18:00"),
        ("recap.weekly", "Wed 13 21:00"),
    ]


async def test_a_message_waiting_for_its_retry_waits_a_delay_from_its_attempt_after_the_upgrade(
    db_path: Path, tmp_path: Path, schema: int
) -> None:
    """Queued and tried before the upgrade, due again 30 s after its attempt; the clock is then
    set back an hour: it goes 30 s later, not an hour later."""
    tried = datetime(2027, 1, 12, 10, tzinfo=UTC)
    old_database(
        db_path,
        [
            group_row(4, "general", "UTC", 2, "07:00"),
            (
                "INSERT INTO outbox (group_id, target, payload, state, attempts, next_attempt_at,"
                " claimed_at, created_at, last_error) VALUES (4, ?, ?, 'pending', 1, ?, ?, ?,"
                " 'platform unavailable')",
                (
                    '{"post": ["test", "w1", "general", "#general"]}',
                    OutMessage(lit("Hello, the group"), kind="notice").to_json(),
                    ts(tried) + 30,
                    ts(tried),
                    ts(tried),
                ),
            ),
        ],
        schema,
    )
    clocked, repo = await upgraded(db_path, datetime(2027, 1, 12, 9, 0, 5, tzinfo=UTC), tmp_path)
    try:
        assert held(db_path, "SELECT delay_from FROM outbox") == [(ts(tried),)]
        await clocked.core.run_due(clocked.clock.now())  # the clock is an hour behind
        assert await clocked.core.next_due() == datetime(2027, 1, 12, 9, 0, 35, tzinfo=UTC)
        await clocked.run_until(datetime(2027, 1, 12, 9, 1, tzinfo=UTC))
    finally:
        await repo.close()

    assert [(where, at) for where, _, at in clocked.out] == [
        ("general", datetime(2027, 1, 12, 9, 0, 35, tzinfo=UTC))
    ]


async def test_upgraded_after_the_evening_reminders_fell_due_every_group_still_gets_its_own(
    db_path: Path, tmp_path: Path, schema: int
) -> None:
    """More groups than one claim of due work takes, each meeting in London on Wednesdays at
    07:00, with this week's work planned under "2027-01-13" by the release before 0008. The
    process was down over Tuesday 18:00 and comes back upgraded at 18:05. The upgrade's own
    re-planning runs first (its rows are due since 1970) and must keep the evening reminders
    that fell due while it was down: each group gets its evening reminder once, at once, and
    the rest of its week."""
    groups = DUE_BATCH + 50
    evening, soon, recap = (
        local(LONDON, 2027, 1, 12, 18),
        local(LONDON, 2027, 1, 13, 6),
        local(LONDON, 2027, 1, 13, 9),
    )
    rows = []
    for gid in range(1, groups + 1):
        rows += [
            group_row(gid, f"club{gid}", "Europe/London", 2, "07:00"),
            work(gid, "reminder.evening", "2027-01-13", evening),
            work(gid, "nudge.accountability", "2027-01-13", evening),
            work(gid, "reminder.before", "2027-01-13", soon),
            work(gid, "recap.weekly", "2027-01-13", recap),
        ]
    if schema >= 7:  # what 0007 records for a group with a meeting
        rows.append(("UPDATE groups SET meeting_since = created_at", ()))
    old_database(db_path, rows, schema)

    back = evening + timedelta(minutes=5)
    clocked, repo = await upgraded(db_path, back, tmp_path)
    try:
        await clocked.run_until(local(LONDON, 2027, 1, 13, 12))
    finally:
        await repo.close()

    clubs = sorted(f"club{gid}" for gid in range(1, groups + 1))
    for kind, at in (("reminder.evening", back), ("reminder.soon", soon), ("recap.weekly", recap)):
        went = [(where, when) for where, k, when in clocked.out if k == kind]
        assert sorted(where for where, _ in went) == clubs, kind
        assert {when for _, when in went} == {at}, kind
    assert held(
        db_path, "SELECT occurrence, state, COUNT(*) FROM due_work WHERE kind = 'schedule.replan'"
    ) == [("migration-0008", "done", groups)]
    # what 0007 recorded (or, from schema 6, records) for groups with a meeting is kept
    assert held(db_path, "SELECT COUNT(*) FROM groups WHERE meeting_since = created_at") == [
        (groups,)
    ]
