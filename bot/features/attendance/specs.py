"""Who comes: rsvp, attendance and visitor."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.attendance import commands as c
from bot.features.attendance import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("rsvp", c.parse_rsvp, {c.Rsvp: handlers.rsvp}),
    CommandSpec(
        "attendance",
        c.parse_attendance,
        {
            c.ShowAttendance: handlers.show_attendance,
            c.MarkAttendance: handlers.mark_attendance,
        },
        reads=reads(c.ShowAttendance),
    ),
    CommandSpec("visitor", c.parse_visitor, {c.RecordVisitor: handlers.record_visitor}),
)
