"""The roster's commands: setup, join, profile, /onetoone, roster and seat allow."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.roster import card_details, handlers, seats
from bot.features.roster import commands as c

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("setup", c.parse_setup, {c.Setup: handlers.setup}),
    CommandSpec("join", c.parse_join, {c.Join: handlers.join}),
    CommandSpec(
        "profile",
        c.parse_profile,
        {
            c.ShowProfile: handlers.show_profile,
            c.SetAsk: handlers.set_ask,
            c.SetEmail: handlers.set_email,
            c.SetTimeZone: handlers.set_tz,
            c.SetQuietHours: handlers.set_quiet,
            c.SetDirectMessages: handlers.set_dm,
            c.SetSuggestions: handlers.set_suggestions,
            c.SetCardPhone: card_details.set_phone,
            c.SetCardWebsite: card_details.set_website,
            c.ShareCardEmail: card_details.share_email,
        },
        reads=reads(c.ShowProfile),
    ),
    CommandSpec(
        "onetoone",
        c.parse_onetoone,
        {c.LogOneToOne: handlers.log_one_to_one},
        aliases=("121", "1-2-1"),
        own_slash=True,
    ),
    CommandSpec(
        "roster",
        c.parse_roster,
        {c.ShowRoster: seats.show_roster},
        aliases=("members",),
        reads=reads(c.ShowRoster),
    ),
    CommandSpec(
        "seat",
        c.parse_seat,
        {c.AllowSeat: seats.allow_seat},
        # beside the other seat settings an admin changes
        on_discord=("settings seat-allow",),
    ),
)
