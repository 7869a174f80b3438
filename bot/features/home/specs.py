"""The page's command: /rapport me."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.home import commands as c
from bot.features.home import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("me", c.parse_me, {c.ShowHome: handlers.show_home}, reads=reads(c.ShowHome)),
)
