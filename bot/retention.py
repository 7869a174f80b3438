"""Prospects' contact details erased once the retention period after their referral closed has
passed (`privacy.retention_days`): due work, one row a group a day, so exactly one worker does
it however many processes share the database, and a restart catches up a day it missed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.model import DueState, Group
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.stores import UnitOfWork
from bot.work import Work

RETENTION = "privacy.retention"
DAILY_AT = time(3, 0)  # UTC: a quiet hour for most groups' databases


def next_run(after: datetime) -> datetime:
    """The first 03:00 UTC strictly after `after`."""
    day = after.astimezone(UTC).date()
    at = datetime.combine(day, DAILY_AT, UTC)
    return at if at > after else at + timedelta(days=1)


async def plan(tx: UnitOfWork, group: Group, after: datetime) -> None:
    """Plan the group's next sweep, keyed by its UTC date (planning it twice is one row)."""
    at = next_run(after)
    await tx.due.add(group.id, RETENTION, 0, f"{at:%Y-%m-%d}", int(at.timestamp()))


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    """Erase the contact details of the group's referrals closed before the period, and plan
    tomorrow's sweep in the same transaction."""
    before = w.ts - w.settings.privacy.retention_days * 86400
    erased = await w.tx.privacy.erase_closed_contacts(before, group.id)
    await plan(w.tx, group, w.now)
    return Outcome(DueState.DONE, f"erased {erased}" if erased else None)
