"""The visitor pipeline's commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import Who


@dataclass(frozen=True)
class ShowVisitors:
    pass


@dataclass(frozen=True)
class MoveVisitor:
    """`/rapport visitor <id> <status> [@member] [-- note]`: `member` only with joined (the
    member the visitor became)."""

    visitor_id: int
    status: str
    note: str | None = None
    member: Who | None = None
