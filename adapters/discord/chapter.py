"""/chapter: the leadership team's week (the feature presenter and education slot, the visitor
pipeline, renewals and leave), a command of its own because /rapport is near Discord's 4,000
characters. Each builds the line a member would type, so the core's grammar checks it and
words its answer the same everywhere."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import refs, replies
from bot.grammar import MAX_TEXT

Line = app_commands.Range[str, 1, MAX_TEXT]


def chapter_group() -> app_commands.Group:
    """Built per client, never at import time."""
    chapter = app_commands.Group(
        name="chapter",
        description="Your chapter's week: presenters, visitors, renewals and leave",
        guild_only=True,
    )

    for slot, what in (("presenter", "feature presenter"), ("educator", "education slot")):
        _slot(chapter, slot, what)

    @chapter.command(name="visitor", description="Record a visitor, or move one along")
    @app_commands.describe(line="Ann Lee ann@x.example -- Bookkeeping · 3 attended -- note")
    async def visitor(interaction: discord.Interaction, line: Line) -> None:
        await replies.run(interaction, f"/rapport visitor {line}")

    @chapter.command(name="visitors", description="The visitor pipeline")
    async def visitors(interaction: discord.Interaction) -> None:
        await replies.run(interaction, "/rapport visitors")

    @chapter.command(name="member", description="A member's renewal date or leave of absence")
    @app_commands.describe(
        member="The member", what="renewal YYYY-MM-DD, or leave YYYY-MM-DD YYYY-MM-DD"
    )
    async def member(
        interaction: discord.Interaction, member: discord.Member, what: Line | None = None
    ) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id)
        await replies.run(interaction, f"/rapport member <@{who.user_id}> {what or ''}")

    return chapter


def _slot(chapter: app_commands.Group, slot: str, what: str) -> None:
    @chapter.command(name=slot, description=f"Set, swap or accept a {what}")
    @app_commands.describe(line="YYYY-MM-DD @member -- topic · swap YYYY-MM-DD @m · accept DATE")
    async def one(interaction: discord.Interaction, line: Line) -> None:
        await replies.run(interaction, f"/rapport {slot} {line}")

    @chapter.command(name=f"{slot}s", description=f"The next 8 weeks' {what}s")
    @app_commands.describe(fill="Fill the open weeks in roster order")
    async def many(interaction: discord.Interaction, fill: bool = False) -> None:
        await replies.run(interaction, f"/rapport {slot}s {'fill' if fill else ''}")
