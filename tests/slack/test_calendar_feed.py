"""A group's private calendar feed, served by the Slack HTTP server: the admin turns it on
(the URL comes only to them), a calendar app GETs it and sees the skipped dates left out; a
wrong or revoked token gets a bare 404, and the token never reaches a log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import icalendar
import pytest

from adapters.slack.cli import start_http
from bot.config import SlackSettings
from tests.slack.conftest import ALICE, BOB

PUBLIC = "https://rapport.example"


@pytest.fixture
def settings(settings):
    return replace(settings, slack=SlackSettings(public_url=PUBLIC))


@pytest.fixture
async def base(slack) -> AsyncIterator[str]:
    runner, port = await start_http(slack, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def get(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url) as r:
        return r.status, await r.read()


async def test_the_feed_serves_the_calendar_until_the_admin_turns_it_off(group, base, fake, caplog):
    caplog.set_level(logging.INFO)  # (DEBUG logs every request body)
    await group.type(ALICE, "/rapport meeting set wednesday 07:00 Europe/London -- The Oaks")
    await group.type(ALICE, "/rapport meeting skip 2026-12-09")
    on = await group.type(ALICE, "/rapport meeting feed on")
    [reply] = on.posts
    assert reply["response_type"] == "ephemeral"  # only the admin sees the URL
    url = next(w for w in on.text.split() if w.startswith(PUBLIC))
    path = url.removeprefix(PUBLIC)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43
    assert all(token not in t for t in group.channel_texts())

    status, body = await get(base + path)
    assert status == 200
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["LOCATION"]) == "The Oaks"
    assert [d.dt.date().isoformat() for d in event["EXDATE"].dts] == ["2026-12-09"]

    # the calendar follows a change by itself
    await group.type(ALICE, "/rapport meeting skip 2026-12-16")
    _, body = await get(base + path)
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [d.dt.date().isoformat() for d in event["EXDATE"].dts] == ["2026-12-09", "2026-12-16"]

    assert await get(base + path.replace(token, token[:-1] + "A" if token[-1] != "A" else "B")) == (
        404,
        b"",
    )
    assert "admin" in (await group.type(BOB, "/rapport meeting feed off")).text
    assert (await get(base + path))[0] == 200  # a member can't revoke it
    assert "is off" in (await group.type(ALICE, "/rapport meeting feed off")).text
    assert await get(base + path) == (404, b"")
    assert token not in caplog.text
