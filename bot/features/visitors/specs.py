"""The visitor pipeline: visitor (record one, or move one along) and visitors."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.visitors import commands as c
from bot.features.visitors import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "visitor",
        c.parse_visitor,
        {c.RecordVisitor: handlers.record_visitor, c.MoveVisitor: handlers.move_visitor},
    ),
    CommandSpec(
        "visitors",
        c.parse_visitors,
        {c.ShowVisitors: handlers.show_visitors},
        reads=reads(c.ShowVisitors),
        on_discord=("/chapter visitors",),
    ),
)
