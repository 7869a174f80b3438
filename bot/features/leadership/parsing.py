"""The leadership commands' grammar: `role`, `sub` and `palms` lines → their Commands."""

from __future__ import annotations

from datetime import date

from bot import contacts
from bot.commands import (
    MAX_NAME,
    Command,
    ParseError,
    clean,
    is_number,
    limit,
    take_mention,
)
from bot.features.leadership.commands import (
    RegisterSub,
    SetAbsenceRule,
    SetAmountsShown,
    SetRole,
    ShowPalms,
    ShowRoles,
)
from bot.features.leadership.roles import ROLE_WORDS
from bot.features.leadership.settings import COUNTABLE
from bot.messages import DAY_SOON, TODAY, YEAR_START, slash

NO_ROLE = ("none", "off", "remove", "no-role")
ABSENCE_WORDS = {"absent": "absent", "late": "late", "medical": "medical", "excused": "medical"}
ABSENCE_WORDS |= {"substitute": "substitute", "sub": "substitute", "substitutes": "substitute"}


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


def parse_sub(rest: str) -> Command:
    words = clean(rest).split()
    day = None
    if words and words[0][:1].isdigit():
        day = _date(words[0], "sub")
        words = words[1:]
    email = None
    if words and "@" in words[-1]:
        try:
            email = contacts.email(words[-1])
        except contacts.ContactProblem:
            raise ParseError(
                "sub",
                f"“{words[-1][:60]}” is not an email address I can use; write it like"
                " sam@example.com, or leave it out.",
            ) from None
        words = words[:-1]
    name = " ".join(words).strip("\"“”'")
    if not name:
        raise ParseError(
            "sub", f"Give your substitute's name, e.g. {slash('sub')} {DAY_SOON} Sam Jones."
        )
    return RegisterSub(day, limit(name, MAX_NAME, "The substitute's name", "sub"), email)


def parse_palms(rest: str) -> Command:
    words = [w for w in clean(rest).split() if w.casefold() not in ("from", "to")]
    if len(words) > 2:
        raise ParseError(
            "palms", f"Give at most two dates, e.g. {slash('palms')} {YEAR_START} {TODAY}."
        )
    days = [_date(w, "palms") for w in words]
    since = days[0] if days else None
    until = days[1] if len(days) == 2 else None
    if since and until and until < since:
        raise ParseError("palms", "The second date comes before the first.")
    return ShowPalms(since, until)


def parse_setting(sub: str, args: list[str]) -> Command:
    """`settings absences …` and `settings amounts …` (bot.commands.parse_settings hands
    these two over)."""
    words = [a.casefold() for a in args]
    if sub == "amounts":
        if words in (["leadership"], ["private"]):
            return SetAmountsShown(words == ["leadership"])
        raise ParseError(
            "settings",
            "Write settings amounts leadership (the leadership sees each member's closed"
            " business in /rapport palms) or settings amounts private.",
        )
    if words == ["default"]:
        return SetAbsenceRule(default=True)
    if words and words[0] in ("counting", "count"):
        states = {ABSENCE_WORDS.get(w) for w in words[1:]}
        if not words[1:] or None in states:
            raise ParseError(
                "settings",
                "Name the records that count as absences: absent, late, medical, substitute,"
                " e.g. settings absences counting absent late.",
            )
        return SetAbsenceRule(states=tuple(s for s in COUNTABLE if s in states | {"absent"}))
    if words[-1:] == ["months"] or words[-1:] == ["month"]:
        words = words[:-1]
    if len(words) == 3 and words[1] == "in" and all(is_number(w) for w in (words[0], words[2])):
        count, months = int(words[0]), int(words[2])
        if 1 <= count <= 52 and 1 <= months <= 24:
            return SetAbsenceRule(count=count, months=months)
        raise ParseError(
            "settings", "Give 1 to 52 absences in 1 to 24 months, e.g. settings absences 3 in 6."
        )
    raise ParseError(
        "settings",
        "Write settings absences <count> in <months> (e.g. settings absences 3 in 6),"
        " settings absences counting absent [late] [medical] [substitute], or settings"
        " absences default.",
    )
