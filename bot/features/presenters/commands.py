"""The presenter rotation's commands, as the core receives them (typed or from a button).

`slot` is "presenter" (the feature presentation) or "educator" (the education slot): the
same rules serve both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import Who


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
