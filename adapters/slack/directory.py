"""Who a Slack user is (display name, time zone, bot or deleted), from users.info, cached.

Every command needs its typer's name and zone and every mention needs resolving; asking
Slack each time would spend the Tier 4 users.info budget on the same few people.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import WorkspaceClients
from adapters.slack.translate import SlackUser

log = logging.getLogger(__name__)

TTL_SECONDS = 3600.0  # names and zones change rarely; an hour-old name is fine
GONE = ("user_not_found", "user_not_visible")


def from_users_info(user: dict[str, Any]) -> SlackUser:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user["id"]
    )
    return SlackUser(
        id=user["id"],
        name=str(name),
        tz=user.get("tz") or None,
        # Slackbot is not flagged as a bot, but it is one; app users are bots' accounts
        is_bot=bool(user.get("is_bot") or user.get("is_app_user") or user["id"] == "USLACKBOT"),
        deleted=bool(user.get("deleted")),
    )


class Directory:
    """With `clients` (many workspaces), each lookup is made with, and cached for, the
    workspace (`team`) it is made in; without, with the one client."""

    def __init__(
        self,
        client: AsyncWebClient,
        ttl: float = TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        clients: WorkspaceClients | None = None,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.monotonic = monotonic
        self.clients = clients
        self._cache: dict[tuple[str, str], tuple[float, SlackUser | None]] = {}

    async def user(self, user_id: str, team: str = "") -> SlackUser | None:
        """The user, or None when Slack says there is no such user. Other failures raise:
        "Slack is down" must not read as "nobody by that name"."""
        team = team if self.clients is not None else ""
        hit = self._cache.get((team, user_id))
        now = self.monotonic()
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        client = self.client if self.clients is None else await self.clients.client(team)
        if client is None:
            raise LookupError(f"the app is not installed in Slack workspace {team}")
        try:
            response = await client.users_info(user=user_id)
            found: SlackUser | None = from_users_info(response["user"])
        except SlackApiError as e:
            if e.response.get("error") not in GONE:
                raise
            found = None
        self._cache[(team, user_id)] = (now, found)
        return found

    async def user_or_none(self, user_id: str, team: str = "") -> SlackUser | None:
        """For the typer's own name and zone: a failed lookup only costs the nicety."""
        try:
            return await self.user(user_id, team)
        except Exception:
            log.warning(
                "users.info failed for %s; using the payload's name", user_id, exc_info=True
            )
            return None
