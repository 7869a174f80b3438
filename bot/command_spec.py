"""What one command is to the registry: its name as typed, its parser, its handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.commands import Command
from bot.out import OutMessage
from bot.work import Work

Handler = Callable[[Work, Any], Awaitable[list[OutMessage]]]


@dataclass(frozen=True)
class CommandSpec:
    """One command: `name` as typed after /rapport, its `aliases`, its `parse` (the line
    after the name → a Command), the `handlers` of the Command types it makes, which of those
    only read (`reads`), whether it is also a slash command of its own (`/referral`), and
    where Discord offers it if not as `/rapport <name>` (`on_discord`)."""

    name: str
    parse: Callable[[str], Command]
    handlers: Mapping[type, Handler]
    aliases: tuple[str, ...] = ()
    reads: frozenset[type] = field(default_factory=frozenset)
    own_slash: bool = False
    # where Discord has it when not as /rapport <name> (Discord's tree is typed by hand)
    on_discord: tuple[str, ...] = ()


def reads(*types: type) -> frozenset[type]:
    """The Command types of a spec that only read."""
    return frozenset(types)
