"""Duty notices to a role's holders, which reach someone: the admins when no holder can be told."""

from __future__ import annotations

from bot.admins import admins_of
from bot.model import Group, Member
from bot.out import OutMessage
from bot.work import Work


async def tell_holders(
    w: Work, group: Group, holders: list[Member], message: OutMessage, about: Member
) -> list[Member]:
    """DM `message` to the holders (never to `about`, the member it concerns); when none of
    them could be told, to the admins instead. Who was told."""
    told = [m for m in holders if m.id != about.id and await w.dm(group, m, message)]
    if told:
        return told
    tried = {m.id for m in holders}
    for admin in await admins_of(w, group):
        if admin.id not in tried and admin.id != about.id and await w.dm(group, admin, message):
            told.append(admin)
    return told
