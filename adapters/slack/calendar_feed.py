"""GET /calendar/<token>.ics on the Slack HTTP server: a group's private calendar feed.

The core finds the group by the token and builds the calendar; this only serves it. A token
no feed has (never was, or turned off) gets a bare 404. The token is the feed's only secret,
so it never reaches a log: the access log writes these paths with the token hidden.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import BaseRequest
from aiohttp.web_log import AccessLogger

from bot.features.meetings.calendar import serve_feed
from bot.service import Core

log = logging.getLogger(__name__)

PREFIX = "/calendar/"
ROUTE = PREFIX + "{token}.ics"
HIDDEN = PREFIX + "(token).ics"


def add_routes(app: web.Application, core: Core) -> None:
    async def feed(request: web.Request) -> web.Response:
        try:
            body = await serve_feed(core.repo, core.clock, request.match_info["token"])
        except Exception:
            log.exception("a calendar feed failed")  # (the exception never holds the token)
            return web.Response(status=500)
        if body is None:
            return web.Response(status=404)
        return web.Response(
            body=body,
            content_type="text/calendar",
            charset="utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    app.router.add_get(ROUTE, feed)


class HiddenTokenAccessLogger(AccessLogger):
    """aiohttp's access log, with a calendar feed's token left out of the path."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        if request.path.startswith(PREFIX):
            request = request.clone(rel_url=HIDDEN)
        super().log(request, response, time)
