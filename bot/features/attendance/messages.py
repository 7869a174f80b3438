"""What RSVPs, attendance and visitors say, and their commands' usage."""

from __future__ import annotations

from bot.messages import error, reply
from bot.model import Member, UserRef
from bot.out import Field, OutMessage
from bot.text import Rich, fmt, listing, lit, named

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "rsvp": (
        "rsvp attending|substitute|absent [YYYY-MM-DD]",
        "rsvp substitute",
        "tell the group whether you'll be at the next meeting",
    ),
    "attendance": (
        "attendance [YYYY-MM-DD]\nattendance [YYYY-MM-DD] [confirm] [present @a @b]"
        ' [absent @c] [late @d] [medical @e] [substitute @f ["Sub Name"]]',
        "attendance confirm absent @dave late @erin",
        "the admin records who came in PALMS terms: present, absent, late, medical (excused),"
        " substitute (confirm turns RSVPs into attendance)",
    ),
    "visitor": (
        "visitor <name> [(invited by @member)]",
        "visitor Ann O'Connor (invited by @bob)",
        "record a visitor and credit who invited them",
    ),
}

# --- attendance and visitors ---------------------------------------------------------------
RSVP_LABEL = {
    "attending": "attending",
    "substitute": "sending a substitute",
    "absent": "can't make it",
}
RSVP_SAVED = {
    "attending": "Thanks: you're down as attending on {day}. See you there!",
    "substitute": "Thanks: you're sending a substitute on {day}.",
    "absent": "Thanks for letting us know: you can't make it on {day}. We'll miss you.",
}


def rsvp_saved(answer: str, day: str) -> OutMessage:
    return reply(RSVP_SAVED[answer].format(day=day), "rsvp.saved")


def meeting_was_skipped(day: str) -> OutMessage:
    return error(f"There is no meeting on {day}: it was skipped.")


def rsvp_past(day: str) -> OutMessage:
    return error(f"The meeting on {day} is over; RSVPs are for upcoming meetings.")


def no_meeting_to_record(next_day: str | None) -> OutMessage:
    then = f" The next is on {next_day}: record it after the meeting." if next_day else ""
    return error(
        f"No meeting has been held in the last five weeks, so there is none to record yet.{then}"
        " For an older meeting, give its date: /rapport attendance YYYY-MM-DD."
    )


def attendance_future(day: str) -> OutMessage:
    return error(f"{day} hasn't happened yet; record attendance after the meeting.")


ATTENDANCE_LABEL = {
    "present": "Present",
    "late": "Late",
    "substitute": "Substitute",
    "medical": "Medical (excused)",
    "absent": "Absent",
}


def attendance_view(
    day: str,
    members: list[Member],
    records: dict[int, tuple[str | None, str | None]],
    saved: bool = False,
    subs: dict[int, str] | None = None,
) -> OutMessage:
    """`subs`: member id → the name of who came in their place (shown beside them)."""
    groups: dict[str, list[Rich]] = {k: [] for k in (*ATTENDANCE_LABEL, "unknown")}
    for m in members:
        answer, status = records.get(m.id, (None, None))
        if status:
            sub = (subs or {}).get(m.id) if status == "substitute" else None
            groups[status].append(
                fmt("{u}", u=named(m.user)) + (fmt(" ({n})", n=sub) if sub else lit(""))
            )
        else:
            said = f" (said {RSVP_LABEL[answer]})" if answer else ""
            groups["unknown"].append(fmt("{u}", u=named(m.user)) + lit(said))
    fields = tuple(
        Field(ATTENDANCE_LABEL.get(k, "Not confirmed"), listing(v)) for k, v in groups.items() if v
    )
    head = f"Attendance saved for {day}." if saved else f"Attendance on {day}:"
    if groups["unknown"]:
        head += " Not confirmed counts as unknown, never absent."
    return reply(head, "attendance", fields=fields)


def visitor_recorded(name: str, inviter: UserRef) -> OutMessage:
    return reply(
        fmt(
            "Visitor {n} recorded, invited by {u}. The recap will welcome them.",
            n=name,
            u=named(inviter),
        ),
        "visitor.saved",
    )
