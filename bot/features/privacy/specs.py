"""Members' data: export, my-data, forget-me and forget."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.privacy import commands as c
from bot.features.privacy import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("export", c.parse_export, {c.Export: handlers.export}, reads=reads(c.Export)),
    CommandSpec(
        "my-data",
        c.parse_my_data,
        {c.MyData: handlers.my_data},
        aliases=("mydata",),
        reads=reads(c.MyData),
    ),
    CommandSpec("forget-me", c.parse_forget_me, {c.Forget: handlers.forget}),
    CommandSpec("forget", c.parse_forget, {c.Forget: handlers.forget}),
)
