"""Renewals and leave: member."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.renewals import commands as c
from bot.features.renewals import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "member",
        c.parse_member,
        {
            c.ShowTerms: handlers.show_terms,
            c.SetRenewal: handlers.set_renewal,
            c.SetLeave: handlers.set_leave,
        },
        reads=reads(c.ShowTerms),
        on_discord=("/chapter member",),
    ),
)
