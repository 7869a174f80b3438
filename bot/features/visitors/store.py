"""What the visitor pipeline stores: each visitor, their status and (for a while) their contacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# the pipeline, in order; joined and declined end it
STATUSES = ("invited", "confirmed", "attended", "applied", "joined", "declined")
CLOSED = ("joined", "declined")


@dataclass(frozen=True)
class Visitor:
    id: int
    group_id: int
    name: str
    invited_by: int | None
    at: int  # recorded
    status: str
    status_at: int | None
    attended_at: int | None
    email: str | None
    phone: str | None
    classification: str | None
    note: str | None
    member_id: int | None  # the member they became

    @property
    def open(self) -> bool:
        return self.status not in CLOSED


class VisitorStore(Protocol):
    async def add(
        self,
        group_id: int,
        name: str,
        invited_by: int | None,
        now: int,
        status: str,
        email: str | None,
        phone: str | None,
        classification: str | None,
    ) -> int: ...
    async def get(self, group_id: int, visitor_id: int) -> Visitor | None: ...
    async def pipeline(self, group_id: int, closed_since: int) -> list[Visitor]:
        """Every open visitor, and those who joined or declined since `closed_since`."""
        ...

    async def with_status(self, group_id: int, statuses: tuple[str, ...]) -> list[Visitor]: ...
    async def move(
        self, visitor_id: int, status: str, now: int, note: str | None, member_id: int | None
    ) -> None: ...
    async def erase_contacts(self, visitor_id: int) -> bool:
        """Forget the visitor's email and phone; False when there were none."""
        ...
