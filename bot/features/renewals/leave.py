"""Who is on leave: a member on leave is not counted absent, gets no accountability nudges and
is given no presenter slot. Other features ask here."""

from __future__ import annotations

from datetime import date

from bot.stores import UnitOfWork


async def on_leave(tx: UnitOfWork, group_id: int, day: date | str) -> set[int]:
    """The ids of the group's members on leave on local date `day`."""
    key = day if isinstance(day, str) else day.isoformat()
    return {m for m, t in (await tx.terms.of_group(group_id)).items() if t.on_leave(key)}


async def is_on_leave(tx: UnitOfWork, member_id: int, day: date | str) -> bool:
    key = day if isinstance(day, str) else day.isoformat()
    terms = await tx.terms.get(member_id)
    return terms is not None and terms.on_leave(key)
