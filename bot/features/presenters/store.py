"""What the presenter rotation stores: one slot (presenter or educator) per meeting date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SLOTS = ("presenter", "educator")


@dataclass(frozen=True)
class Slot:
    """Who holds `slot` ("presenter" or "educator") at the meeting on local date `day`, their
    topic, and the member a swap was offered to (waiting for them to accept)."""

    id: int
    group_id: int
    slot: str
    day: str
    member_id: int
    topic: str | None
    swap_to: int | None


class SlotStore(Protocol):
    async def get(self, group_id: int, slot: str, day: str) -> Slot | None: ...
    async def between(self, group_id: int, slot: str, first: str, last: str) -> list[Slot]:
        """The group's slots of this kind from `first` to `last` (local dates, inclusive)."""
        ...

    async def on_day(self, group_id: int, day: str) -> list[Slot]: ...
    async def last_before(self, group_id: int, slot: str, day: str) -> Slot | None: ...
    async def put(
        self, group_id: int, slot: str, day: str, member_id: int, topic: str | None
    ) -> Slot:
        """Give the slot to a member (a swap on offer is withdrawn)."""
        ...

    async def set_topic(self, slot_id: int, topic: str | None) -> None: ...
    async def offer_swap(self, slot_id: int, member_id: int | None) -> None: ...
