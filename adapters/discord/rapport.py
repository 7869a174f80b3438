"""/rapport and its subcommands: the group, seats, profiles, the meeting, numbers, settings.

Each builds the core's Command from the typed options: the command type checks the values
with the grammar's own rules and wording (`SetMeeting.of`, `SetQuietHours.of`, …), so a value
is refused here exactly as it would be typed in a line; a member is the one Discord resolved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import discord
from discord import app_commands

from adapters.discord import home, options, records, refs, replies, wording
from bot.features.admin.commands import (
    AddAdmin,
    ChangeSetting,
    Leave,
    RemoveAdmin,
    RemoveMember,
    ShowAdmins,
    ShowSettings,
    WantSeat,
)
from bot.features.help.commands import Help
from bot.features.insight.commands import ShowStats
from bot.features.meetings.commands import MeetingCalendar, SetMeeting, ShowMeeting, SkipMeeting
from bot.features.roster.commands import (
    AllowSeat,
    Join,
    SetAsk,
    SetDirectMessages,
    SetEmail,
    SetQuietHours,
    SetSuggestions,
    SetTimeZone,
    Setup,
    ShowProfile,
    ShowRoster,
)
from bot.grammar import MAX_CLASSIFICATION, MAX_NAME, MAX_TEXT
from bot.registry import SPECS

Classification = app_commands.Range[str, 1, MAX_CLASSIFICATION]


async def _help_topics(_interaction: object, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /rapport help: the core's commands (more than Discord's 25 choices)."""
    typed = current.strip().casefold()
    names = [s.name for s in SPECS if s.name != "help" and typed in s.name]
    return [app_commands.Choice(name=n, value=n) for n in names[:25]]


def rapport_group() -> app_commands.Group:
    """Built per client, never at import time."""
    rapport = app_commands.Group(
        name="rapport",
        description="Your networking group's referrals, meeting and numbers",
        guild_only=True,
    )
    _roster(rapport)
    _admins(rapport)
    records.add_to(rapport)
    home.add_to(rapport)
    rapport.add_command(_profile())
    rapport.add_command(_meeting())
    rapport.add_command(_settings())
    return rapport


async def _word(
    interaction: discord.Interaction, value: str | None, option: str, example: str
) -> str | None:
    """A one-word option, or None after telling the member what was wrong with it."""
    try:
        return options.word(value, option, example)
    except options.OptionProblem as e:
        await replies.say(interaction, wording.option_problem(e.option, e.problem))
        return None


def _roster(rapport: app_commands.Group) -> None:
    @rapport.command(
        name="setup", description="Make this channel the group's home"
    )
    @app_commands.describe(name="e.g. Cape Town Breakfast Club")
    async def setup(
        interaction: discord.Interaction, name: app_commands.Range[str, 1, MAX_NAME] | None = None
    ) -> None:
        await replies.run(interaction, lambda: Setup.of(name))

    @rapport.command(name="join", description="Take your seat: one member per classification")
    @app_commands.describe(classification="Your trade, e.g. Residential plumbing")
    async def join(interaction: discord.Interaction, classification: Classification) -> None:
        await replies.run(interaction, lambda: Join.of(classification))

    @rapport.command(name="stats", description="This week's and this quarter's numbers")
    @app_commands.describe(member="Someone else's (amounts stay private)")
    async def stats(interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id) if member else None
        await replies.run(interaction, ShowStats(who))

    @rapport.command(name="help", description="What each command does, with an example")
    @app_commands.describe(command="One command to explain")
    @app_commands.autocomplete(command=_help_topics)
    async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
        await replies.run(interaction, lambda: Help.of(command))

    @rapport.command(name="leave", description="Leave the group and free your seat")
    async def leave(interaction: discord.Interaction) -> None:
        await replies.run(interaction, Leave())

    @rapport.command(name="remove", description="Admin: take a member off the roster")
    @app_commands.describe(member="The member to remove")
    async def remove(interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild_id is not None
        await replies.run(interaction, RemoveMember(refs.user_ref(member, interaction.guild_id)))


ADMIN_CHOICES = [app_commands.Choice(name=a, value=a) for a in ("add", "remove")]


def _admins(rapport: app_commands.Group) -> None:
    """The roster and the admins. Descriptions are short: /rapport as a whole must stay
    within Discord's 4,000 characters."""

    @rapport.command(name="roster", description="Every member, seat and role; open seats")
    async def roster(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowRoster())

    @rapport.command(name="admins", description="Who the admins are")
    async def admins(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowAdmins())

    @rapport.command(name="admin", description="Admin: add or remove an admin")
    @app_commands.choices(action=ADMIN_CHOICES)
    async def admin(
        interaction: discord.Interaction,
        action: app_commands.Choice[str],
        member: discord.Member,
    ) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id)
        await replies.run(interaction, AddAdmin(who) if action.value == "add" else RemoveAdmin(who))


def _profile() -> app_commands.Group:
    profile = app_commands.Group(
        name="profile", description="Your ask, email, time zone, quiet hours and DMs"
    )

    @profile.command(name="show", description="Your profile, or a member's ask")
    @app_commands.describe(member="Whose ask to read (default: you)")
    async def show(interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id) if member else None
        await replies.run(interaction, ShowProfile(who))

    @profile.command(name="ask", description="The referral you want: your ideal client")
    @app_commands.describe(text="e.g. homeowners planning a kitchen remodel")
    async def ask(
        interaction: discord.Interaction, text: app_commands.Range[str, 1, MAX_TEXT]
    ) -> None:
        await replies.run(interaction, lambda: SetAsk.of(text))

    @profile.command(name="email", description="Your business email, used in introductions")
    @app_commands.describe(address="e.g. bob@plumbing.example")
    async def email(interaction: discord.Interaction, address: str) -> None:
        await replies.run(interaction, lambda: SetEmail.of(address))

    @profile.command(name="timezone", description="Your time zone")
    @app_commands.describe(zone="e.g. Europe/London")
    @app_commands.autocomplete(zone=options.timezones)
    async def timezone(interaction: discord.Interaction, zone: str) -> None:
        await replies.run(interaction, lambda: SetTimeZone.of(zone))

    @profile.command(name="quiet", description="Hours when Rapport holds your reminders")
    @app_commands.describe(hours="From-to, e.g. 21:00-07:00")
    async def quiet(interaction: discord.Interaction, hours: str) -> None:
        await replies.run(interaction, lambda: SetQuietHours.of(hours))

    @profile.command(name="suggestions", description="A monthly 1-2-1 suggestion on or off")
    @app_commands.describe(on="A member to meet, each month")
    async def suggestions(interaction: discord.Interaction, on: bool) -> None:
        await replies.run(interaction, SetSuggestions(on))

    @profile.command(name="dm", description="Reminders by direct message on or off")
    @app_commands.describe(on="Off still sends you the referrals passed to you")
    async def dm(interaction: discord.Interaction, on: bool) -> None:
        await replies.run(interaction, SetDirectMessages(on))

    return profile


def _meeting() -> app_commands.Group:
    meeting = app_commands.Group(name="meeting", description="The group's weekly meeting")

    @meeting.command(name="show", description="When the next meeting is")
    async def show(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowMeeting())

    @meeting.command(name="set", description="Admin: set the weekly meeting")
    @app_commands.describe(
        weekday="The day the group meets",
        time="The start time, HH:MM, e.g. 07:00",
        timezone="e.g. Africa/Johannesburg",
        where="Where you meet",
    )
    @app_commands.choices(weekday=options.WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=options.timezones)
    async def set_(
        interaction: discord.Interaction,
        weekday: app_commands.Choice[str],
        time: str,
        timezone: str | None = None,
        where: app_commands.Range[str, 1, MAX_NAME * 2] | None = None,
    ) -> None:
        at = await _word(interaction, time, "time", "07:00")
        if at is None:
            return
        zone = None
        if timezone is not None:
            zone = await _word(interaction, timezone, "timezone", "Europe/London")
            if zone is None:
                return
        await replies.run(interaction, lambda: SetMeeting.of(weekday.value, at, zone, where))

    @meeting.command(name="skip", description="Admin: no meeting on this date")
    @app_commands.describe(date="YYYY-MM-DD")
    async def skip(interaction: discord.Interaction, date: str) -> None:
        soon = (interaction.created_at + timedelta(days=7)).date().isoformat()
        if (v := await _word(interaction, date, "date", soon)) is not None:
            await replies.run(interaction, lambda: SkipMeeting.of(v))

    @meeting.command(name="ics", description="The meeting as a calendar file")
    async def ics(interaction: discord.Interaction) -> None:
        await replies.run(interaction, MeetingCalendar())

    return meeting


def _settings() -> app_commands.Group:
    settings = app_commands.Group(name="settings", description="Admin: the group's settings")

    @settings.command(name="show", description="The group's settings")
    async def show(interaction: discord.Interaction) -> None:
        await replies.run(interaction, ShowSettings())

    async def one(
        interaction: discord.Interaction,
        build: Callable[[str], ChangeSetting],
        value: str,
        example: str,
        option: str = "value",
    ) -> None:
        if (v := await _word(interaction, value, option, example)) is not None:
            await replies.run(interaction, lambda: build(v))

    @settings.command(name="reminder-evening", description="The reminder the evening before")
    @app_commands.describe(value="HH:MM, off, or default")
    async def evening(interaction: discord.Interaction, value: str) -> None:
        await one(interaction, ChangeSetting.evening, value, "18:00")

    @settings.command(name="reminder-before", description="The reminder shortly before the meeting")
    @app_commands.describe(value="Hours before (1 to 24), off, or default")
    async def before(interaction: discord.Interaction, value: str) -> None:
        await one(interaction, ChangeSetting.before, value, "1")

    @settings.command(name="recap", description="When the weekly recap is posted")
    @app_commands.describe(value="Hours after the start (0 to 48), or default")
    async def recap(interaction: discord.Interaction, value: str) -> None:
        await one(interaction, ChangeSetting.recap, value, "2")

    @settings.command(name="accountability", description="Nudges for members quiet lately")
    async def accountability(interaction: discord.Interaction, on: bool) -> None:
        await replies.run(interaction, ChangeSetting.accountability(on))

    @settings.command(name="currency", description="The currency of closed business")
    @app_commands.describe(code="e.g. ZAR, USD or EUR")
    async def currency(interaction: discord.Interaction, code: str) -> None:
        await one(interaction, ChangeSetting.currency, code, "ZAR", "code")

    @settings.command(name="locale", description="How amounts are written, e.g. en_ZA")
    @app_commands.describe(name="A locale like en_ZA or de_DE, or default")
    async def locale(interaction: discord.Interaction, name: str) -> None:
        await one(interaction, ChangeSetting.locale, name, "en_ZA", "name")

    @settings.command(name="seat-add", description="List an open seat to fill")
    @app_commands.describe(classification="e.g. Electrician")
    async def seat_add(interaction: discord.Interaction, classification: Classification) -> None:
        await replies.run(interaction, lambda: WantSeat.of(classification, True))

    @settings.command(name="seat-allow", description="Seat a member in a trade already held")
    async def seat_allow(interaction: discord.Interaction, member: discord.Member) -> None:
        assert interaction.guild_id is not None
        await replies.run(interaction, AllowSeat(refs.user_ref(member, interaction.guild_id)))

    @settings.command(name="seat-remove", description="Stop listing a classification")
    @app_commands.describe(classification="e.g. Electrician")
    async def seat_remove(interaction: discord.Interaction, classification: Classification) -> None:
        await replies.run(interaction, lambda: WantSeat.of(classification, False))

    return settings
