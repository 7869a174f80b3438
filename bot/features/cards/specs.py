"""The card case's commands: /rapport card and /rapport cards."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.cards import commands as c
from bot.features.cards import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "card",
        c.parse_card,
        {c.ShowCard: handlers.show_card},
        reads=reads(c.ShowCard),
        on_discord=("card show",),
    ),
    CommandSpec(
        "cards",
        c.parse_cards,
        {c.AllCards: handlers.all_cards},
        reads=reads(c.AllCards),
        on_discord=("card all",),
    ),
)
