"""The admin's settings for the leadership: the absence rule and who sees each member's closed
business in the PALMS report (what they mean: bot/features/leadership/settings.py)."""

from __future__ import annotations

from bot.admins import require as require_admin
from bot.features.admin.commands import SetAbsenceRule, SetAmountsShown
from bot.features.leadership import messages as wording
from bot.features.leadership.settings import AMOUNTS, COUNT, MONTHS, STATES, absence_rule
from bot.out import OutMessage
from bot.work import Work


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
