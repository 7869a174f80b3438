"""The feature presenter and education slot: presenter, presenters, educator, educators."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.presenters import commands as c
from bot.features.presenters import handlers

# Discord has them under /chapter (/rapport is near its 4,000 characters)
SPECS: tuple[CommandSpec, ...] = (
    *(
        CommandSpec(
            slot,
            c.parse_slot(slot),
            {
                c.SetSlot: handlers.set_slot,
                c.SwapSlot: handlers.swap_slot,
                c.AnswerSwap: handlers.answer_swap,
            },
            on_discord=(f"/chapter {slot}",),
        )
        for slot in ("presenter", "educator")
    ),
    *(
        CommandSpec(
            f"{slot}s",
            c.parse_slots(slot),
            {
                c.ShowSlots: handlers.show_slots,
                c.FillSlots: handlers.fill_slots,
                c.SetGap: handlers.set_gap,
            },
            reads=reads(c.ShowSlots),
            on_discord=(f"/chapter {slot}s",),
        )
        for slot in ("presenter", "educator")
    ),
)
