"""Keeping a member's page current: what changes it queues one refresh per person, through
the outbox (so it survives a restart and goes once), and the page is built when it goes, from
the state then. Several changes before it goes are one refresh (`OutboxStore.add_refresh`).

Which changes: whatever a command changed for the person who typed it; whatever it told
someone else by DM (a referral passed to them, a step on one they gave); and a meeting that
moved, for every member of its group. One place decides, after each unit of work
(`after`), so no handler has to remember the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from bot.config import Settings
from bot.events import MeetingChanged
from bot.features.home.content import Dashboard, dashboard, not_in_a_group
from bot.features.home.kinds import REFRESH_KIND
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.stores import UnitOfWork
from bot.text import lit
from bot.work import Context, Work


class HomeMessenger(Protocol):
    """A messenger with a page of its own per person (Slack's Home tab)."""

    async def publish_home(self, user: UserRef, page: Dashboard) -> None: ...


def refresh_message() -> OutMessage:
    """The outbox row's payload: a marker, never shown (the page is built when it goes)."""
    return OutMessage(text=lit("Your Rapport page is refreshed."), kind=REFRESH_KIND)


async def queue(tx: UnitOfWork, users: Iterable[UserRef], now: int) -> int:
    """Ask for each person's page to be refreshed; returns how many were newly queued."""
    queued = 0
    # by id alone: the page needs no name, and a row naming nobody keeps no one's name
    people = dict.fromkeys(UserRef(u.platform, u.workspace, u.user_id, "") for u in users)
    for user in people:
        if user.platform != "system" and user.user_id:
            queued += await tx.outbox.add_refresh(user, refresh_message(), now)
    return queued


async def after(w: Work, *, actor: bool = True) -> int:
    """The people whose page this unit of work may have changed: its author (`actor`), the
    people it DM'd, and every member of a group whose meeting moved. Returns how many
    refreshes were newly queued."""
    users: list[UserRef] = [w.ctx.actor] if actor else []
    if actor:
        users.extend(w.told)
    for event in w.events:
        if isinstance(event, MeetingChanged):
            users.extend(m.user for m in await w.tx.members.of_group(event.group_id) if m.active)
    return await queue(w.tx, users, w.ts)


async def page(tx: UnitOfWork, user: UserRef, now: datetime, settings: Settings) -> Dashboard:
    """`user`'s page now: their group in this workspace (the first, saying so, when they are
    in several), or how to start or join one."""
    groups = [
        g
        for g in await tx.groups.of_user(user)
        if (g.platform, g.workspace) == (user.platform, user.workspace)
    ]
    for group in groups:
        member = await tx.members.get(group.id, user.user_id)
        if member is not None and member.active:
            ctx = Context(user, ChannelRef(user.platform, user.workspace, None))
            w = Work(tx, ctx, now, settings)
            return await dashboard(w, group, member, others=len(groups) - 1)
    return not_in_a_group()
