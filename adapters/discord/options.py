"""Typed options become the core's values with the grammar's own rules (clean, limits,
amounts), so a value is accepted on Discord exactly when it would be accepted typed."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date

from discord import app_commands

from bot.grammar import BUSINESS_WORDS, Amount, ParseError, clean, limit
from bot.messages import HEAT

HEAT_CHOICES = [app_commands.Choice(name=f"{n} – {HEAT[n]}", value=n) for n in range(1, 6)]
STATUS_CHOICES = [
    app_commands.Choice(name="contacted", value="contacted"),
    app_commands.Choice(name="meeting booked", value="meeting"),
    app_commands.Choice(name="won", value="won"),
    app_commands.Choice(name="no sale", value="lost"),
]
SNOOZE_CHOICES = [
    app_commands.Choice(name="1 hour", value="1h"),
    app_commands.Choice(name="1 day", value="1d"),
    app_commands.Choice(name="3 days", value="3d"),
    app_commands.Choice(name="1 week", value="1w"),
]
WHICH_CHOICES = [
    app_commands.Choice(name="all", value="all"),
    app_commands.Choice(name="given by me", value="given"),
    app_commands.Choice(name="received by me", value="received"),
    app_commands.Choice(name="waiting on me", value="open"),
]
RSVP_CHOICES = [
    app_commands.Choice(name="attending", value="attending"),
    app_commands.Choice(name="sending a substitute", value="substitute"),
    app_commands.Choice(name="can't make it", value="absent"),
]
ATTENDANCE_CHOICES = [
    app_commands.Choice(name=s, value=s)
    for s in ("present", "absent", "late", "medical", "substitute")
]
PERIOD_CHOICES = [app_commands.Choice(name=p, value=p) for p in ("week", "month", "quarter")]
WEEKDAY_CHOICES = [
    app_commands.Choice(name=d.capitalize(), value=d)
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
]

MAX_ID = 999_999_999_999  # the grammar's ids are at most twelve digits


class OptionProblem(Exception):
    """An option the core's grammar would refuse: `option` names it, `problem` says why."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")
        self.option = option
        self.problem = problem


def text(value: str | None, option: str, most: int, what: str, command: str) -> str | None:
    """Free text, cleaned as the grammar cleans it; None when empty."""
    if value is None:
        return None
    try:
        return limit(clean(value), most, what, command) or None
    except ParseError as e:
        raise OptionProblem(option, e.problem) from None


def amount(value: str | None) -> tuple[Amount | None, bool]:
    """An amount as typed (1500, R 1 500, £4,800 repeat) and whether it is repeat business:
    the core reads the amount in the group's currency, and answers a bad one echoing it as
    the member's own text."""
    words = clean(value or "").split()
    if len(words) > 1 and words[-1].casefold() in BUSINESS_WORDS:
        return Amount(" ".join(words[:-1])), BUSINESS_WORDS[words[-1].casefold()]
    return (Amount(" ".join(words)) if words else None), False


def word(value: str | None, option: str, example: str) -> str | None:
    """An option the typed line takes as one word (a time, a zone, a date)."""
    if value is None:
        return None
    v = value.strip()
    if len(v.split()) != 1 or v.startswith(("--", "—", "–")):
        raise OptionProblem(option, f"write it as one word, like {example}.")
    return v


def day(value: str | None, option: str, today: date | None = None) -> date | None:
    """A date written YYYY-MM-DD. `today` (the interaction's) words the example: a date
    written here would soon be in the past."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        like = f", like {today.isoformat()}" if today else ""
        raise OptionProblem(option, f"write the date as YYYY-MM-DD{like}.") from None


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z))


async def timezones(_interaction: object, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for Area/City zones: what was typed, anywhere in the name."""
    typed = current.strip().casefold().replace(" ", "_")
    hits = [z for z in _zones() if typed in z.casefold()][:25]
    return [app_commands.Choice(name=z, value=z) for z in hits]
