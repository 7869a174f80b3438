"""Handlers for the group itself: setup, joining a seat, profiles, 1-2-1s."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import timedelta

from bot import currencies, currency_words, due, group_messages, messages, retention
from bot.features.roster import messages as roster_messages
from bot.features.roster import seats as roster_seats
from bot.features.roster.commands import (
    Join,
    LogOneToOne,
    SetAsk,
    SetDirectMessages,
    SetEmail,
    SetQuietHours,
    SetSuggestions,
    SetTimeZone,
    Setup,
    ShowProfile,
)
from bot.model import Group, Member, UserRef, seat_key
from bot.out import OutMessage
from bot.schedule import is_timezone
from bot.text import lit
from bot.work import Refusal, Work

ONE_TO_ONE_WINDOW = timedelta(days=1)  # both members logging within a day is one meeting


async def setup(w: Work, cmd: Setup) -> list[OutMessage]:
    channel = w.ctx.channel
    if channel.channel_id is None:
        raise Refusal(roster_messages.setup_needs_channel())
    existing = await w.tx.groups.by_channel(channel)
    if existing is not None:
        admins = [m for m in await w.tx.members.of_group(existing.id) if m.is_admin]
        raise Refusal(roster_messages.already_set_up(existing, admins))
    name = cmd.name or (channel.name.lstrip("#") if channel.name else "") or "Our group"
    tz = w.settings.timezone
    currency = currencies.for_new_group(w, tz, cmd.currency)
    group = await w.tx.groups.create(
        channel, name, tz, currency, w.ts, locale=w.settings.locale or None
    )
    if cmd.currency:
        await currencies.chosen(w, group)
    admin = await w.tx.members.add(group.id, w.ctx.actor, is_admin=True, now=w.ts)
    if w.ctx.tz and is_timezone(w.ctx.tz):
        await w.tx.members.update(admin.id, tz=w.ctx.tz)
    await due.plan_month(w.tx, group, w.now + due.NEW_GROUP_GRACE)
    await retention.plan(w.tx, group, w.now)
    await w.post(group, roster_messages.group_created_post(group, w.ctx.actor))
    done = roster_messages.group_created(group)
    return [replace(done, text=done.text + lit(" ") + currency_words.currency_line(group))]


async def join(w: Work, cmd: Join) -> list[OutMessage]:
    group = await w.group()
    key = seat_key(cmd.classification)
    member = await w.tx.members.get(group.id, w.ctx.actor.user_id)
    if (
        member is not None
        and member.active
        and member.classification
        and seat_key(member.classification) == key
    ):
        return [roster_messages.already_hold(member.classification)]
    holder = await w.tx.seats.holder(group.id, key)
    if holder is not None and (member is None or holder.id != member.id):
        raise Refusal(
            roster_messages.seat_taken(holder.classification or cmd.classification, holder)
        )
    near = await roster_seats.near_match(w, group, cmd.classification, member)
    if near is not None:
        return await roster_seats.hold_back(w, group, w.ctx.actor, cmd.classification, *near)
    member, moved_from, made_admin = await roster_seats.seat(
        w, group, w.ctx.actor, member, cmd.classification, w.ctx.tz
    )
    await w.post(group, roster_messages.joined_post(member, moved_from))
    welcome = roster_messages.joined(member, group, moved_from)
    if made_admin:
        welcome = dataclasses.replace(welcome, text=welcome.text + group_messages.became_admin())
    return [welcome]


async def show_profile(w: Work, cmd: ShowProfile) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        other = await w.member_of(group, cmd.member)
        if other.id != me.id:
            return [roster_messages.member_profile(other, group)]
    return [messages.profile(me, group, w.settings.quiet_hours)]


async def set_ask(w: Work, cmd: SetAsk) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, ask=cmd.ask)
    return [roster_messages.profile_updated("ask", cmd.ask)]


async def set_email(w: Work, cmd: SetEmail) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, email=cmd.email)
    return [roster_messages.profile_updated("email", cmd.email)]


async def set_tz(w: Work, cmd: SetTimeZone) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, tz=cmd.tz)
    return [roster_messages.profile_updated("time zone", cmd.tz)]


async def set_quiet(w: Work, cmd: SetQuietHours) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, quiet_hours=cmd.quiet)
    return [roster_messages.profile_updated("quiet hours", cmd.quiet)]


async def set_dm(w: Work, cmd: SetDirectMessages) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, dm_enabled=cmd.enabled)
    value = "on" if cmd.enabled else "off (referrals passed to you still come by DM)"
    return [roster_messages.profile_updated("direct messages", lit(value))]


async def set_suggestions(w: Work, cmd: SetSuggestions) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.members.update(me.id, suggestions=cmd.enabled)
    return [
        roster_messages.profile_updated(
            "monthly 1-2-1 suggestions", lit("on" if cmd.enabled else "off")
        )
    ]


async def log_one_to_one(w: Work, cmd: LogOneToOne) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    others: list[Member] = []
    for user in (cmd.member, *cmd.others):  # every member named, or none if one is wrong
        assert isinstance(user, UserRef)
        other = await w.member_of(group, user)
        if other.id == me.id:
            raise Refusal(roster_messages.one_to_one_self())
        if other.id not in {o.id for o in others}:
            others.append(other)
    replies = []
    for other in others:
        replies.append(await _one_to_one_with(w, group, me, other, cmd.note))
    return replies


async def _one_to_one_with(
    w: Work, group: Group, me: Member, other: Member, note: str | None
) -> OutMessage:
    since = w.ts - int(ONE_TO_ONE_WINDOW.total_seconds())
    recent = await w.tx.one_to_ones.recent(me.id, other.id, since)
    if recent is not None:
        oto_id, logged_by, confirmed = recent
        if logged_by == me.id or confirmed:
            return roster_messages.one_to_one_already(other.user)
        await w.tx.one_to_ones.confirm(oto_id)
        return roster_messages.one_to_one_confirmed(other.user)
    await w.tx.one_to_ones.add(group.id, me.id, other.id, me.id, note, w.ts)
    await w.dm(group, other, roster_messages.one_to_one_dm(me))
    return roster_messages.one_to_one_logged(other.user)
