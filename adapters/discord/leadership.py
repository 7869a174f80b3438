"""/leadership: the leadership team's week (roles, substitutes, the PALMS report), a command of
its own because /rapport is near Discord's 4,000 characters and 25 subcommands. Each builds the
core's Command, with the member Discord already resolved, or the line a member would type."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import options, refs, replies, wording
from bot import contacts
from bot.features.leadership.commands import RegisterSub, SetRole, ShowPalms, ShowRoles
from bot.features.leadership.messages import ROLE_LABEL
from bot.grammar import MAX_EMAIL, MAX_NAME

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

    @leadership.command(name="sub", description="Name who comes to a meeting in your place")
    @app_commands.describe(
        name="Your substitute's name",
        email="Their email (only you, the visitor host and the admins see it)",
        date="YYYY-MM-DD; default: the next meeting",
    )
    async def sub(
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, MAX_NAME],
        email: app_commands.Range[str, 3, MAX_EMAIL] | None = None,
        date: str | None = None,
    ) -> None:
        try:
            day = options.day(date, "date", interaction.created_at.date())
            who = options.text(name, "name", MAX_NAME, "The substitute's name", "sub")
            if who is None:
                raise options.OptionProblem("name", "Give your substitute's name.")
            try:
                address = contacts.email(email) if email else None
            except contacts.ContactProblem:
                raise options.OptionProblem(
                    "email", "write an address like sam@example.com, or leave it out."
                ) from None
        except options.OptionProblem as e:
            await replies.say(interaction, wording.option_problem(e.option, e.problem))
            return
        await replies.run(interaction, RegisterSub(day, who, address))

    @leadership.command(name="palms", description="The PALMS report per member, and its CSV")
    @app_commands.describe(since="YYYY-MM-DD", until="YYYY-MM-DD")
    @app_commands.rename(since="from", until="to")
    async def palms(
        interaction: discord.Interaction, since: str | None = None, until: str | None = None
    ) -> None:
        try:
            first = options.day(since, "from", interaction.created_at.date())
            last = options.day(until, "to", interaction.created_at.date())
        except options.OptionProblem as e:
            await replies.say(interaction, wording.option_problem(e.option, e.problem))
            return
        await replies.run(interaction, lambda: ShowPalms.of(first, last))

    return leadership
