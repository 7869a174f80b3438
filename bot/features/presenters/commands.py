"""The presenter rotation's commands, as the core receives them (typed or from a button), and
their grammar.

`slot` is "presenter" (the feature presentation) or "educator" (the education slot): the
same rules serve both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.grammar import (
    MAX_TEXT,
    ParseError,
    Who,
    clean,
    limit,
    parse_date,
    split_note,
    take_mention,
)


@dataclass(frozen=True)
class SetSlot:
    """`/rapport presenter <date> @member [-- topic]`; without a member, the one who typed it
    (a presenter giving their own topic)."""

    slot: str
    day: date
    member: Who | None = None
    topic: str | None = None


@dataclass(frozen=True)
class ShowSlots:
    slot: str


@dataclass(frozen=True)
class FillSlots:
    slot: str


@dataclass(frozen=True)
class SwapSlot:
    """The holder asks another member to take their slot; it moves once they accept."""

    slot: str
    day: date
    member: Who


@dataclass(frozen=True)
class AnswerSwap:
    slot: str
    day: date
    accept: bool


@dataclass(frozen=True)
class SetGap:
    """`/rapport presenters gap <weeks>`: fill skips who had the slot this many weeks back."""

    slot: str
    weeks: int


PresenterCommand = SetSlot | ShowSlots | FillSlots | SetGap | SwapSlot | AnswerSwap


# --- the grammar: `/rapport presenter …`, `/rapport presenters [fill|gap N]`, and educator
def parse_slot(slot: str) -> Callable[[str], PresenterCommand]:
    """`presenter <date> [@member] [-- topic]`, `presenter swap <date> @other`,
    `presenter accept|decline <date>`."""

    def parse(rest: str) -> PresenterCommand:
        text, topic = split_note(rest)
        words = clean(text).split(" ", 1)
        head = words[0].casefold()
        after = words[1] if len(words) > 1 else ""
        if not head:
            raise ParseError(
                slot, f"Give the meeting's date, e.g. /rapport {slot} YYYY-MM-DD @bob."
            )
        if head == "swap":
            day_word, _, who = after.partition(" ")
            if not day_word:
                raise ParseError(
                    slot, f"Give the date and who takes it: {slot} swap YYYY-MM-DD @bob."
                )
            day = parse_date(day_word, slot)
            member, left = take_mention(who)
            if member is None or clean(left) or topic:
                raise ParseError(slot, f"Name one member to swap with: {slot} swap {day} @bob.")
            return SwapSlot(slot, day, member)
        if head in ("accept", "decline"):
            if not after or " " in after.strip() or topic:
                raise ParseError(
                    slot, f"Give the date you were asked about: {slot} {head} YYYY-MM-DD."
                )
            return AnswerSwap(slot, parse_date(after.strip(), slot), head == "accept")
        day = parse_date(words[0], slot)
        member, left = take_mention(after)
        if clean(left):
            raise ParseError(
                slot, f"Write the topic after --, e.g. /rapport {slot} {day} @bob -- Pricing."
            )
        if topic is not None:
            topic = limit(topic, MAX_TEXT, "The topic", slot)
        if member is None and topic is None:
            raise ParseError(slot, f"Name who presents, e.g. /rapport {slot} {day} @bob.")
        return SetSlot(slot, day, member, topic)

    return parse


def parse_slots(slot: str) -> Callable[[str], PresenterCommand]:
    """`presenters` (the next eight meetings) or `presenters fill`."""

    def parse(rest: str) -> PresenterCommand:
        word = clean(rest).casefold()
        if not word:
            return ShowSlots(slot)
        if word == "fill":
            return FillSlots(slot)
        head, _, n = word.partition(" ")
        if head == "gap":
            if not (n.isascii() and n.isdigit() and 0 <= int(n) <= 52):
                raise ParseError(f"{slot}s", f"Give the weeks as 0 to 52: /rapport {slot}s gap 8.")
            return SetGap(slot, int(n))
        raise ParseError(
            f"{slot}s", f"Write /rapport {slot}s, /rapport {slot}s fill or /rapport {slot}s gap 8."
        )

    return parse
