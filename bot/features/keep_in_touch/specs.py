"""Keep-in-touch's command: /rapport keep-in-touch."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.keep_in_touch import commands as c
from bot.features.keep_in_touch import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "keep-in-touch",
        c.parse_keep_in_touch,
        {
            c.ListKeepInTouch: handlers.show,
            c.AddKeepInTouch: handlers.add,
            c.RemoveKeepInTouch: handlers.remove,
            c.DoneKeepInTouch: handlers.done,
        },
        aliases=("keepintouch", "keep"),
        reads=reads(c.ListKeepInTouch),
        on_discord=("keep-in-touch list",),
    ),
)
