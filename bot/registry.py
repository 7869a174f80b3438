"""Every command Rapport knows, in one list.

A `CommandSpec` names a command as people type it (`/rapport <name>` or an alias), the parser
that turns the rest of the line into a Command, and the handler of each Command type that
parser makes. From this one list come the text grammar's tables (`parse`), the handler map
the core dispatches on (`HANDLERS`), which commands only read (`READ_ONLY`), `/rapport help`
(in this list's order) and the slash commands Slack registers besides `/rapport`. A command's
usage line and example live in the wording catalogue (`messages.USAGE`) under its name; a
test checks every spec has them, a handler for every type, and a Discord registration.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import (
    messages,
)
from bot.commands import Command
from bot.features.admin import commands as admin_commands
from bot.features.admin import handlers as admin_handlers
from bot.features.attendance import commands as attendance_commands
from bot.features.attendance import handlers as attendance_handlers
from bot.features.help import commands as help_commands
from bot.features.insight import commands as insight_commands
from bot.features.insight import handlers as insight_handlers
from bot.features.meetings import commands as meetings_commands
from bot.features.meetings import handlers as meetings_handlers
from bot.features.privacy import commands as privacy_commands
from bot.features.privacy import handlers as privacy_handlers
from bot.features.referrals import commands as referrals_commands
from bot.features.referrals import corrections as referrals_corrections
from bot.features.referrals import handlers as referrals_handlers
from bot.features.roster import commands as roster_commands
from bot.features.roster import handlers as roster_handlers
from bot.features.roster import seats as roster_seats
from bot.grammar import ParseError, clean
from bot.messages import slash
from bot.out import OutMessage
from bot.schedule import local_date
from bot.work import Work

Handler = Callable[[Work, Any], Awaitable[list[OutMessage]]]


@dataclass(frozen=True)
class CommandSpec:
    """One command: `name` as typed after /rapport, its `aliases`, its `parse` (the line
    after the name → a Command), the `handlers` of the Command types it makes, which of those
    only read (`reads`), whether it is also a slash command of its own (`/referral`), and
    where Discord offers it if not as `/rapport <name>` (`on_discord`)."""

    name: str
    parse: Callable[[str], Command]
    handlers: Mapping[type, Handler]
    aliases: tuple[str, ...] = ()
    reads: frozenset[type] = field(default_factory=frozenset)
    own_slash: bool = False
    # where Discord has it when not as /rapport <name> (Discord's tree is typed by hand)
    on_discord: tuple[str, ...] = ()


async def show_help(w: Work, cmd: help_commands.Help) -> list[OutMessage]:
    """`/rapport help`: every command in the registry's order, or one command's usage."""
    if cmd.topic:
        return [messages.help_topic(cmd.topic, local_date(w.now, w.settings.timezone))]
    return [messages.help_all([s.name for s in SPECS if s.name != "help"] + ["help"])]


def parse_help(rest: str) -> Command:
    topic = clean(rest).lstrip("/").casefold()
    if topic.startswith("rapport "):
        topic = topic[len("rapport ") :]
    # "help admin add" is the help for admin
    topic = topic.split(" ")[0]
    return help_commands.Help(COMMANDS.get(topic, topic) or None)


def _reads(*types: type) -> frozenset[type]:
    return frozenset(types)


# in the order /rapport help lists them
SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "setup", roster_commands.parse_setup, {roster_commands.Setup: roster_handlers.setup}
    ),
    CommandSpec("join", roster_commands.parse_join, {roster_commands.Join: roster_handlers.join}),
    CommandSpec(
        "profile",
        roster_commands.parse_profile,
        {
            roster_commands.ShowProfile: roster_handlers.show_profile,
            roster_commands.SetAsk: roster_handlers.set_ask,
            roster_commands.SetEmail: roster_handlers.set_email,
            roster_commands.SetTimeZone: roster_handlers.set_tz,
            roster_commands.SetQuietHours: roster_handlers.set_quiet,
            roster_commands.SetDirectMessages: roster_handlers.set_dm,
            roster_commands.SetSuggestions: roster_handlers.set_suggestions,
        },
        reads=_reads(roster_commands.ShowProfile),
    ),
    CommandSpec(
        "referral",
        referrals_commands.parse_referral,
        {referrals_commands.LogReferral: referrals_handlers.log_referral},
        aliases=("refer",),
        own_slash=True,
    ),
    CommandSpec(
        "lead",
        referrals_commands.parse_lead,
        {referrals_commands.LogLead: referrals_handlers.log_lead},
        own_slash=True,
    ),
    CommandSpec(
        "referrals",
        referrals_commands.parse_referrals,
        {
            referrals_commands.ListReferrals: referrals_handlers.list_referrals,
            referrals_commands.UpdateReferral: referrals_handlers.update_referral,
            referrals_commands.SnoozeReferral: referrals_handlers.snooze,
            referrals_commands.CorrectAmount: referrals_corrections.correct_amount,
            referrals_commands.ShowBusiness: referrals_corrections.show_business,
            referrals_commands.EditReferral: referrals_corrections.edit,
            referrals_commands.WithdrawReferral: referrals_corrections.withdraw,
        },
        reads=_reads(referrals_commands.ListReferrals, referrals_commands.ShowBusiness),
        own_slash=True,
    ),
    CommandSpec(
        "thanks",
        referrals_commands.parse_thanks,
        {referrals_commands.Thank: referrals_handlers.thank},
        aliases=("thank",),
        own_slash=True,
    ),
    CommandSpec(
        "onetoone",
        roster_commands.parse_onetoone,
        {roster_commands.LogOneToOne: roster_handlers.log_one_to_one},
        aliases=("121", "1-2-1"),
        own_slash=True,
    ),
    CommandSpec(
        "meeting",
        meetings_commands.parse_meeting,
        {
            meetings_commands.ShowMeeting: meetings_handlers.show_meeting,
            meetings_commands.SetMeeting: meetings_handlers.set_meeting,
            meetings_commands.SkipMeeting: meetings_handlers.skip_meeting,
        },
        reads=_reads(meetings_commands.ShowMeeting),
    ),
    CommandSpec(
        "stats",
        insight_commands.parse_stats,
        {insight_commands.ShowStats: insight_handlers.show_stats},
        reads=_reads(insight_commands.ShowStats),
    ),
    CommandSpec("leave", admin_commands.parse_leave, {admin_commands.Leave: admin_handlers.leave}),
    CommandSpec(
        "remove", admin_commands.parse_remove, {admin_commands.RemoveMember: admin_handlers.remove}
    ),
    CommandSpec(
        "settings",
        admin_commands.parse_settings,
        {
            admin_commands.ShowSettings: admin_handlers.show_settings,
            admin_commands.ChangeSetting: admin_handlers.change_setting,
            admin_commands.WantSeat: admin_handlers.want_seat,
        },
        reads=_reads(admin_commands.ShowSettings),
    ),
    CommandSpec(
        "leaderboard",
        insight_commands.parse_leaderboard,
        {insight_commands.ShowLeaderboard: insight_handlers.leaderboard},
        reads=_reads(insight_commands.ShowLeaderboard),
    ),
    CommandSpec(
        "lights",
        insight_commands.parse_lights,
        {insight_commands.ShowLights: insight_handlers.lights},
        aliases=("light",),
        reads=_reads(insight_commands.ShowLights),
    ),
    CommandSpec(
        "rsvp", attendance_commands.parse_rsvp, {attendance_commands.Rsvp: attendance_handlers.rsvp}
    ),
    CommandSpec(
        "attendance",
        attendance_commands.parse_attendance,
        {
            attendance_commands.ShowAttendance: attendance_handlers.show_attendance,
            attendance_commands.MarkAttendance: attendance_handlers.mark_attendance,
        },
        reads=_reads(attendance_commands.ShowAttendance),
    ),
    CommandSpec(
        "visitor",
        attendance_commands.parse_visitor,
        {attendance_commands.RecordVisitor: attendance_handlers.record_visitor},
    ),
    CommandSpec(
        "export",
        privacy_commands.parse_export,
        {privacy_commands.Export: privacy_handlers.export},
        reads=_reads(privacy_commands.Export),
    ),
    CommandSpec(
        "my-data",
        privacy_commands.parse_my_data,
        {privacy_commands.MyData: privacy_handlers.my_data},
        aliases=("mydata",),
        reads=_reads(privacy_commands.MyData),
    ),
    CommandSpec(
        "forget-me",
        privacy_commands.parse_forget_me,
        {privacy_commands.Forget: privacy_handlers.forget},
    ),
    CommandSpec(
        "forget", privacy_commands.parse_forget, {privacy_commands.Forget: privacy_handlers.forget}
    ),
    CommandSpec(
        "help", parse_help, {help_commands.Help: show_help}, reads=_reads(help_commands.Help)
    ),
    CommandSpec(
        "gaps",
        insight_commands.parse_gaps,
        {insight_commands.ShowGaps: insight_handlers.gaps},
        reads=_reads(insight_commands.ShowGaps),
    ),
    CommandSpec(
        "roster",
        roster_commands.parse_roster,
        {roster_commands.ShowRoster: roster_seats.show_roster},
        aliases=("members",),
        reads=_reads(roster_commands.ShowRoster),
    ),
    CommandSpec(
        "admins",
        admin_commands.parse_admins,
        {admin_commands.ShowAdmins: admin_handlers.show_admins},
        reads=_reads(admin_commands.ShowAdmins),
    ),
    CommandSpec(
        "admin",
        admin_commands.parse_admin,
        {
            admin_commands.ShowAdmins: admin_handlers.show_admins,
            admin_commands.AddAdmin: admin_handlers.add_admin,
            admin_commands.RemoveAdmin: admin_handlers.remove_admin,
        },
        reads=_reads(admin_commands.ShowAdmins),
    ),
    CommandSpec(
        "seat",
        roster_commands.parse_seat,
        {roster_commands.AllowSeat: roster_seats.allow_seat},
        # beside the other seat settings an admin changes
        on_discord=("settings seat-allow",),
    ),
)


def _tables() -> tuple[dict[str, str], dict[str, CommandSpec], dict[type, Handler]]:
    names: dict[str, str] = {}
    by_name: dict[str, CommandSpec] = {}
    handlers: dict[type, Handler] = {}
    for spec in SPECS:
        by_name[spec.name] = spec
        for word in (spec.name, *spec.aliases):
            if word in names:
                raise ValueError(f"two commands are typed {word!r}")
            names[word] = spec.name
        for kind, handler in spec.handlers.items():
            if handlers.setdefault(kind, handler) is not handler:
                raise ValueError(f"{kind.__name__} has two handlers")
    return names, by_name, handlers


# the names people type → the canonical command (aliases forgive common variants)
COMMANDS, BY_NAME, HANDLERS = _tables()
# commands that only read: when one fails, the apology does not say "nothing was saved"
READ_ONLY: tuple[type, ...] = tuple({t: None for s in SPECS for t in s.reads})
# Slack's slash commands: the commands of their own, then the umbrella /rapport
SLASH_COMMANDS: tuple[str, ...] = (*(f"/{s.name}" for s in SPECS if s.own_slash), "/rapport")


def parse(line: str) -> Command:
    """Parse one typed line: `/referral @bob …` or the umbrella form `/rapport referral @bob …`."""
    text = line.strip()
    if text.startswith("/"):
        text = text[1:]
    head, _, rest = text.partition(" ")
    head = head.casefold()
    if head == "rapport":
        text = rest.strip()
        head, _, rest = text.partition(" ")
        head = head.casefold()
        if not head:
            return help_commands.Help()
    if not head:
        raise ParseError("help", f"Type a command, for example {slash('help')}.")
    name = COMMANDS.get(head)
    if name is None:
        close = difflib.get_close_matches(head, list(COMMANDS), n=1, cutoff=0.75)
        raise ParseError(
            "help",
            f"I don't know the command “{head[:40]}”.",
            unknown=head,
            suggestion=COMMANDS[close[0]] if close else None,
        )
    return BY_NAME[name].parse(rest.strip())
