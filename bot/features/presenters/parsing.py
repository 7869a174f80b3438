"""The presenter rotation's grammar: `/rapport presenter …`, `/rapport presenters [fill]`,
and the same for `educator`."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import (
    MAX_TEXT,
    Command,
    ParseError,
    _date,
    clean,
    limit,
    split_note,
    take_mention,
)
from bot.features.presenters.commands import (
    AnswerSwap,
    FillSlots,
    SetGap,
    SetSlot,
    ShowSlots,
    SwapSlot,
)


def parse_slot(slot: str) -> Callable[[str], Command]:
    """`presenter <date> [@member] [-- topic]`, `presenter swap <date> @other`,
    `presenter accept|decline <date>`."""

    def parse(rest: str) -> Command:
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
            day = _date(day_word, slot)
            member, left = take_mention(who)
            if member is None or clean(left) or topic:
                raise ParseError(slot, f"Name one member to swap with: {slot} swap {day} @bob.")
            return SwapSlot(slot, day, member)
        if head in ("accept", "decline"):
            if not after or " " in after.strip() or topic:
                raise ParseError(
                    slot, f"Give the date you were asked about: {slot} {head} YYYY-MM-DD."
                )
            return AnswerSwap(slot, _date(after.strip(), slot), head == "accept")
        day = _date(words[0], slot)
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


def parse_slots(slot: str) -> Callable[[str], Command]:
    """`presenters` (the next eight meetings) or `presenters fill`."""

    def parse(rest: str) -> Command:
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
