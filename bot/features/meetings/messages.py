"""What the weekly meeting command says, and its usage."""

from __future__ import annotations

from datetime import datetime

from bot.messages import error, meeting_line, notice, reply, when
from bot.model import Group
from bot.out import OutMessage
from bot.text import fmt, lit

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "meeting": (
        "meeting\nmeeting set <weekday> <HH:MM> [Area/City] [-- where]\nmeeting skip <YYYY-MM-DD>"
        "\nmeeting ics\nmeeting feed on|off",
        "meeting set wednesday 07:00 Africa/Johannesburg -- The Oaks, Main Road",
        "the next meeting, or as a calendar file (ics); the admin sets the weekly meeting,"
        " skips a date, or turns the private calendar feed on or off",
    ),
}


def meeting_show(group: Group, next_at: datetime | None, skipped: list[str]) -> OutMessage:
    text = fmt("{g} meets ", g=group.name) + meeting_line(group) + lit(".")
    if next_at:
        text = text + lit(" Next meeting: ") + when(next_at, group.tz) + lit(".")
    if skipped:
        text = text + lit(" Skipped: " + ", ".join(skipped) + ".")
    return reply(text, "meeting.show")


def meeting_set(group: Group, next_at: datetime | None) -> OutMessage:
    text = lit("The weekly meeting is now ") + meeting_line(group) + lit(".")
    if next_at:
        text = text + lit(" Next: ") + when(next_at, group.tz) + lit(".")
    return notice(text, "meeting.set")


def meeting_skipped(day: str, group: Group) -> OutMessage:
    return notice(
        fmt("No meeting on {d}: the admin skipped it. See you the week after.", d=day),
        "meeting.skipped",
    )


def skip_in_past(day: str) -> OutMessage:
    return error(f"{day} has already passed; give a future meeting date.")


def already_skipped(day: str) -> OutMessage:
    return reply(f"{day} is already skipped.", "meeting.same")
