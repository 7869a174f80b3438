"""Running the group's commands: leave, remove, settings, admins and admin."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.admin import commands as c
from bot.features.admin import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("leave", c.parse_leave, {c.Leave: handlers.leave}),
    CommandSpec("remove", c.parse_remove, {c.RemoveMember: handlers.remove}),
    CommandSpec(
        "settings",
        c.parse_settings,
        {
            c.ShowSettings: handlers.show_settings,
            c.ChangeSetting: handlers.change_setting,
            c.WantSeat: handlers.want_seat,
        },
        reads=reads(c.ShowSettings),
    ),
    CommandSpec(
        "admins", c.parse_admins, {c.ShowAdmins: handlers.show_admins}, reads=reads(c.ShowAdmins)
    ),
    CommandSpec(
        "admin",
        c.parse_admin,
        {
            c.ShowAdmins: handlers.show_admins,
            c.AddAdmin: handlers.add_admin,
            c.RemoveAdmin: handlers.remove_admin,
        },
        reads=reads(c.ShowAdmins),
    ),
)
