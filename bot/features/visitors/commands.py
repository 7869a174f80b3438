"""The visitor pipeline's commands and their grammar: `/rapport visitors`, `/rapport visitor
<name> …` and `/rapport visitor <id> <status> [@member] [-- note]`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.visitors.store import STATUSES
from bot.grammar import (
    MAX_CLASSIFICATION,
    MAX_EMAIL,
    MAX_NAME,
    MAX_TEXT,
    MentionToken,
    ParseError,
    Who,
    clean,
    limit,
    split_note,
    take_mention,
)


@dataclass(frozen=True)
class RecordVisitor:
    """A visitor; typed, `name` still holds their email and phone, which the core takes out
    with the group's country (bot.contacts), as for a referral's prospect."""

    name: str
    invited_by: Who | None = None  # None: the member who typed it invited them
    classification: str | None = None  # their trade, checked against the seats

    @classmethod
    def of(
        cls, name: str, invited_by: Who | None = None, classification: str | None = None
    ) -> RecordVisitor:
        """A visitor from typed options or a typed line, with the same checks either way."""
        who = clean(name)
        if not who:
            raise ParseError("visitor", "Give the visitor's name, e.g. /rapport visitor Jane Smith.")
        if classification is not None:
            classification = limit(
                classification, MAX_CLASSIFICATION, "The visitor's classification", "visitor"
            )
        return cls(
            limit(who, MAX_NAME + MAX_EMAIL + 40, "The visitor's name", "visitor"),
            invited_by,
            classification,
        )


@dataclass(frozen=True)
class ShowVisitors:
    """`/rapport visitors`: the pipeline; it takes nothing."""


@dataclass(frozen=True)
class MoveVisitor:
    """`/rapport visitor <id> <status> [@member] [-- note]`: `member` only with joined (the
    member the visitor became)."""

    visitor_id: int
    status: str
    note: str | None = None
    member: Who | None = None


VisitorCommand = RecordVisitor | ShowVisitors | MoveVisitor

# "Ann O'Connor invited by @lena", "… (invited by @lena)", "…, invited by: @lena"
INVITED_BY = re.compile(
    r"(?:^|\s*[,;]\s*|\s+)[(\[]?\s*invited\s+by\s*:?\s*(?P<who>[^()\[\]]*?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)


def parse_new_visitor(rest: str) -> VisitorCommand:
    """`<name> [email] [phone] [-- classification] [(invited by @member)]`."""
    text = rest.strip()
    inviter: MentionToken | None = None
    m = INVITED_BY.search(text)
    if m:
        inviter, after = take_mention(m.group("who"))
        if inviter is None or clean(after):
            raise ParseError("visitor", "Write who invited them as a mention: invited by @bob.")
        text = text[: m.start()]
    text, classification = split_note(text)
    return RecordVisitor.of(text, inviter, classification)


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


def parse_visitor(rest: str) -> VisitorCommand:
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
    return parse_new_visitor(rest)


def parse_visitors(rest: str) -> VisitorCommand:
    if clean(rest):
        raise ParseError("visitors", "Write /rapport visitors; move one with /rapport visitor.")
    return ShowVisitors()
