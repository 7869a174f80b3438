"""What renewals and leave store: each member's renewal date and leave of absence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Terms:
    member_id: int
    renewal: str | None  # local date YYYY-MM-DD
    leave_from: str | None  # local dates, inclusive
    leave_until: str | None

    def on_leave(self, day: str) -> bool:
        return bool(self.leave_from and self.leave_until) and (
            str(self.leave_from) <= day <= str(self.leave_until)
        )


class TermsStore(Protocol):
    async def get(self, member_id: int) -> Terms | None: ...
    async def of_group(self, group_id: int) -> dict[int, Terms]: ...
    async def set_renewal(self, group_id: int, member_id: int, day: str | None) -> None: ...
    async def set_leave(
        self, group_id: int, member_id: int, first: str | None, last: str | None
    ) -> None: ...
