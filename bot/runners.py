"""Which code runs each kind of due work: one map from a row's kind to its runner, so a new
kind of scheduled work is a line here beside its planning in bot.due, not another branch in
the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import due, monthly, nudges, reminders, retention
from bot.features.keep_in_touch import handlers as keep_in_touch
from bot.features.presenters import due as presenter_dms
from bot.features.renewals import due as renewals
from bot.features.visitors import schedule as visitors
from bot.model import DueState, Group
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.work import Work

Runner = Callable[[Work, DueItem, Group], Awaitable[Outcome]]

RUNNERS: dict[str, Runner] = {
    **{kind: reminders.run for kind in (*due.MEETING_KINDS, due.REPLAN)},
    **{kind: monthly.run for kind in due.MONTHLY_KINDS},
    **{kind: nudges.run for kind in due.REFERRAL_KINDS},
    # the leadership team's week (issue 18): planned with the meeting's work, run apart
    due.PRESENTER_WEEK: presenter_dms.run,
    due.PRESENTER_EVE: presenter_dms.run,
    due.VISITORS_EXPECTED: visitors.run_expected,
    **{kind: visitors.run for kind in visitors.VISITOR_KINDS},
    renewals.RENEWAL_NOTICE: renewals.run,
    keep_in_touch.KIND: keep_in_touch.run,
    retention.RETENTION: retention.run,
}


async def _unknown(w: Work, item: DueItem, group: Group) -> Outcome:
    """A kind no runner knows (written by a newer version, say): closed, with a note why."""
    return Outcome(DueState.CANCELLED, f"unknown kind {item.kind}")


def runner_for(kind: str) -> Runner:
    return RUNNERS.get(kind, _unknown)
