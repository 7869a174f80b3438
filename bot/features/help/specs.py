"""/rapport help."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.help import commands as c
from bot.features.help import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("help", c.parse_help, {c.Help: handlers.show_help}, reads=reads(c.Help)),
)
