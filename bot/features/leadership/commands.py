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
    """The PALMS report for the leadership, over a span of meetings (default: the last
    meeting's week … see handlers)."""

    since: date | None = None
    until: date | None = None
