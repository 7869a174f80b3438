"""What Rapport says about the leadership team: roles, substitutes, absences and PALMS.

The same helpers and style as bot/messages.py; the usage lines of `role`, `sub` and `palms`
join its catalogue (`messages.USAGE`) from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.messages import error, notice, reply
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
from bot.text import Rich, fmt, join, lit, named

if TYPE_CHECKING:
    from bot.features.leadership.roles import Role

USAGE: dict[str, tuple[str, str, str]] = {
    "role": (
        "role\nrole @member president|vp|secretary|visitor-host|membership|mentor\n"
        "role @member none",
        "role @bob vp",
        "the leadership team; an admin gives a member a role (none takes their roles away)",
    ),
}

ROLE_LABEL: dict[str, str] = {
    "president": "president",
    "vp": "vice president",
    "secretary": "secretary-treasurer",
    "visitor-host": "visitor host",
    "membership": "membership committee",
    "mentor": "mentor",
}
# what the bot asks of each role, said when it is given
ROLE_DUTY: dict[str, str] = {
    "president": "runs the meeting and may run /rapport palms",
    "vp": "hears privately when a member reaches the absence limit, and runs /rapport palms",
    "secretary": "keeps the numbers and may run /rapport palms",
    "visitor-host": "hears who comes as a substitute or a visitor",
    "membership": "looks after members' standing and renewals",
    "mentor": "helps new members find their feet",
}


def role_label(role: str) -> str:
    return ROLE_LABEL.get(role, role)


def _roles(roles: list[Role]) -> str:
    return ", ".join(role_label(r) for r in roles)


def _members(members: list[Member]) -> Rich:
    return join([fmt("{u}", u=named(m.user)) for m in members])


def leadership_only(what: str) -> OutMessage:
    return error(
        f"Only the leadership team can {what}: the admins, the president, the vice president"
        " and the secretary-treasurer (/rapport role shows who they are)."
    )


def roles_list(group: Group, team: dict[Role, list[Member]], admins: list[Member]) -> OutMessage:
    lines = [fmt("{g}'s leadership team:", g=group.name)]
    for role, members in team.items():
        who = _members(members) if members else lit("nobody yet (the admins are asked)")
        lines.append(lit(f"• {role_label(role)}: ") + who)
    lines.append(lit("Admins: ") + (_members(admins) or lit("none")))
    lines.append(lit("An admin gives a role with /rapport role @member vp."))
    return reply(join(lines, "\n"), "roles")


def role_given(user: UserRef, role: Role, before: list[Member], now: list[Role]) -> OutMessage:
    text = fmt("{u} is now the group's ", u=named(user)) + lit(
        f"{role_label(role)}: Rapport {ROLE_DUTY.get(role, 'asks them')}."
    )
    if before:
        text = text + lit(" ") + _members(before) + lit(f" no longer is {role_label(role)}.")
    if len(now) > 1:
        text = text + lit(f" Their roles: {_roles(now)}.")
    return reply(text, "role.given")


def role_given_post(by: UserRef, user: UserRef, role: Role, before: list[Member]) -> OutMessage:
    text = fmt("{a} made {u} the group's ", a=named(by), u=user) + lit(f"{role_label(role)}.")
    if before:
        text = text + lit(" Thank you, ") + _members(before) + lit(", for serving.")
    return notice(text, "role.post")


def already_holds(user: UserRef, role: Role) -> OutMessage:
    return reply(
        fmt("{u} is already ", u=named(user)) + lit(f"{role_label(role)}; nothing changed."),
        "role.same",
    )


def no_role_to_take(user: UserRef) -> OutMessage:
    return reply(fmt("{u} holds no role; nothing changed.", u=named(user)), "role.same")


def roles_taken(user: UserRef, taken: list[Role]) -> OutMessage:
    return reply(
        fmt("{u} no longer holds a role (was ", u=named(user)) + lit(f"{_roles(taken)})."),
        "role.taken",
    )


def roles_taken_post(by: UserRef, user: UserRef, taken: list[Role]) -> OutMessage:
    return notice(
        fmt("{a} took {u} off the leadership team (", a=named(by), u=named(user))
        + lit(f"{_roles(taken)}). Thank you for serving."),
        "role.post",
    )
