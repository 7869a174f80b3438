"""The text grammar's shared pieces: limits, mentions, amounts as typed, notes after --, ids,
dates, and the ParseError every parser raises."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from bot import money
from bot.model import Status, UserRef
from bot.schedule import is_timezone

# --- limits a person can hit, named in the errors ----------------------------------------
MAX_NAME = 120  # prospect, business, group name
MAX_CLASSIFICATION = 80
MAX_TEXT = 1000  # need, details, notes, asks
MAX_EMAIL = 254
MAX_AMOUNT_CENTS = money.MAX_AMOUNT_CENTS
DEFAULT_HEAT = 3


@dataclass(frozen=True)
class MentionToken:
    """A member as typed (`@bob`, `<@U123|bob>`), resolved later by the adapter."""

    raw: str


Who = MentionToken | UserRef


@dataclass(frozen=True)
class Amount:
    """An amount as typed ("£4,800", "R 12 500,00", "4800 GBP"). The core reads it in the
    group's currency and locale (bot.money), which a typed line does not know."""

    text: str


class ParseError(Exception):
    """A line that is not a valid command. `problem` names what was wrong (or is empty);
    `command` names whose usage line to show. For an unknown command, `unknown` holds the
    word typed and `suggestion` the command it most resembles."""

    def __init__(
        self,
        command: str,
        problem: str = "",
        unknown: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(problem or command)
        self.command = command
        self.problem = problem
        self.unknown = unknown
        self.suggestion = suggestion


# --- lexical pieces ----------------------------------------------------------------------
PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d ().\-/]{4,}\d(?![\w@])")
HEAT = re.compile(r"(?<!\S)heat\s*:\s*(\S*)", re.IGNORECASE)
# "… needs a new roof heat 5": heat without its colon, as the last words
HEAT_LAST = re.compile(r"(?:^|\s)heat\s+([1-5])(?:/5)?\s*$", re.IGNORECASE)
CURRENCY_OPTION = re.compile(r"(?<!\S)currency\s*:\s*(\S*)", re.IGNORECASE)
BUSINESS_WORDS = {"new": False, "repeat": True}
INSIDE = re.compile(r"(?<!\S)inside:(\S*)", re.IGNORECASE)
# "--" as its own word, or the dash a phone or Mac turns it into.
NOTE_SPLIT = re.compile(r"(?:^|\s)(?:--|—|–)(?:\s|$)")
ID = re.compile(r"#?([0-9]{1,12})")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
STATUS_WORDS = {
    "contacted": Status.CONTACTED,
    "meeting": Status.MEETING,
    "booked": Status.MEETING,
    "won": Status.WON,
    "lost": Status.LOST,
    "nosale": Status.LOST,
    "no-sale": Status.LOST,
}
RSVP_WORDS = {
    "attending": "attending",
    "yes": "attending",
    "substitute": "substitute",
    "sub": "substitute",
    "absent": "absent",
    "no": "absent",
}
ATTENDANCE_WORDS = {
    "present": "present",
    "absent": "absent",
    "late": "late",
    "medical": "medical",
    "excused": "medical",
    "substitute": "substitute",
    "sub": "substitute",
}
SNOOZES = {"1h": 1, "1d": 24, "3d": 72, "1w": 168}


def clean(text: str) -> str:
    """Control characters out, runs of whitespace collapsed; what is left is stored verbatim."""
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()


def split_note(text: str) -> tuple[str, str | None]:
    m = NOTE_SPLIT.search(text)
    if not m:
        return text, None
    note = clean(text[m.end() :])
    return text[: m.start()], (note or None)


def take_mention(text: str) -> tuple[MentionToken | None, str]:
    """The leading member mention, if any: `@name` or an escaped `<@…>` form."""
    s = text.lstrip()
    if s.startswith("<@") and ">" in s:
        end = s.index(">") + 1
        return MentionToken(s[:end]), s[end:]
    if s.startswith("@") and len(s) > 1 and not s[1].isspace():
        parts = s.split(maxsplit=1)
        return MentionToken(parts[0]), (parts[1] if len(parts) > 1 else "")
    return None, text


def is_number(word: str) -> bool:
    """Plain ASCII digits (str.isdigit() also accepts "²" and other scripts' digits)."""
    return word.isascii() and word.isdigit()


def take_amount(words: list[str], command: str) -> tuple[Amount, bool | None]:
    """An amount with an optional "new" or "repeat" after it (repeat business, as on a
    thank-you slip): the words become an Amount for the core to read."""
    repeat = None
    if words and words[-1].casefold() in BUSINESS_WORDS:
        repeat = BUSINESS_WORDS[words[-1].casefold()]
        words = words[:-1]
    if not words:
        raise ParseError(command, "Give the amount, like 1500 or 1,500.50.")
    return Amount(" ".join(words)), repeat


def limit(value: str, most: int, what: str, command: str) -> str:
    if len(value) > most:
        raise ParseError(command, f"{what} is too long ({len(value)} characters; at most {most}).")
    return value


def valid_tz(name: str, command: str) -> str:
    if not is_timezone(name):
        raise ParseError(
            command,
            f"“{name[:60]}” is not a time zone I know. Use an Area/City name like Europe/London.",
        )
    return name


def parse_id(word: str, command: str) -> int:
    m = ID.fullmatch(word)
    if not m:
        raise ParseError(command, f"“{word[:30]}” is not a referral id; ids are numbers, like 12.")
    return int(m.group(1))


def parse_date(word: str, command: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ParseError(command, f"“{word[:20]}” is not a date; write it as YYYY-MM-DD.") from None


def no_args(command: str) -> NoReturn:
    raise ParseError(command, f"Write just /rapport {command}.")
