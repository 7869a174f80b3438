"""Handlers for running the group: leaving, removing a member, the admin's settings, the
open seats the group wants to fill, and who the admins are (one admin makes another)."""

from __future__ import annotations

import dataclasses

from bot import admins, currencies, due, group_messages, messages
from bot.admins import admins_of, require
from bot.features.admin import messages as admin_messages
from bot.features.admin.commands import (
    AddAdmin,
    ChangeSetting,
    Leave,
    RemoveAdmin,
    RemoveMember,
    ShowAdmins,
    ShowSettings,
    WantSeat,
)
from bot.features.leadership import settings as leadership_settings
from bot.model import Group, Member, UserRef, seat_key
from bot.out import OutMessage
from bot.work import Refusal, Work


async def _admin(w: Work, what: str) -> tuple[Group, Member]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only(what))
    return group, me


async def _take_off_roster(w: Work, group: Group, member: Member) -> None:
    # an admin who leaves is not an admin when they come back
    await w.tx.members.update(member.id, active=False, seat_key=None, is_admin=False)
    await w.tx.seats.drop_request(group.id, member.user.user_id)
    # every referral they received: a won one may still have its thank-you reminder planned
    received = await w.tx.referrals.of_member(member.id, "received", 100_000)
    await due.member_left(w.tx, member, received, w.ts)


async def leave(w: Work, cmd: Leave) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    await admins.check_can_go(w, group, me, "/rapport leave")
    await _take_off_roster(w, group, me)
    await w.post(group, admin_messages.left_post(me, None))
    return [messages.left(group)]


async def remove(w: Work, cmd: RemoveMember) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group, me = await _admin(w, "remove a member")
    member = await w.member_of(group, cmd.member)
    if member.id == me.id:
        raise Refusal(messages.error("To leave yourself, use /rapport leave."))
    await _take_off_roster(w, group, member)
    await w.post(group, admin_messages.left_post(member, me.user))
    return [messages.removed(member)]


async def show_settings(w: Work, cmd: ShowSettings) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    stored = await w.tx.groups.settings(group.id)
    s = due.group_schedule(w.settings, stored)
    view = admin_messages.settings_view(
        group,
        s.evening_before,
        s.hours_before,
        s.recap_hours_after,
        s.accountability,
        await w.tx.seats.wanted(group.id),
    )
    return [dataclasses.replace(view, fields=view.fields + leadership_settings.fields(stored))]


async def change_setting(w: Work, cmd: ChangeSetting) -> list[OutMessage]:
    group, _ = await _admin(w, "change the group's settings")
    if cmd.key == "currency":
        assert cmd.value is not None
        return [await currencies.change_currency(w, group, cmd.value)]
    if cmd.key == "locale":
        return [await currencies.change_locale(w, group, cmd.value)]
    await w.tx.groups.set_setting(group.id, cmd.key, cmd.value)
    await due.replan_meetings(w.tx, w.settings, group, w.now)
    defaults = due.group_schedule(w.settings, {})
    default = {
        "reminder.evening": defaults.evening_before,
        "reminder.before": str(defaults.hours_before),
        "recap.after": str(defaults.recap_hours_after),
        "nudge.accountability": "on" if defaults.accountability else "off",
    }[cmd.key]
    return [admin_messages.setting_saved(admin_messages.setting_words(cmd.key, cmd.value, default))]


async def want_seat(w: Work, cmd: WantSeat) -> list[OutMessage]:
    group, _ = await _admin(w, "list the open seats")
    key = seat_key(cmd.classification)
    if cmd.wanted:
        changed = await w.tx.seats.add_wanted(group.id, key, cmd.classification)
    else:
        changed = await w.tx.seats.remove_wanted(group.id, key)
    return [admin_messages.seat_wanted(cmd.classification, cmd.wanted, changed)]


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
