"""Every Command the core handles: the union of each feature slice's commands.

A typed line becomes a Command dataclass, or a ParseError (bot/grammar.py); each slice's
`commands.py` holds its Command types and its parsers, and bot/registry.py routes a line
(`registry.parse`) to its parser. Mentions stay as raw tokens (`MentionToken`) in the
slices' parsers; the adapter that received the line resolves them to platform users.
Discord builds the same dataclasses from typed options, with `UserRef`s instead of tokens.
"""

from __future__ import annotations

from bot.features.admin.commands import AdminCommand
from bot.features.attendance.commands import AttendanceCommand
from bot.features.help.commands import HelpCommand
from bot.features.home.commands import HomeCommand
from bot.features.insight.commands import InsightCommand
from bot.features.leadership.commands import LeadershipCommand
from bot.features.meetings.commands import MeetingCommand
from bot.features.privacy.commands import PrivacyCommand
from bot.features.referrals.commands import ReferralCommand
from bot.features.roster.commands import RosterCommand

Command = (
    RosterCommand
    | ReferralCommand
    | MeetingCommand
    | InsightCommand
    | AdminCommand
    | AttendanceCommand
    | PrivacyCommand
    | HelpCommand
    | HomeCommand
    | LeadershipCommand
)
