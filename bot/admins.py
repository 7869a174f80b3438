"""The group's admins, as every slice checks them: any admin may do what only admins may, and
a group with members always keeps one (the commands that change who is an admin are in
bot/features/admin).

A group with members always keeps an admin: the last admin hands over before they step down,
leave or are forgotten. Only when they are the last member too may they go; the group is
then empty, and the next member to take a seat becomes its admin (bot/features/roster/seats.py).
"""

from __future__ import annotations

from bot import messages
from bot.model import Group, Member
from bot.work import Refusal, Work


async def require(w: Work, what: str) -> tuple[Group, Member]:
    """The group and the caller, who must be one of its admins."""
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only(what))
    return group, me


async def admins_of(w: Work, group: Group) -> list[Member]:
    return [m for m in await w.tx.members.of_group(group.id) if m.is_admin]


async def check_can_go(w: Work, group: Group, member: Member, then: str) -> None:
    """Refuse to let the last admin leave (or be forgotten) while others remain; `then` is
    the command they run once they have handed over."""
    if not member.is_admin:
        return
    others = [m for m in await w.tx.members.of_group(group.id) if m.id != member.id]
    if others and not [m for m in others if m.is_admin]:
        raise Refusal(messages.admin_cannot_leave(then))
