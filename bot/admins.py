"""The group's admins. Any admin may do what only admins may; an admin makes another member
an admin, or takes it back.

A group with members always keeps an admin: the last admin hands over before they step down,
leave or are forgotten. Only when they are the last member too may they go; the group is
then empty, and the next member to take a seat becomes its admin (bot/seats.py).
"""

from __future__ import annotations

from bot import group_messages, messages
from bot.features.admin.commands import AddAdmin, RemoveAdmin, ShowAdmins
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
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


async def show_admins(w: Work, cmd: ShowAdmins) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    return [group_messages.admins_list(group, await admins_of(w, group))]


async def add_admin(w: Work, cmd: AddAdmin) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group, me = await require(w, "make someone an admin")
    target = await w.member_of(group, cmd.member)
    if target.is_admin:
        return [group_messages.already_admin(target.user)]
    await w.tx.members.update(target.id, is_admin=True)
    await w.post(group, group_messages.admin_added_post(me.user, target.user, group))
    return [group_messages.admin_added(target.user, await admins_of(w, group))]


async def remove_admin(w: Work, cmd: RemoveAdmin) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group, me = await require(w, "take someone off the admins")
    target = await w.member_of(group, cmd.member)
    if not target.is_admin:
        return [group_messages.not_an_admin(target.user)]
    if not [m for m in await admins_of(w, group) if m.id != target.id]:
        raise Refusal(group_messages.last_admin_stays(target.user, target.id == me.id))
    await w.tx.members.update(target.id, is_admin=False)
    await w.post(group, group_messages.admin_removed_post(me.user, target.user))
    return [
        group_messages.admin_removed(target.user, await admins_of(w, group), target.id == me.id)
    ]
