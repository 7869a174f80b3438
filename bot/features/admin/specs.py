"""Running the group's commands: leave, remove, settings, admins and admin."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.admin import absences, handlers
from bot.features.admin import commands as c

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
            c.SetAbsenceRule: absences.set_absence_rule,
            c.SetAmountsShown: absences.set_amounts_shown,
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
