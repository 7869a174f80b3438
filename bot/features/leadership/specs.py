"""The leadership team's commands: role, sub and palms."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.leadership import commands as c
from bot.features.leadership import palms, roles, substitutes

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "role",
        c.parse_role,
        {c.ShowRoles: roles.show_roles, c.SetRole: roles.set_role},
        aliases=("roles",),
        reads=reads(c.ShowRoles),
        # Discord: a command of its own beside /rapport, which is near its 4,000 characters
        on_discord=("/leadership role", "/leadership roles"),
    ),
    CommandSpec(
        "sub",
        c.parse_sub,
        {c.RegisterSub: substitutes.register_sub},
        aliases=("substitute",),
        on_discord=("/leadership sub",),
    ),
    CommandSpec(
        "palms",
        c.parse_palms,
        {c.ShowPalms: palms.show_palms},
        aliases=("palm",),
        reads=reads(c.ShowPalms),
        on_discord=("/leadership palms",),
    ),
)
