"""/rapport me: the member's page, answered privately as an embed with persistent buttons
(the DMs' own: they work after a restart as those do). Discord has no Home tab."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import replies
from bot.features.home.commands import ShowHome


def add_to(rapport: app_commands.Group) -> None:
    @rapport.command(name="me", description="Where you stand, privately")
    async def me(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowHome())
