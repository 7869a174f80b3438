"""/leadership: the leadership team's commands (roles, and the PALMS report), a command of its
own because /rapport is near Discord's 4,000 characters and 25 subcommands. Each builds the
core's Command, with the member Discord already resolved, or the line a member would type."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import refs, replies
from bot.features.leadership.commands import SetRole, ShowRoles
from bot.features.leadership.wording import ROLE_LABEL

ROLE_CHOICES = [app_commands.Choice(name=label, value=role) for role, label in ROLE_LABEL.items()]
ROLE_CHOICES.append(app_commands.Choice(name="none (take their roles away)", value="none"))


def leadership_group() -> app_commands.Group:
    """Built per client, never at import time."""
    leadership = app_commands.Group(
        name="leadership",
        description="Your chapter's leadership team: roles and the PALMS report",
        guild_only=True,
    )

    @leadership.command(name="roles", description="Who holds each role")
    async def roles(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowRoles())

    @leadership.command(name="role", description="Admin: give a member a role, or none")
    @app_commands.describe(member="The member", role="The role (none takes theirs away)")
    @app_commands.choices(role=ROLE_CHOICES)
    async def role(
        interaction: discord.Interaction, member: discord.Member, role: app_commands.Choice[str]
    ) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id)
        await replies.run(interaction, SetRole(who, None if role.value == "none" else role.value))

    return leadership
