"""`/rapport member @m [renewal YYYY-MM-DD|none] [leave YYYY-MM-DD YYYY-MM-DD|none]`."""

from __future__ import annotations

from bot.commands import Command, ParseError, _date, clean, take_mention
from bot.features.renewals.commands import SetLeave, SetRenewal, ShowTerms

EXAMPLE = "e.g. /rapport member @bob renewal YYYY-MM-DD"


def parse_member(rest: str) -> Command:
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
        return SetRenewal(member, _date(words[1], "member"))
    if what == "leave":
        if len(words) == 2 and words[1].casefold() in ("none", "end", "off"):
            return SetLeave(member, None)
        if len(words) != 3:
            raise ParseError(
                "member",
                "Give the leave's first and last day: /rapport member @bob leave"
                " YYYY-MM-DD YYYY-MM-DD.",
            )
        first, last = _date(words[1], "member"), _date(words[2], "member")
        if last < first:
            raise ParseError("member", f"The leave ends ({last}) before it starts ({first}).")
        return SetLeave(member, first, last)
    raise ParseError("member", f"Say renewal or leave after the member, {EXAMPLE}.")
