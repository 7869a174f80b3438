"""Renewal and leave commands: `/rapport member @m renewal …` and `… leave …`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.grammar import ParseError, Who, clean, parse_date, take_mention


@dataclass(frozen=True)
class ShowTerms:
    member: Who


@dataclass(frozen=True)
class SetRenewal:
    member: Who
    day: date | None  # None: no renewal date


@dataclass(frozen=True)
class SetLeave:
    member: Who
    first: date | None  # None: the leave is cancelled
    last: date | None = None


RenewalCommand = ShowTerms | SetRenewal | SetLeave


# --- the grammar: `/rapport member @m [renewal YYYY-MM-DD|none] [leave FIRST LAST|none]`
EXAMPLE = "e.g. /rapport member @bob renewal YYYY-MM-DD"


def parse_member(rest: str) -> RenewalCommand:
    member, after = take_mention(rest)
    if member is None:
        raise ParseError("member", f"Name the member first, {EXAMPLE}.")
    words = clean(after).split()
    if not words:
        return ShowTerms(member)
    what = words[0].casefold()
    if what == "renewal":
        if len(words) != 2:
            raise ParseError("member", f"Give one renewal date, {EXAMPLE}.")
        if words[1].casefold() == "none":
            return SetRenewal(member, None)
        return SetRenewal(member, parse_date(words[1], "member"))
    if what == "leave":
        if len(words) == 2 and words[1].casefold() in ("none", "end", "off"):
            return SetLeave(member, None)
        if len(words) != 3:
            raise ParseError(
                "member",
                "Give the leave's first and last day: /rapport member @bob leave"
                " YYYY-MM-DD YYYY-MM-DD.",
            )
        first, last = parse_date(words[1], "member"), parse_date(words[2], "member")
        if last < first:
            raise ParseError("member", f"The leave ends ({last}) before it starts ({first}).")
        return SetLeave(member, first, last)
    raise ParseError("member", f"Say renewal or leave after the member, {EXAMPLE}.")
