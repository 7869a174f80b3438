"""The leadership commands as Commands: roles, substitutes and the PALMS report.

Only dataclasses live here (the grammar is in parsing.py), so bot/commands.py can name them
in its `Command` union without importing the grammar back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import Who


@dataclass(frozen=True)
class SetRole:
    """An admin gives a member a role, or (`role` None) takes every role they hold."""

    member: Who
    role: str | None


@dataclass(frozen=True)
class ShowRoles:
    """The leadership team: who holds each role."""


@dataclass(frozen=True)
class RegisterSub:
    """A member names who comes to a meeting in their place; the email is optional."""

    day: date | None
    name: str
    email: str | None = None


@dataclass(frozen=True)
class ShowPalms:
    """The PALMS report for the leadership, from `since` to `until` (local dates; default:
    the week up to the latest meeting)."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class SetAbsenceRule:
    """An admin's absence rule: `count` absences in `months` (None: unchanged), the record
    states that count (None: unchanged); `default` restores all of it."""

    count: int | None = None
    months: int | None = None
    states: tuple[str, ...] | None = None
    default: bool = False


@dataclass(frozen=True)
class SetAmountsShown:
    """`settings amounts leadership` (True): the leadership sees each member's closed business
    in the PALMS report; `amounts private` (False): only totals and each member's own."""

    leadership: bool
