"""The visitor pipeline's grammar: `/rapport visitors` and, beside the existing
`/rapport visitor <name> …`, `/rapport visitor <id> <status> [@member] [-- note]`."""

from __future__ import annotations

from bot import commands as c
from bot.commands import MAX_TEXT, Command, ParseError, clean, limit, split_note, take_mention
from bot.features.visitors.commands import MoveVisitor, ShowVisitors
from bot.features.visitors.store import STATUSES

# the pipeline's words, with the forms people type
STATUS_WORDS = {
    **{s: s for s in STATUSES},
    "confirm": "confirmed",
    "came": "attended",
    "attend": "attended",
    "applied": "applied",
    "apply": "applied",
    "join": "joined",
    "decline": "declined",
}


def parse_visitor(rest: str) -> Command:
    """A move along the pipeline when the line starts with a visitor's number and a status
    (a name is never only digits); otherwise a new visitor, as before."""
    text, note = split_note(rest)
    words = clean(text).split(" ")
    number = words[0].removeprefix("#").removeprefix("V").removeprefix("v")
    if number.isascii() and number.isdigit() and len(number) <= 12:
        if len(words) < 2 or words[1].casefold() not in STATUS_WORDS:
            raise ParseError(
                "visitor",
                "Say where visitor "
                + number
                + " is now: confirmed, attended, applied, joined or declined.",
            )
        status = STATUS_WORDS[words[1].casefold()]
        member, left = take_mention(" ".join(words[2:]))
        if clean(left):
            raise ParseError("visitor", "Write a note after --, e.g. … attended -- keen on 1-2-1s.")
        if member is not None and status != "joined":
            raise ParseError(
                "visitor", "Name a member only when the visitor joined: … joined @ann."
            )
        if note is not None:
            note = limit(note, MAX_TEXT, "The note", "visitor")
        return MoveVisitor(int(number), status, note, member)
    return c.parse_visitor(rest)


def parse_visitors(rest: str) -> Command:
    if clean(rest):
        raise ParseError("visitors", "Write /rapport visitors; move one with /rapport visitor.")
    return ShowVisitors()
