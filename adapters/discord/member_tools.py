"""/card and /keep-in-touch: where members look (issue 19), as top-level commands of their
own, since /rapport is near Discord's 4,000 characters a command. Each builds the line a
member would type, or the Command when a member is named, as /rapport's subcommands do."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import refs, replies
from bot.features.cards.commands import ShowCard
from bot.grammar import MAX_NAME


def member_commands() -> list[app_commands.Group]:
    """Built per client, never at import time."""
    return [_card(), _keep_in_touch()]


def _card() -> app_commands.Group:
    card = app_commands.Group(
        name="card", description="Members' cards to hand a prospect", guild_only=True
    )

    @card.command(name="show", description="A member's card with a vCard file")
    @app_commands.describe(member="Whose card (default: yours)")
    async def show(interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id) if member else None
        await replies.run(interaction, ShowCard(who))

    @card.command(name="all", description="Every member's card in one vCard file")
    async def all_(interaction: discord.Interaction) -> None:
        await replies.run(interaction, "/rapport cards")

    @card.command(name="phone", description="The business phone on your card")
    @app_commands.describe(number="e.g. +27 82 555 0134, or none")
    async def phone(
        interaction: discord.Interaction, number: app_commands.Range[str, 1, 40]
    ) -> None:
        await replies.run(interaction, f"/rapport profile phone {number}")

    @card.command(name="website", description="The website on your card")
    @app_commands.describe(url="e.g. https://bob.example, or none")
    async def website(
        interaction: discord.Interaction, url: app_commands.Range[str, 1, 300]
    ) -> None:
        await replies.run(interaction, f"/rapport profile website {url}")

    @card.command(name="share-email", description="Your profile email on your card")
    @app_commands.describe(on="Show your profile email on your card")
    async def share_email(interaction: discord.Interaction, on: bool) -> None:
        await replies.run(interaction, f"/rapport profile share email {'on' if on else 'off'}")

    return card


def _keep_in_touch() -> app_commands.Group:
    group = app_commands.Group(
        name="keep-in-touch",
        description="People outside the group you stay top of mind with",
        guild_only=True,
    )

    @group.command(name="list", description="Whom you keep in touch with (only you see it)")
    async def list_(interaction: discord.Interaction) -> None:
        await replies.run(interaction, "/rapport keep-in-touch")

    @group.command(name="add", description="Add someone, with how often to be in touch")
    @app_commands.describe(name="e.g. Jane Roe", weeks="Every how many weeks (1 to 52)")
    async def add(
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_NAME],
        weeks: app_commands.Range[int, 1, 52],
    ) -> None:
        await replies.run(interaction, f"/rapport keep-in-touch add {name} every {weeks} weeks")

    @group.command(name="done", description="You were in touch: the next reminder moves on")
    @app_commands.describe(who="Their number or name")
    async def done(
        interaction: discord.Interaction, who: app_commands.Range[str, 1, MAX_NAME]
    ) -> None:
        await replies.run(interaction, f"/rapport keep-in-touch done {who}")

    @group.command(name="remove", description="Stop the reminders about someone")
    @app_commands.describe(who="Their number or name")
    async def remove(
        interaction: discord.Interaction, who: app_commands.Range[str, 1, MAX_NAME]
    ) -> None:
        await replies.run(interaction, f"/rapport keep-in-touch remove {who}")

    return group
