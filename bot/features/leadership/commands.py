"""The leadership commands as Commands: roles, substitutes and the PALMS report.

The dataclasses, and the grammar that makes them (`parse_role`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.grammar import ParseError, Who, clean, take_mention
from bot.messages import slash


@dataclass(frozen=True)
class SetRole:
    """An admin gives a member a role, or (`role` None) takes every role they hold."""

    member: Who
    role: str | None


@dataclass(frozen=True)
class ShowRoles:
    """The leadership team: who holds each role."""


@dataclass(frozen=True)
class RegisterSub:
    """A member names who comes to a meeting in their place; the email is optional."""

    day: date | None
    name: str
    email: str | None = None


@dataclass(frozen=True)
class ShowPalms:
    """The PALMS report for the leadership, over a span of meetings (default: the last
    meeting's week … see handlers)."""

    since: date | None = None
    until: date | None = None


LeadershipCommand = SetRole | ShowRoles


# --- the grammar
NO_ROLE = ("none", "off", "remove", "no-role")


def parse_role(rest: str) -> LeadershipCommand:
    text = clean(rest)
    if not text or text.casefold() in ("list", "show"):
        return ShowRoles()
    member, after = take_mention(text)
    word = clean(after).casefold()
    if member is None or not word or " " in word:
        raise ParseError(
            "role",
            f"Name the member and the role, e.g. {slash('role')} @bob vp"
            f" (or {slash('role')} @bob none to take it away).",
        )
    if word in NO_ROLE:
        return SetRole(member, None)
    from bot.features.leadership.roles import ROLE_WORDS  # (roles.py imports this module)

    role = ROLE_WORDS.get(word)
    if role is None:
        raise ParseError(
            "role",
            f"I don't know the role “{word[:30]}”. Roles: president, vp, secretary,"
            " visitor-host, membership, mentor (or none).",
        )
    return SetRole(member, role)
