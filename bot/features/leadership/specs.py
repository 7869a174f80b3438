"""The leadership team: role (and roles)."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.leadership import commands as c
from bot.features.leadership import roles

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "role",
        c.parse_role,
        {c.ShowRoles: roles.show_roles, c.SetRole: roles.set_role},
        aliases=("roles",),
        reads=reads(c.ShowRoles),
        on_discord=("/leadership role", "/leadership roles"),
    ),
)
