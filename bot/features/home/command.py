"""The typed form of the dashboard: `/rapport me`. Kept free of imports, so the grammar's
Command union (bot.commands) can name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShowHome:
    """The member's own dashboard, privately."""


# the outbox row that asks for a member's page to be built and published when it goes
REFRESH_KIND = "home.refresh"
