"""Handlers for the meeting in people's calendars: the .ics file and the private feed."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime

from bot import messages
from bot.features.meetings import calendar_messages as wording
from bot.features.meetings.commands import MeetingCalendar, MeetingFeed
from bot.features.meetings.ics import meeting_calendar
from bot.handover import write_private
from bot.out import OutMessage
from bot.ports import Clock
from bot.stores import Repository, UnitOfWork
from bot.work import Refusal, Work

log = logging.getLogger(__name__)

FEED_PATH = "/calendar/{token}.ics"  # served by the Slack adapter's web server
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What is stored of a feed's token: its SHA-256, so the database never holds the URL."""
    return hashlib.sha256(token.encode()).hexdigest()


async def meeting_ics(w: Work, cmd: MeetingCalendar) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    if group.meeting is None:
        raise Refusal(wording.no_meeting_yet())
    skips = await w.tx.groups.skips(group.id)
    data = meeting_calendar(group, skips, w.now)
    path = write_private(w, group, "meeting", ".ics", data)
    return [wording.ics_ready(group.name, (str(path),), len(skips))]


async def meeting_feed(w: Work, cmd: MeetingFeed) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("turn the calendar feed on or off"))
    if not cmd.on:
        return [wording.feed_off(await w.tx.calendar_feeds.drop(group.id))]
    if group.platform != "slack":
        raise Refusal(wording.feed_slack_only())
    base = w.settings.slack.public_url.rstrip("/")
    if not base:
        raise Refusal(wording.feed_needs_public_url())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await w.tx.calendar_feeds.set(group.id, token_hash(token), w.ts)
    return [wording.feed_on(base + FEED_PATH.format(token=token))]


async def feed_calendar(tx: UnitOfWork, token: str, now: datetime) -> bytes | None:
    """The calendar a feed's URL serves, or None when no group's feed has this token (never
    was, or was turned off): the web server answers 404 and says nothing more."""
    if not token or len(token) > 200:
        return None
    group_id = await tx.calendar_feeds.group_of(token_hash(token))
    if group_id is None:
        return None
    group = await tx.groups.get(group_id)
    if group is None or group.meeting is None:
        return None
    return meeting_calendar(group, await tx.groups.skips(group.id), now)


async def serve_feed(repo: Repository, clock: Clock, token: str) -> bytes | None:
    """What GET /calendar/<token>.ics answers: the group's calendar as it is now, or None
    (404) for a token no group's feed has. Reads only."""
    return await repo.read(lambda tx: feed_calendar(tx, token, clock.now()))
