"""Renewal and leave commands: `/rapport member @m renewal …` and `… leave …`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import Who


@dataclass(frozen=True)
class ShowTerms:
    member: Who


@dataclass(frozen=True)
class SetRenewal:
    member: Who
    day: date | None  # None: no renewal date


@dataclass(frozen=True)
class SetLeave:
    member: Who
    first: date | None  # None: the leave is cancelled
    last: date | None = None
