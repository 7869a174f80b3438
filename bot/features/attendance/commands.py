"""Who comes, as typed: /rapport rsvp, attendance and visitor, and the Command types they make."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.grammar import (
    ATTENDANCE_WORDS,
    MAX_NAME,
    RSVP_WORDS,
    MentionToken,
    ParseError,
    Who,
    clean,
    limit,
    parse_date,
    take_mention,
)

# a substitute's name after their member: substitute @dave "Sam Jones"
SUB_NAME = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


@dataclass(frozen=True)
class RecordVisitor:
    name: str
    invited_by: Who | None = None  # None: the member who typed it invited them

    @classmethod
    def of(cls, name: str, invited_by: Who | None = None) -> RecordVisitor:
        who = clean(name)
        if not who:
            raise ParseError(
                "visitor", "Give the visitor's name, e.g. /rapport visitor Jane Smith."
            )
        return cls(limit(who, MAX_NAME, "The visitor's name", "visitor"), invited_by)


@dataclass(frozen=True)
class Rsvp:
    answer: str  # attending | substitute | absent
    day: date | None = None  # None: the next meeting


@dataclass(frozen=True)
class ShowAttendance:
    day: date | None = None  # None: the latest meeting


@dataclass(frozen=True)
class MarkAttendance:
    """The admin records who was there: (status, member) pairs; `confirm` first turns every
    RSVP into attendance (attending → present), then the pairs correct it."""

    day: date | None = None
    marks: tuple[tuple[str, Who], ...] = ()
    confirm: bool = False
    # who came in a member's place: (index in `marks` of their substitute mark, name)
    sub_names: tuple[tuple[int, str], ...] = ()


# "Ann O'Connor invited by @lena", "… (invited by @lena)", "…, invited by: @lena"
INVITED_BY = re.compile(
    r"(?:^|\s*[,;]\s*|\s+)[(\[]?\s*invited\s+by\s*:?\s*(?P<who>[^()\[\]]*?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)


def parse_visitor(rest: str) -> AttendanceCommand:
    text = rest.strip()
    inviter: MentionToken | None = None
    m = INVITED_BY.search(text)
    if m:
        inviter, after = take_mention(m.group("who"))
        if inviter is None or clean(after):
            raise ParseError("visitor", "Write who invited them as a mention: invited by @bob.")
        text = text[: m.start()]
    return RecordVisitor.of(text, inviter)


def parse_rsvp(rest: str) -> AttendanceCommand:
    words = clean(rest).split()
    if not words or words[0].casefold() not in RSVP_WORDS or len(words) > 2:
        raise ParseError(
            "rsvp", "Answer attending, substitute or absent, e.g. /rapport rsvp attending."
        )
    day = parse_date(words[1], "rsvp") if len(words) == 2 else None
    return Rsvp(RSVP_WORDS[words[0].casefold()], day)


def parse_attendance(rest: str) -> AttendanceCommand:
    text = rest.strip()
    day = None
    first, _, after = text.partition(" ")
    if first and first[0].isdigit():
        day = parse_date(first, "attendance")
        text = after.strip()
    if not text:
        return ShowAttendance(day)
    marks: list[tuple[str, Who]] = []
    sub_names: list[tuple[int, str]] = []
    confirm = False
    status: str | None = None
    while text:
        member, rest_text = take_mention(text)
        if member is not None:
            if status is None:
                raise ParseError(
                    "attendance",
                    "Say present, absent, late, medical or substitute before the members.",
                )
            marks.append((status, member))
            text = rest_text.strip()
            quoted = SUB_NAME.match(text)
            if quoted:
                if status != "substitute":
                    raise ParseError(
                        "attendance",
                        'A name in quotes is a substitute\'s: substitute @dave "Sam Jones".',
                    )
                name = limit(clean(quoted.group(1)), MAX_NAME, "The substitute's name", "attendance")
                if name:
                    sub_names.append((len(marks) - 1, name))
                text = text[quoted.end() :].strip()
            continue
        word, _, text = text.partition(" ")
        text = text.strip()
        w = word.casefold()
        if w == "confirm" and not marks and status is None:
            confirm = True
        elif w in ATTENDANCE_WORDS:
            status = ATTENDANCE_WORDS[w]
        else:
            raise ParseError("attendance", f"I don't know “{word[:30]}” in /rapport attendance.")
    if (status is not None and not marks) or len(marks) > 200:
        raise ParseError(
            "attendance", "Name the members after present, absent, late, medical or substitute."
        )
    return MarkAttendance(day, tuple(marks), confirm, tuple(sub_names))


# every Command this slice's parsers make
AttendanceCommand = RecordVisitor | Rsvp | ShowAttendance | MarkAttendance
