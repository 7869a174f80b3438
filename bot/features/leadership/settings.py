"""The leadership's group settings: the absence rule and who sees each member's closed
business in the PALMS report. Stored as the group's settings (key → text), like the rest."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.features.admin.commands import COUNTABLE
from bot.features.leadership import messages as wording
from bot.out import Field
from bot.text import lit

COUNT, MONTHS, STATES = "absence.count", "absence.months", "absence.states"
AMOUNTS = "amounts.leadership"
# the records a rule may count (COUNTABLE) are the settings grammar's, in the admin slice


@dataclass(frozen=True)
class AbsenceRule:
    """`count` absences in a rolling `months` reach the limit (the VP is told); the one
    before it sets off a friendly DM. Medical and substitutes don't count by default."""

    count: int = 3
    months: int = 6
    states: tuple[str, ...] = ("absent",)


def absence_rule(stored: dict[str, str]) -> AbsenceRule:
    rule = AbsenceRule()
    if stored.get(COUNT, "").isdigit():
        rule = replace(rule, count=int(stored[COUNT]))
    if stored.get(MONTHS, "").isdigit():
        rule = replace(rule, months=int(stored[MONTHS]))
    if stored.get(STATES):
        rule = replace(rule, states=tuple(s for s in COUNTABLE if s in stored[STATES].split(",")))
    return rule


def amounts_to_leadership(stored: dict[str, str]) -> bool:
    return stored.get(AMOUNTS) == "on"


def fields(stored: dict[str, str]) -> tuple[Field, ...]:
    """The settings view's lines for these settings."""
    return (
        Field("Absence rule", lit(wording.absence_rule_words(absence_rule(stored)))),
        Field(
            "Closed business per member",
            lit(
                "the leadership sees it in /rapport palms"
                if amounts_to_leadership(stored)
                else "private to each member (the leadership sees totals)"
            ),
        ),
    )
