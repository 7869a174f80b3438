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
    admin,
    admins,
    attendance,
    corrections,
    insight,
    members_data,
    messages,
    powerteams,
    referrals,
    roster,
    seats,
)
from bot import commands as c
from bot.commands import Command, ParseError, clean
from bot.features.calendar import handlers as calendar
from bot.features.calendar.commands import MeetingCalendar, MeetingFeed
from bot.features.cards import handlers as cards
from bot.features.cards import parsing as card_parsing
from bot.features.cards.commands import (
    AllCards,
    SetCardPhone,
    SetCardWebsite,
    ShareCardEmail,
    ShowCard,
)
from bot.features.keep_in_touch import handlers as keep_in_touch
from bot.features.keep_in_touch.commands import (
    AddKeepInTouch,
    DoneKeepInTouch,
    ListKeepInTouch,
    RemoveKeepInTouch,
)
from bot.features.keep_in_touch.parsing import parse_keep_in_touch
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


async def show_help(w: Work, cmd: c.Help) -> list[OutMessage]:
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
    return c.Help(COMMANDS.get(topic, topic) or None)


def _reads(*types: type) -> frozenset[type]:
    return frozenset(types)


# in the order /rapport help lists them
SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("setup", c.parse_setup, {c.Setup: roster.setup}),
    CommandSpec("join", c.parse_join, {c.Join: roster.join}),
    CommandSpec(
        "profile",
        card_parsing.parse_profile_with_card,
        {
            c.ShowProfile: roster.show_profile,
            c.SetAsk: roster.set_ask,
            c.SetEmail: roster.set_email,
            c.SetTimeZone: roster.set_tz,
            c.SetQuietHours: roster.set_quiet,
            c.SetDirectMessages: roster.set_dm,
            c.SetSuggestions: roster.set_suggestions,
            SetCardPhone: cards.set_phone,
            SetCardWebsite: cards.set_website,
            ShareCardEmail: cards.share_email,
        },
        reads=_reads(c.ShowProfile),
    ),
    CommandSpec(
        "referral",
        c.parse_referral,
        {c.LogReferral: referrals.log_referral},
        aliases=("refer",),
        own_slash=True,
    ),
    CommandSpec("lead", c.parse_lead, {c.LogLead: referrals.log_lead}, own_slash=True),
    CommandSpec(
        "referrals",
        c.parse_referrals,
        {
            c.ListReferrals: referrals.list_referrals,
            c.UpdateReferral: referrals.update_referral,
            c.SnoozeReferral: referrals.snooze,
            c.CorrectAmount: corrections.correct_amount,
            c.ShowBusiness: corrections.show_business,
            c.EditReferral: corrections.edit,
            c.WithdrawReferral: corrections.withdraw,
        },
        reads=_reads(c.ListReferrals, c.ShowBusiness),
        own_slash=True,
    ),
    CommandSpec(
        "thanks", c.parse_thanks, {c.Thank: referrals.thank}, aliases=("thank",), own_slash=True
    ),
    CommandSpec(
        "onetoone",
        c.parse_onetoone,
        {c.LogOneToOne: roster.log_one_to_one},
        aliases=("121", "1-2-1"),
        own_slash=True,
    ),
    CommandSpec(
        "meeting",
        c.parse_meeting,
        {
            c.ShowMeeting: roster.show_meeting,
            c.SetMeeting: roster.set_meeting,
            c.SkipMeeting: roster.skip_meeting,
            MeetingCalendar: calendar.meeting_ics,
            MeetingFeed: calendar.meeting_feed,
        },
        reads=_reads(c.ShowMeeting, MeetingCalendar),
    ),
    CommandSpec(
        "stats", c.parse_stats, {c.ShowStats: roster.show_stats}, reads=_reads(c.ShowStats)
    ),
    CommandSpec("leave", c.parse_leave, {c.Leave: admin.leave}),
    CommandSpec("remove", c.parse_remove, {c.RemoveMember: admin.remove}),
    CommandSpec(
        "settings",
        c.parse_settings,
        {
            c.ShowSettings: admin.show_settings,
            c.ChangeSetting: admin.change_setting,
            c.WantSeat: admin.want_seat,
        },
        reads=_reads(c.ShowSettings),
    ),
    CommandSpec(
        "leaderboard",
        c.parse_leaderboard,
        {c.ShowLeaderboard: insight.leaderboard},
        reads=_reads(c.ShowLeaderboard),
    ),
    CommandSpec(
        "lights",
        c.parse_lights,
        {c.ShowLights: insight.lights},
        aliases=("light",),
        reads=_reads(c.ShowLights),
    ),
    CommandSpec("rsvp", c.parse_rsvp, {c.Rsvp: attendance.rsvp}),
    CommandSpec(
        "attendance",
        c.parse_attendance,
        {
            c.ShowAttendance: attendance.show_attendance,
            c.MarkAttendance: attendance.mark_attendance,
        },
        reads=_reads(c.ShowAttendance),
    ),
    CommandSpec("visitor", c.parse_visitor, {c.RecordVisitor: attendance.record_visitor}),
    CommandSpec("export", c.parse_export, {c.Export: members_data.export}, reads=_reads(c.Export)),
    CommandSpec(
        "my-data",
        c.parse_my_data,
        {c.MyData: members_data.my_data},
        aliases=("mydata",),
        reads=_reads(c.MyData),
    ),
    CommandSpec("forget-me", c.parse_forget_me, {c.Forget: members_data.forget}),
    CommandSpec("forget", c.parse_forget, {c.Forget: members_data.forget}),
    CommandSpec("help", parse_help, {c.Help: show_help}, reads=_reads(c.Help)),
    CommandSpec("gaps", c.parse_gaps, {c.ShowGaps: powerteams.gaps}, reads=_reads(c.ShowGaps)),
    CommandSpec(
        "roster",
        c.parse_roster,
        {c.ShowRoster: seats.show_roster},
        aliases=("members",),
        reads=_reads(c.ShowRoster),
    ),
    CommandSpec(
        "admins", c.parse_admins, {c.ShowAdmins: admins.show_admins}, reads=_reads(c.ShowAdmins)
    ),
    CommandSpec(
        "admin",
        c.parse_admin,
        {
            c.ShowAdmins: admins.show_admins,
            c.AddAdmin: admins.add_admin,
            c.RemoveAdmin: admins.remove_admin,
        },
        reads=_reads(c.ShowAdmins),
    ),
    CommandSpec(
        "card",
        card_parsing.parse_card,
        {ShowCard: cards.show_card},
        reads=_reads(ShowCard),
        on_discord=("card show",),
    ),
    CommandSpec(
        "cards",
        card_parsing.parse_cards,
        {AllCards: cards.all_cards},
        reads=_reads(AllCards),
        on_discord=("card all",),
    ),
    CommandSpec(
        "keep-in-touch",
        parse_keep_in_touch,
        {
            ListKeepInTouch: keep_in_touch.show,
            AddKeepInTouch: keep_in_touch.add,
            RemoveKeepInTouch: keep_in_touch.remove,
            DoneKeepInTouch: keep_in_touch.done,
        },
        aliases=("keepintouch", "keep"),
        reads=_reads(ListKeepInTouch),
        on_discord=("keep-in-touch list",),
    ),
    CommandSpec(
        "seat",
        c.parse_seat,
        {c.AllowSeat: seats.allow_seat},
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
            return c.Help()
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
