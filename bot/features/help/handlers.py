"""The handler of /rapport help: every command in the registry's order, or one command's usage."""

from __future__ import annotations

from bot import usage
from bot.features.help.commands import Help
from bot.out import OutMessage
from bot.schedule import local_date
from bot.work import Work


async def show_help(w: Work, cmd: Help) -> list[OutMessage]:
    """`/rapport help`: every command in the registry's order, or one command's usage."""
    # the registry is built from the slices, this one included: look it up when asked
    from bot.registry import SPECS

    if cmd.topic:
        return [usage.help_topic(cmd.topic, local_date(w.now, w.settings.timezone))]
    return [usage.help_all([s.name for s in SPECS if s.name != "help"] + ["help"])]
