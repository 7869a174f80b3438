"""Every command Rapport knows, in one list, collected from the feature slices.

Each slice (bot/features/<area>/specs.py) lists its commands as `CommandSpec`s: the name as
people type it (`/rapport <name>` or an alias), the parser that turns the rest of the line into
a Command, and the handler of each Command type that parser makes. From these comes `SPECS`, in
the order /rapport help lists them, and from it the text grammar's tables (`parse`), the
handler map the core dispatches on (`HANDLERS`), which commands only read (`READ_ONLY`),
`/rapport help` and the slash commands Slack registers besides `/rapport`. A command's usage
line and example live in its slice's wording catalogue (`USAGE` in its messages.py); a test
checks every spec has them, a handler for every type, and a Discord registration.
"""

from __future__ import annotations

import difflib

from bot.command_spec import CommandSpec, Handler
from bot.commands import Command
from bot.features.admin.specs import SPECS as ADMIN
from bot.features.attendance.specs import SPECS as ATTENDANCE
from bot.features.help.commands import Help
from bot.features.help.specs import SPECS as HELP
from bot.features.home.specs import SPECS as HOME
from bot.features.insight.specs import SPECS as INSIGHT
from bot.features.leadership.specs import SPECS as LEADERSHIP
from bot.features.meetings.specs import SPECS as MEETINGS
from bot.features.privacy.specs import SPECS as PRIVACY
from bot.features.referrals.specs import SPECS as REFERRALS
from bot.features.roster.specs import SPECS as ROSTER
from bot.grammar import ParseError
from bot.messages import slash

# the order /rapport help lists them in; a command not named here follows these
HELP_ORDER = (
    "setup",
    "join",
    "profile",
    "referral",
    "lead",
    "referrals",
    "thanks",
    "onetoone",
    "meeting",
    "stats",
    "me",
    "leave",
    "remove",
    "settings",
    "leaderboard",
    "lights",
    "rsvp",
    "attendance",
    "visitor",
    "export",
    "my-data",
    "forget-me",
    "forget",
    "help",
    "gaps",
    "roster",
    "admins",
    "admin",
    "seat",
)


def _in_help_order(*slices: tuple[CommandSpec, ...]) -> tuple[CommandSpec, ...]:
    specs = [s for one in slices for s in one]
    place = {name: i for i, name in enumerate(HELP_ORDER)}
    return tuple(sorted(specs, key=lambda s: place.get(s.name, len(place))))


# every command, from the slices, in the order /rapport help lists them
SPECS: tuple[CommandSpec, ...] = _in_help_order(
    ROSTER, REFERRALS, MEETINGS, INSIGHT, ADMIN, ATTENDANCE, PRIVACY, HELP, HOME, LEADERSHIP
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
            return Help()
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
