"""The leadership's group settings: the absence rule and who sees each member's closed
business in the PALMS report. Stored as the group's settings (key → text), like the rest."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.admins import require as require_admin
from bot.features.leadership import wording
from bot.features.leadership.commands import SetAbsenceRule, SetAmountsShown
from bot.out import Field, OutMessage
from bot.text import lit
from bot.work import Work

COUNT, MONTHS, STATES = "absence.count", "absence.months", "absence.states"
AMOUNTS = "amounts.leadership"
# the record states an absence rule may count; absent always counts
COUNTABLE = ("absent", "late", "medical", "substitute")


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


async def set_absence_rule(w: Work, cmd: SetAbsenceRule) -> list[OutMessage]:
    group, _ = await require_admin(w, "change the group's settings")
    if cmd.default:
        for key in (COUNT, MONTHS, STATES):
            await w.tx.groups.set_setting(group.id, key, None)
    if cmd.count is not None:
        await w.tx.groups.set_setting(group.id, COUNT, str(cmd.count))
    if cmd.months is not None:
        await w.tx.groups.set_setting(group.id, MONTHS, str(cmd.months))
    if cmd.states is not None:
        await w.tx.groups.set_setting(group.id, STATES, ",".join(cmd.states))
    rule = absence_rule(await w.tx.groups.settings(group.id))
    return [wording.absence_rule_saved(rule, cmd.default)]


async def set_amounts_shown(w: Work, cmd: SetAmountsShown) -> list[OutMessage]:
    group, _ = await require_admin(w, "change the group's settings")
    await w.tx.groups.set_setting(group.id, AMOUNTS, "on" if cmd.leadership else None)
    return [wording.amounts_shown_saved(cmd.leadership)]
