"""LocalTime and QuietHours: one way to read "07:00" and "21:00-07:00" for the grammar, the
config file, the schedule and the quiet-hours check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, load
from bot.due import quiet_until
from bot.localtime import LocalTime, QuietHours, SameStartAndEnd
from bot.model import Group, Member
from tests.fakes import user

PROPS = settings(deadline=None, derandomize=True, database=None, max_examples=300)
TIMES = st.builds(LocalTime, st.integers(0, 23), st.integers(0, 59))


@PROPS
@given(at=TIMES, leading_zero=st.booleans())
def test_a_time_prints_as_it_parses(at: LocalTime, leading_zero: bool) -> None:
    written = str(at)
    assert len(written) == 5 and written[2] == ":"
    assert LocalTime.parse(written) == at
    assert LocalTime.parse(written, strict=True) == at
    short = f"{at.hour}:{at.minute:02d}"
    assert LocalTime.parse(short if not leading_zero else written) == at
    if at.hour < 10:
        with pytest.raises(ValueError):
            LocalTime.parse(short, strict=True)  # the config file writes both digits


@pytest.mark.parametrize("bad", ["24:00", "7", "07:60", "7am", "-1:00", "07.00", "", "07:5"])
def test_what_is_not_a_time_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        LocalTime.parse(bad)


def minutes(start: LocalTime, end: LocalTime) -> set[LocalTime]:
    """The quiet minutes, walked one at a time from the start to the end."""
    out, t = set(), datetime(2026, 1, 1, start.hour, start.minute)
    while LocalTime.of(t.time()) != end:
        out.add(LocalTime.of(t.time()))
        t += timedelta(minutes=1)
    return out


@PROPS
@given(start=TIMES, end=TIMES, at=TIMES)
def test_quiet_hours_contain_the_minutes_from_their_start_to_their_end(
    start: LocalTime, end: LocalTime, at: LocalTime
) -> None:
    if start == end:
        with pytest.raises(SameStartAndEnd):
            QuietHours(start, end)
        return
    hours = QuietHours(start, end)
    assert QuietHours.parse(str(hours)) == hours
    assert QuietHours.parse(f"{start} - {end}") == hours
    assert hours.overnight == (end < start)
    assert hours.contains(at) == (at in minutes(start, end))


def test_quiet_hours_across_midnight() -> None:
    night = QuietHours.parse("21:00-07:00")
    assert night.overnight
    assert [night.contains(LocalTime.parse(t)) for t in ("20:59", "21:00", "00:00", "06:59")] == [
        False,
        True,
        True,
        True,
    ]
    assert not night.contains(LocalTime.parse("07:00"))
    with pytest.raises(ValueError):
        QuietHours.parse("21:00 - 07:00", strict=True)


@settings(deadline=None, derandomize=True, database=None, max_examples=200)
@given(start=TIMES, end=TIMES, minute=st.integers(0, 7 * 24 * 60))
def test_the_quiet_hours_check_agrees_with_contains(
    start: LocalTime, end: LocalTime, minute: int
) -> None:
    """A member in Johannesburg (no daylight saving): held back exactly when the local time
    is within their quiet hours, until their end."""
    if start == end:
        return
    hours = QuietHours(start, end)
    tz = "Africa/Johannesburg"
    group = Group(1, "slack", "T1", "C1", "general", "Club", tz, "ZAR", None, 0)
    member = Member(
        1, 1, user("bob"), "Plumbing", None, None, None, str(hours), True, False, True, 0
    )
    now = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(minutes=minute)
    local = now.astimezone(ZoneInfo(tz))
    until = quiet_until(member, group, "21:00-07:00", now)
    assert (until is not None) == hours.contains(LocalTime.of(local.time()))
    if until is not None:
        assert LocalTime.of(until.astimezone(ZoneInfo(tz)).time()) == end
        assert now < until <= now + timedelta(days=1)


@pytest.mark.parametrize(
    "line",
    [
        'quiet_hours = "7:00-21:00"',
        'quiet_hours = "21:00-21:00"',
        'quiet_hours = "21:00 - 07:00"',
        "quiet_hours = 2100",
    ],
)
def test_the_config_file_writes_quiet_hours_exactly(tmp_path, line: str) -> None:
    path = tmp_path / "rapport.toml"
    path.write_text(f"[defaults]\n{line}\n")
    with pytest.raises(ConfigError, match="must be HH:MM-HH:MM, like 21:00-07:00"):
        load(path)


def test_the_config_file_reads_quiet_hours_and_an_evening_reminder(tmp_path) -> None:
    path = tmp_path / "rapport.toml"
    path.write_text(
        '[defaults]\nquiet_hours = "22:30-06:15"\n[reminders]\nevening_before = "19:05"\n'
    )
    loaded = load(path)
    assert loaded.quiet_hours == "22:30-06:15"
    assert loaded.reminders.evening_before == "19:05"
    path.write_text('[reminders]\nevening_before = "7:05"\n')
    with pytest.raises(ConfigError, match='must be HH:MM like 18:00, or "" to turn it off'):
        load(path)
