"""The weekly meeting as typed: /rapport meeting (show, set, skip), and the Command types it makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.grammar import (
    MAX_NAME,
    WEEKDAYS,
    ParseError,
    clean,
    limit,
    split_note,
    valid_tz,
)
from bot.localtime import LocalTime
from bot.messages import DAY_SOON, slash


@dataclass(frozen=True)
class ShowMeeting:
    """The next meeting."""


@dataclass(frozen=True)
class SetMeeting:
    weekday: int  # 0 = Monday
    time: str  # HH:MM
    tz: str | None = None
    where: str | None = None

    @classmethod
    def of(
        cls, weekday: str, time: str, tz: str | None = None, where: str | None = None
    ) -> SetMeeting:
        """The weekly meeting from its parts as typed (`wed`, `7:00`, a zone, a place), with
        the grammar's checks and wording: a typed line and an adapter's options share them."""
        day = weekday.strip().casefold()
        matches = [i for i, d in enumerate(WEEKDAYS) if len(day) >= 3 and d.startswith(day)]
        if len(matches) != 1:
            raise ParseError(
                "meeting",
                f"“{weekday.strip()[:20]}” is not a weekday; write e.g. wednesday or wed.",
            )
        try:
            at = LocalTime.parse(time)
        except ValueError:
            raise ParseError(
                "meeting", f"“{time.strip()[:20]}” is not a time; write it as HH:MM, e.g. 07:00."
            ) from None
        zone = valid_tz(tz.strip(), "meeting") if tz and tz.strip() else None
        place = clean(where or "") or None
        if place:
            limit(place, MAX_NAME * 2, "The place", "meeting")
        return cls(matches[0], str(at), zone, place)


@dataclass(frozen=True)
class SkipMeeting:
    day: date

    @classmethod
    def of(cls, day: str) -> SkipMeeting:
        try:
            return cls(date.fromisoformat(day.strip()))
        except ValueError:
            raise ParseError(
                "meeting", f"“{day.strip()[:20]}” is not a date; write it as YYYY-MM-DD."
            ) from None


@dataclass(frozen=True)
class MeetingCalendar:
    """`/rapport meeting ics`: the weekly meeting as an iCalendar file, for whoever asked."""


@dataclass(frozen=True)
class MeetingFeed:
    """`/rapport meeting feed on|off`: the admin turns the group's private calendar
    subscription on (a new URL) or off."""

    on: bool


def parse_meeting(rest: str) -> MeetingCommand:
    body, where = split_note(rest)
    words = body.split()
    if not words:
        if where:
            raise ParseError(
                "meeting", f"A place (after --) only goes with {slash('meeting')} set."
            )
        return ShowMeeting()
    sub = words[0].casefold()
    if sub == "set":
        if len(words) < 3 or len(words) > 4:
            raise ParseError(
                "meeting",
                f"Give the weekday and time, e.g. {slash('meeting')} set wednesday 07:00.",
            )
        return SetMeeting.of(words[1], words[2], words[3] if len(words) == 4 else None, where)
    if sub == "skip":
        if len(words) != 2:
            raise ParseError(
                "meeting", f"Give the date to skip, e.g. {slash('meeting')} skip {DAY_SOON}."
            )
        return SkipMeeting.of(words[1])
    if sub == "ics" and len(words) == 1:
        return MeetingCalendar()
    if sub == "feed":
        if len(words) == 2 and words[1].casefold() in ("on", "off"):
            return MeetingFeed(words[1].casefold() == "on")
        raise ParseError(
            "meeting", f"Write {slash('meeting')} feed on or {slash('meeting')} feed off."
        )
    raise ParseError("meeting", f"I don't know “{sub[:30]}” in {slash('meeting')}.")


# every Command this slice's parsers make
MeetingCommand = ShowMeeting | SetMeeting | SkipMeeting | MeetingCalendar | MeetingFeed
