"""/rapport subcommands for the group's records and members' data: leaderboard, power-team
gaps, traffic lights, RSVPs, attendance, visitors, exports, my-data and forgetting. Like the rest of
/rapport, they build the core's Command from the typed options."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord import options, refs, replies, wording
from bot.features.attendance.commands import MarkAttendance, Rsvp, ShowAttendance
from bot.features.insight.commands import ShowGaps, ShowLeaderboard, ShowLights
from bot.features.privacy.commands import Export, Forget, MyData
from bot.features.visitors.commands import RecordVisitor
from bot.grammar import MAX_NAME

Name = app_commands.Range[str, 1, MAX_NAME]


def add_to(rapport: app_commands.Group) -> None:
    _numbers(rapport)
    _visits(rapport)
    rapport.add_command(_attendance())
    _data(rapport)


async def _problem(interaction: discord.Interaction, e: options.OptionProblem) -> None:
    await replies.say(interaction, wording.option_problem(e.option, e.problem))


def _numbers(rapport: app_commands.Group) -> None:
    @rapport.command(name="leaderboard", description="Members by referrals and leads given")
    @app_commands.describe(period="Default: this month")
    @app_commands.choices(period=options.PERIOD_CHOICES)
    async def leaderboard(
        interaction: discord.Interaction, period: app_commands.Choice[str] | None = None
    ) -> None:
        await replies.run(interaction, ShowLeaderboard(period.value if period else "month"))

    @rapport.command(name="gaps", description="Your power team and the seats to fill")
    async def gaps(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowGaps())

    @rapport.command(name="lights", description="Your traffic light and how to move it")
    @app_commands.describe(everyone="Admin: everyone's lights")
    async def lights(interaction: discord.Interaction, everyone: bool = False) -> None:
        await replies.run(interaction, ShowLights(everyone))


def _visits(rapport: app_commands.Group) -> None:
    @rapport.command(name="rsvp", description="Will you be at the next meeting?")
    @app_commands.describe(
        answer="Will you be there?",
        date="YYYY-MM-DD; default: the next meeting",
    )
    @app_commands.choices(answer=options.RSVP_CHOICES)
    async def rsvp(
        interaction: discord.Interaction, answer: app_commands.Choice[str], date: str | None = None
    ) -> None:
        try:
            day = options.day(date, "date", interaction.created_at.date())
        except options.OptionProblem as e:
            await _problem(interaction, e)
            return
        await replies.run(interaction, Rsvp(answer.value, day))

    @rapport.command(name="visitor", description="Record a visitor and credit who invited them")
    @app_commands.describe(name="The visitor's name", invited_by="Who invited them (default: you)")
    async def visitor(
        interaction: discord.Interaction,
        name: Name,
        invited_by: discord.Member | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        inviter = refs.user_ref(invited_by, interaction.guild_id) if invited_by else None
        await replies.run(interaction, lambda: RecordVisitor.of(name, inviter))


def _attendance() -> app_commands.Group:
    attendance = app_commands.Group(name="attendance", description="Who came to a meeting")

    @attendance.command(name="show", description="Who came, or said they would")
    @app_commands.describe(date="YYYY-MM-DD; default: the latest")
    async def show(interaction: discord.Interaction, date: str | None = None) -> None:
        try:
            day = options.day(date, "date", interaction.created_at.date())
        except options.OptionProblem as e:
            await _problem(interaction, e)
            return
        await replies.run(interaction, ShowAttendance(day))

    @attendance.command(name="confirm", description="Admin: turn the RSVPs into attendance")
    @app_commands.describe(date="YYYY-MM-DD; default: the latest")
    async def confirm(interaction: discord.Interaction, date: str | None = None) -> None:
        try:
            day = options.day(date, "date", interaction.created_at.date())
        except options.OptionProblem as e:
            await _problem(interaction, e)
            return
        await replies.run(interaction, MarkAttendance(day, (), confirm=True))

    @attendance.command(name="mark", description="Admin: mark members present, absent, late…")
    @app_commands.describe(
        status="What to record",
        member="A member",
        member2="Another member",
        member3="Another member",
        member4="Another member",
        member5="Another member",
        date="YYYY-MM-DD; default: the latest",
    )
    @app_commands.choices(status=options.ATTENDANCE_CHOICES)
    async def mark(
        interaction: discord.Interaction,
        status: app_commands.Choice[str],
        member: discord.Member,
        member2: discord.Member | None = None,
        member3: discord.Member | None = None,
        member4: discord.Member | None = None,
        member5: discord.Member | None = None,
        date: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            day = options.day(date, "date", interaction.created_at.date())
        except options.OptionProblem as e:
            await _problem(interaction, e)
            return
        gid = interaction.guild_id
        named = [m for m in (member, member2, member3, member4, member5) if m is not None]
        marks = tuple((status.value, refs.user_ref(m, gid)) for m in named)
        await replies.run(interaction, MarkAttendance(day, marks))

    return attendance


def _data(rapport: app_commands.Group) -> None:
    @rapport.command(name="export", description="Admin: CSV files of the group's records")
    @app_commands.describe(
        since="YYYY-MM-DD",
        until="YYYY-MM-DD",
        contacts="Add prospects' email and phone (keep it safe)",
    )
    @app_commands.rename(since="from", until="to")
    async def export(
        interaction: discord.Interaction,
        since: str | None = None,
        until: str | None = None,
        contacts: bool = False,
    ) -> None:
        try:
            first = options.day(since, "from", interaction.created_at.date())
            last = options.day(until, "to", interaction.created_at.date())
        except options.OptionProblem as e:
            await _problem(interaction, e)
            return
        await replies.run(interaction, lambda: Export.of(first, last, contacts))

    @rapport.command(name="my-data", description="Everything Rapport stores about you")
    async def my_data(interaction: discord.Interaction) -> None:
        await replies.run(interaction, MyData())

    @rapport.command(name="forget-me", description="Erase your personal data")
    @app_commands.describe(confirm="Yes: erase it now")
    async def forget_me(interaction: discord.Interaction, confirm: bool = False) -> None:
        await replies.run(interaction, Forget(None, confirm))

    @rapport.command(name="forget", description="Admin: erase a member's personal data")
    @app_commands.describe(member="The member", confirm="Yes: erase it now")
    async def forget(
        interaction: discord.Interaction, member: discord.Member, confirm: bool = False
    ) -> None:
        assert interaction.guild_id is not None
        await replies.run(interaction, Forget(refs.user_ref(member, interaction.guild_id), confirm))
