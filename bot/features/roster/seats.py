"""Seats: one member per trade. "Solicitor" and "Lawyer" are one trade to the group's clients,
so a join is checked against the sphere catalogue (bot/spheres.py), not only against the
same wording: a classification in the same trade as a seated member's is held back, the
admins are told, and an admin allows it if the group wants both (`/rapport seat allow`).

Also the roster: who holds which seat, since when, who the admins are, and the open seats.
"""

from __future__ import annotations

from bot import group_messages, messages
from bot.admins import require
from bot.features.roster import messages as roster_messages
from bot.features.roster.commands import AllowSeat, ShowRoster
from bot.model import Group, Member, UserRef, seat_key
from bot.out import OutMessage
from bot.powerteams import catalogue
from bot.schedule import is_timezone
from bot.work import Refusal, Work

REQUEST_DAYS = 30  # an admin's allowance answers a request this recent; later, join again


async def near_match(
    w: Work, group: Group, classification: str, me: Member | None
) -> tuple[Member, str] | None:
    """A seated member whose classification is the same trade as `classification` (by the
    sphere catalogue), and that trade; None when the catalogue cannot place it."""
    path = w.settings.insight.spheres_file
    cat = catalogue(path)
    found = cat.match(classification)
    if found is None:
        return None
    trade = found[1]
    for m in await w.tx.members.of_group(group.id):
        if (me is not None and m.id == me.id) or not m.classification:
            continue
        theirs = cat.match(m.classification)
        if theirs is not None and theirs[1] == trade:
            return m, trade
    return None


async def hold_back(
    w: Work, group: Group, user: UserRef, classification: str, holder: Member, trade: str
) -> list[OutMessage]:
    """Remember the request, tell the admins, and tell the person why. Not a Refusal: the
    request and the admins' messages are kept; no seat is taken. Asking again for the same
    seat does not tell the admins twice."""
    before = await w.tx.seats.request(group.id, user.user_id)
    asked_again = (
        before is not None
        and seat_key(before.classification) == seat_key(classification)
        and before.at >= w.ts - REQUEST_DAYS * 86400
    )
    request = await w.tx.seats.add_request(group.id, user, classification, holder.id, w.ts)
    if asked_again:
        return [group_messages.near_match_refused(classification, holder, trade, user)]
    for admin in await w.tx.members.of_group(group.id):
        if admin.is_admin and admin.user.user_id != user.user_id:
            await w.dm(
                group,
                admin,
                group_messages.near_match_for_admins(
                    group, user, classification, holder, trade, request.id
                ),
            )
    return [group_messages.near_match_refused(classification, holder, trade, user)]


async def seat(
    w: Work, group: Group, user: UserRef, member: Member | None, classification: str, tz: str | None
) -> tuple[Member, str | None, bool]:
    """Give `user` the seat: a new member, a returning one, or one moving seats. Returns the
    member, the seat they moved from, and whether they became the group's admin (a group
    left with no admin gets the next member to take a seat as its admin)."""
    if member is None:
        member = await w.tx.members.add(group.id, user, is_admin=False, now=w.ts)
        if tz and is_timezone(tz):
            member = await w.tx.members.update(member.id, tz=tz)
    moved_from = member.classification if member.active else None
    has_admin = (member.active and member.is_admin) or any(
        m.is_admin for m in await w.tx.members.of_group(group.id) if m.id != member.id
    )
    member = await w.tx.members.update(
        member.id,
        classification=classification,
        seat_key=seat_key(classification),
        active=True,
        display_name=user.display_name,
        is_admin=member.is_admin or not has_admin,  # the first to take a seat runs the group
    )
    await w.tx.seats.drop_request(group.id, user.user_id)
    return member, moved_from, not has_admin


async def allow_seat(w: Work, cmd: AllowSeat) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group, me = await require(w, "allow a seat")
    user = cmd.member
    if (user.platform, user.workspace) != (group.platform, group.workspace):
        raise Refusal(messages.other_platform())
    request = await w.tx.seats.request(group.id, user.user_id)
    if request is None or request.at < w.ts - REQUEST_DAYS * 86400:
        return [group_messages.no_seat_to_allow(user)]
    member = await w.tx.members.get(group.id, user.user_id)
    key = seat_key(request.classification)
    holder = await w.tx.seats.holder(group.id, key)
    if holder is not None and (member is None or holder.id != member.id):
        raise Refusal(
            roster_messages.seat_taken(holder.classification or request.classification, holder)
        )
    member, moved_from, _ = await seat(w, group, request.user, member, request.classification, None)
    await w.post(group, roster_messages.joined_post(member, moved_from))
    await w.dm(group, member, group_messages.seat_allowed_dm(group, me.user, member))
    near = await w.tx.members.by_id(request.holder_id) if request.holder_id else None
    return [group_messages.seat_allowed(member, near)]


async def show_roster(w: Work, cmd: ShowRoster) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    members = await w.tx.members.of_group(group.id)
    # a listed seat is filled by its own wording or by a member in the same trade
    cat = catalogue(w.settings.insight.spheres_file)
    seated = [m.classification for m in members if m.classification]
    taken = {seat_key(c) for c in seated}
    trades = {found[1] for c in seated if (found := cat.match(c))}
    open_seats = [
        c
        for c in await w.tx.seats.wanted(group.id)
        if seat_key(c) not in taken and ((found := cat.match(c)) is None or found[1] not in trades)
    ]
    roles = await w.tx.roles.of_group(group.id)
    return [group_messages.roster(group, members, open_seats, roles)]
