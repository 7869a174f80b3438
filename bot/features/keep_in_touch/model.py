"""Someone outside the group a member keeps in touch with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    """`name` is kept in touch with every `every_weeks` weeks; the next reminder is due that
    long after `last_at` (when they were added, or last marked done)."""

    id: int
    member_id: int
    name: str
    every_weeks: int
    last_at: int

    @property
    def due_at(self) -> int:
        return self.last_at + self.every_weeks * 7 * 86400
