"""The leadership team's roles: who is president, vice president, secretary-treasurer, visitor
host, on the membership committee or a mentor, and so whom the bot asks for what.

A role is what the bot asks of its holder; admins stay admins. When nobody holds a role, the
group's admins are asked instead ("the VP, or the admins, is told"). President, vice
president and secretary-treasurer are one member each: giving the role to another moves it.
"""

from __future__ import annotations

from enum import StrEnum

from bot.admins import admins_of
from bot.admins import require as require_admin
from bot.features.leadership import messages as wording
from bot.features.leadership.commands import SetRole, ShowRoles
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
from bot.work import Refusal, Work


class Role(StrEnum):
    PRESIDENT = "president"
    VP = "vp"
    SECRETARY = "secretary"
    VISITOR_HOST = "visitor-host"
    MEMBERSHIP = "membership"
    MENTOR = "mentor"


# one holder at a time; the others may have several (a membership committee, mentors)
SINGLE = frozenset({Role.PRESIDENT, Role.VP, Role.SECRETARY})
# the leadership team, besides the admins: who may run the leadership's commands
LEADERSHIP = frozenset({Role.PRESIDENT, Role.VP, Role.SECRETARY})


def _known(names: list[str]) -> list[Role]:
    """The roles named, in the roles' own order (president first)."""
    return [r for r in Role if r.value in names]


async def holders(w: Work, group: Group, role: Role) -> list[Member]:
    """The members holding `role`, or, when nobody does, the group's admins."""
    ids = await w.tx.roles.holders(group.id, role.value)
    if ids:
        by_id = {m.id: m for m in await w.tx.members.of_group(group.id)}
        found = [by_id[i] for i in ids if i in by_id]
        if found:
            return found
    return await admins_of(w, group)


async def roles_of(w: Work, group: Group, member: Member) -> list[Role]:
    return _known((await w.tx.roles.of_group(group.id)).get(member.id, []))


async def is_leadership(w: Work, group: Group, member: Member) -> bool:
    """Admins, and the president, vice president and secretary-treasurer."""
    if member.is_admin:
        return True
    return any(r in LEADERSHIP for r in await roles_of(w, group, member))


async def require_leadership(w: Work, what: str) -> tuple[Group, Member]:
    """The group and the caller, who must be on its leadership team."""
    group = await w.group()
    me = await w.actor(group)
    if not await is_leadership(w, group, me):
        raise Refusal(wording.leadership_only(what))
    return group, me


async def team(w: Work, group: Group) -> dict[Role, list[Member]]:
    """Every role with its holders (none: an empty list), in the roles' order."""
    held = await w.tx.roles.of_group(group.id)
    members = {m.id: m for m in await w.tx.members.of_group(group.id)}
    out: dict[Role, list[Member]] = {r: [] for r in Role}
    for member_id, names in held.items():
        if member_id in members:
            for r in _known(names):
                out[r].append(members[member_id])
    return out


async def show_roles(w: Work, cmd: ShowRoles) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    return [wording.roles_list(group, await team(w, group), await admins_of(w, group))]


async def set_role(w: Work, cmd: SetRole) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group, me = await require_admin(w, "give members their roles")
    target = await w.member_of(group, cmd.member)
    if cmd.role is None:
        taken = _known(await w.tx.roles.take(group.id, target.id))
        if not taken:
            return [wording.no_role_to_take(target.user)]
        await w.post(group, wording.roles_taken_post(me.user, target.user, taken))
        return [wording.roles_taken(target.user, taken)]
    role = Role(cmd.role)
    if role in await roles_of(w, group, target):
        return [wording.already_holds(target.user, role)]
    before: list[Member] = []
    if role in SINGLE:
        for holder_id in await w.tx.roles.holders(group.id, role.value):
            holder = await w.tx.members.by_id(holder_id)
            await w.tx.roles.take(group.id, holder_id, role.value)
            if holder is not None:
                before.append(holder)
    await w.tx.roles.give(group.id, target.id, role.value, w.ts)
    await w.post(group, wording.role_given_post(me.user, target.user, role, before))
    return [wording.role_given(target.user, role, before, await roles_of(w, group, target))]
