"""Members' data as typed: /rapport export, my-data, forget-me and forget, and the Command types
they make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.grammar import (
    ParseError,
    Who,
    clean,
    parse_date,
    take_mention,
)
from bot.messages import TODAY, YEAR_START, slash


@dataclass(frozen=True)
class Export:
    since: date | None = None
    until: date | None = None
    contacts: bool = False  # prospects' email and phone only when the admin asks

    @classmethod
    def of(cls, since: date | None, until: date | None, contacts: bool = False) -> Export:
        if since and until and until < since:
            raise ParseError("export", "The second date comes before the first.")
        return cls(since, until, contacts)


@dataclass(frozen=True)
class MyData:
    """Everything stored about the caller."""


@dataclass(frozen=True)
class Forget:
    """Erase a member's personal data: yourself (member None) or, for the admin, someone."""

    member: Who | None = None
    confirmed: bool = False


def parse_export(rest: str) -> PrivacyCommand:
    words = clean(rest).split()
    contacts = False
    if words and words[-1].casefold() in ("contacts", "with-contacts"):
        contacts = True
        words = words[:-1]
    if len(words) > 2:
        raise ParseError(
            "export", f"Give at most two dates, e.g. {slash('export')} {YEAR_START} {TODAY}."
        )
    days = [parse_date(w, "export") for w in words]
    since = days[0] if days else None
    until = days[1] if len(days) == 2 else None
    return Export.of(since, until, contacts)


def parse_my_data(rest: str) -> PrivacyCommand:
    if clean(rest):
        raise ParseError("my-data", "Write just /rapport my-data.")
    return MyData()


def parse_forget_me(rest: str) -> PrivacyCommand:
    arg = clean(rest).casefold()
    if arg not in ("", "confirm"):
        raise ParseError("forget-me", "Write /rapport forget-me, then /rapport forget-me confirm.")
    return Forget(None, arg == "confirm")


def parse_forget(rest: str) -> PrivacyCommand:
    member, after = take_mention(rest)
    arg = clean(after).casefold()
    if member is None or arg not in ("", "confirm"):
        raise ParseError("forget", "Name the member, e.g. /rapport forget @dave, then add confirm.")
    return Forget(member, arg == "confirm")


# every Command this slice's parsers make
PrivacyCommand = Export | MyData | Forget
