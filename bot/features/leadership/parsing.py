"""The leadership commands' grammar: `role`, `sub` and `palms` lines → their Commands."""

from __future__ import annotations

from datetime import date

from bot.commands import (
    Command,
    ParseError,
    clean,
    take_mention,
)
from bot.features.leadership.commands import SetRole, ShowRoles
from bot.features.leadership.roles import ROLE_WORDS
from bot.messages import slash

NO_ROLE = ("none", "off", "remove", "no-role")


def _date(word: str, command: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ParseError(command, f"“{word[:20]}” is not a date; write it as YYYY-MM-DD.") from None


def parse_role(rest: str) -> Command:
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
    role = ROLE_WORDS.get(word)
    if role is None:
        raise ParseError(
            "role",
            f"I don't know the role “{word[:30]}”. Roles: president, vp, secretary,"
            " visitor-host, membership, mentor (or none).",
        )
    return SetRole(member, role)
