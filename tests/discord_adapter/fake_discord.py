"""Discord's REST API as far as Rapport uses it, in memory, recording every call.

Its `session` replaces aiohttp's ClientSession (fake_http.py), the one seam under discord.py's
HTTP: everything above it is real (Route, HTTPClient with its JSON and rate-limit handling,
the interaction webhook adapter, the error classes with Discord's codes). Nothing touches the
network.
It keeps the messages it was sent, so a test can read a DM as the member would see it,
watch it being edited after a click, and click one of its buttons in a later process.

It holds the bot to Discord's global limit on its own fake clock (`clock`, which only the
pace's sleeps move): past 50 requests in any one second, a request is answered 429 with
`global: true` and its retry_after, as Discord does. Interaction callbacks and webhooks are
not counted, as Discord does not count them.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.discord_adapter.fake_http import FakeSession
from tests.fakes import FakeMonotonic

BASE = "https://discord.test/api/v10"
GATEWAY = "wss://gateway.discord.test"

APP_ID = 900000000000000001  # the application and its bot user share an id
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
GLOBAL_PER_SECOND = 50  # Discord's global limit for a bot token
TOKEN = "OTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"

BOT_USER = {
    "id": str(APP_ID),
    "username": "Rapport",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "verified": True,
    "mfa_enabled": False,
    "flags": 0,
}


@dataclass
class Call:
    """One request as Discord would have received it."""

    method: str
    path: str  # below the API base, e.g. /channels/123/messages
    query: dict[str, str]
    body: Any
    status: int = 200
    at: float = 0.0  # when Discord took it, on the fake's clock

    def __repr__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"


@dataclass
class Interaction:
    """What the fake knows of an interaction sent to the bot: where its answers went."""

    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # {"type": 5, "data": …}
    original: dict[str, Any] | None = None  # the reply message, or the clicked message
    followups: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False


class FakeDiscord:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[int, dict[str, Any]] = {}  # people the API knows (members included)
        self.messages: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, list[int]] = {}  # channel id → message ids, oldest first
        self.dm_channels: dict[int, int] = {}  # user id → their DM channel with the bot
        self.interactions: dict[str, Interaction] = {}  # by token
        self.events: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}  # attachment id → the file's bytes
        self.refuse_dms: set[int] = set()  # answer 403 / 50007 to a DM to these users
        self.forbidden_channels: set[int] = set()  # answer 403 / 50013
        self.events_forbidden = False
        self.outage = False  # every message answered 503
        self.outage_after: int | None = None  # this many more messages go through, then 503s
        self.invalid_form: set[int] = set()  # channels answering 400 / 50035 Invalid Form Body
        self.lost_dm_answers = 0  # DMs stored whose answer never reaches the bot
        self._nonces: dict[tuple[int, str], int] = {}  # (channel, nonce) → message id
        self.token_revoked = False  # GET /users/@me answered 401, as for a reset token
        self._ids = itertools.count(APP_ID + 1_000_000)
        self.clock = FakeMonotonic()  # Discord's seconds, for its global limit
        self.global_per_second: int | None = GLOBAL_PER_SECOND  # None: no global limit
        self._taken: deque[float] = deque()  # when each of the last second's requests came

    # --- the seam --------------------------------------------------------------------------
    def session(self, *args: Any, **kwargs: Any) -> FakeSession:
        """Called where discord.py builds its aiohttp.ClientSession (at login)."""
        return FakeSession(self, kwargs.get("connector"), kwargs.get("trace_configs"))

    def record(self, method: str, url: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """One request through the session: answered, and kept in `calls`."""
        if not url.startswith(BASE + "/"):
            raise AssertionError(f"discord.py called {url}, outside DISCORD_API_URL {BASE}")
        path = url[len(BASE) :]
        wait = self.over_the_global_limit(path)
        if wait is None:
            status, answer = self.handle(method, path, query, body)
        else:
            status = 429
            answer = {"message": "You are being rate limited.", "retry_after": wait, "global": True}
        call = Call(method, path, query, body, status, self.clock.now)
        self.calls.append(call)
        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if self.lost_dm_answers and status == 200 and m and int(m[1]) in self.dm_channels.values():
            self.lost_dm_answers -= 1  # Discord stored it; the connection dropped on the way back
            raise aiohttp.ServerDisconnectedError()
        return status, answer

    def over_the_global_limit(self, path: str) -> float | None:
        """None when Discord takes the request now; else the seconds until it would."""
        if self.global_per_second is None or path.startswith(("/interactions/", "/webhooks/")):
            return None  # interactions are not bound to the global limit
        now = self.clock.now
        while self._taken and self._taken[0] <= now - 1.0:
            self._taken.popleft()
        if len(self._taken) >= self.global_per_second:
            return round(self._taken[0] + 1.0 - now, 3)
        self._taken.append(now)
        return None

    def snowflake(self) -> int:
        return next(self._ids)

    # --- what tests read -----------------------------------------------------------------
    def dms_to(self, user_id: int) -> list[dict[str, Any]]:
        channel = self.dm_channels.get(user_id)
        return [self.messages[m] for m in self.channels.get(channel, [])] if channel else []

    def posts(self, channel_id: int = CHANNEL_ID) -> list[dict[str, Any]]:
        return [self.messages[m] for m in self.channels.get(channel_id, [])]

    def interaction(self, payload: dict[str, Any]) -> Interaction:
        return self.interactions[payload["token"]]

    def private_replies(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """What only the person who sent the interaction saw, in order."""
        i = self.interaction(payload)
        own = [i.original] if i.original is not None and payload["type"] != 3 else []
        return [m for m in own if not i.deleted] + i.followups

    def message_calls(self, since: int = 0) -> list[Call]:
        """Every request that created or changed a message (from call number `since` on)."""
        return [c for c in self.calls[since:] if _writes_a_message(c)]

    def commands_synced(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT" and c.path.endswith("/commands")]

    # --- the API ---------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        for pattern, verb, handler in self._routes():
            m = re.fullmatch(pattern, path)
            if m and verb == method:
                return handler(body, query, *m.groups())
        return 404, {"message": "404: Not Found", "code": 0}

    def _routes(self) -> list[tuple[str, str, Any]]:
        return [
            (r"/users/@me", "GET", self._me),
            (r"/oauth2/applications/@me", "GET", lambda *_: (200, self._app())),
            (r"/gateway/bot", "GET", lambda *_: (200, self._gateway())),
            (r"/applications/(\d+)/commands", "PUT", self._put_commands),
            (r"/applications/(\d+)/guilds/(\d+)/commands", "PUT", self._put_commands),
            (r"/users/@me/channels", "POST", self._open_dm),
            (r"/channels/(\d+)/messages", "POST", self._create_message),
            (r"/interactions/(\d+)/([^/]+)/callback", "POST", self._callback),
            (r"/webhooks/(\d+)/([^/]+)/messages/@original", "PATCH", self._edit_original),
            (r"/webhooks/(\d+)/([^/]+)/messages/@original", "DELETE", self._delete_original),
            (r"/webhooks/(\d+)/([^/]+)", "POST", self._followup),
            (r"/guilds/(\d+)/members/(\d+)", "GET", self._member),
            (r"/guilds/(\d+)/scheduled-events", "GET", lambda *_: (200, self.events)),
            (r"/guilds/(\d+)/scheduled-events", "POST", self._create_event),
            (r"/guilds/(\d+)/scheduled-events/(\d+)", "PATCH", self._edit_event),
        ]

    def _me(self, *_: Any) -> tuple[int, Any]:
        if self.token_revoked:
            return 401, {"message": "401: Unauthorized", "code": 0}
        return 200, BOT_USER

    def _app(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "Rapport",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": {
                "id": "900000000000000999",
                "username": "owner",
                "discriminator": "0",
                "avatar": None,
            },
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _gateway(self) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": GATEWAY, "shards": 1, "session_start_limit": limit}

    def _put_commands(self, body: Any, _q: Any, *ids: str) -> tuple[int, Any]:
        out = []
        for c in body:
            out.append(
                {**c, "id": str(self.snowflake()), "application_id": str(APP_ID), "version": "1"}
            )
        return 200, out

    def _open_dm(self, body: Any, *_: Any) -> tuple[int, Any]:
        uid = int(body["recipient_id"])
        if uid not in self.dm_channels:
            self.dm_channels[uid] = self.snowflake()
        user = self.users.get(
            uid, {"id": str(uid), "username": str(uid), "discriminator": "0", "avatar": None}
        )
        return 200, {"id": str(self.dm_channels[uid]), "type": 1, "recipients": [user]}

    def _create_message(self, body: Any, _q: Any, channel: str) -> tuple[int, Any]:
        cid = int(channel)
        if self.outage_after is not None:
            self.outage = self.outage_after <= 0
            self.outage_after -= 1
        if self.outage:
            return 503, {"message": "Service Unavailable", "code": 0}
        if cid in self.invalid_form:
            too_many = {
                "code": "BASE_TYPE_MAX_LENGTH",
                "message": "Must be 100 or fewer in length.",
            }
            return 400, {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"allowed_mentions": {"users": {"_errors": [too_many]}}},
            }
        nonce = str(body.get("nonce", "")) if body.get("enforce_nonce") else ""
        if nonce and (cid, nonce) in self._nonces:
            # like Discord: the same nonce again within minutes returns the message it made
            return 200, self.messages[self._nonces[(cid, nonce)]]
        dm_user = next((u for u, c in self.dm_channels.items() if c == cid), None)
        if dm_user is not None and dm_user in self.refuse_dms:
            return 403, {"message": "Cannot send messages to this user", "code": 50007}
        if cid in self.forbidden_channels:
            return 403, {"message": "Missing Permissions", "code": 50013}
        message = self._store(cid, body)
        if nonce:
            self._nonces[(cid, nonce)] = int(message["id"])
        return 200, message

    def _store(self, channel_id: int, body: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        message = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": "2026-11-30T06:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(body),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0) | flags,
            "allowed_mentions": body.get("allowed_mentions"),  # kept to check, not Discord's
        }
        self.messages[int(message["id"])] = message
        if not message["flags"] & 64:  # an ephemeral message is not in the channel for others
            self.channels.setdefault(channel_id, []).append(int(message["id"]))
        return message

    def _attachments(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for f in body.get("_files", []):
            aid = str(self.snowflake())
            self.uploads[aid] = f["content"]
            url = f"https://cdn.discord.test/{aid}/{f['filename']}"
            out.append(
                {
                    "id": aid,
                    "filename": f["filename"],
                    "size": len(f["content"]),
                    "url": url,
                    "proxy_url": url,
                }
            )
        return out

    def download(self, attachment: dict[str, Any]) -> bytes:
        return self.uploads[attachment["id"]]

    def _edit(self, message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        if "_files" in body:
            message["attachments"] = self._attachments(body)
        message["edited_timestamp"] = "2026-11-30T06:00:01+00:00"
        return message

    def _callback(self, body: Any, _q: Any, iid: str, token: str) -> tuple[int, Any]:
        i = self.interactions.setdefault(token, Interaction({"token": token, "type": 0}))
        i.callbacks.append(body)
        kind, data = body["type"], body.get("data") or {}
        channel = int(i.payload.get("channel_id", 0))
        message = None
        if kind in (4, 5):  # a reply, or "thinking…"
            i.original = message = self._store(channel, data, flags=128 if kind == 5 else 0)
        elif kind == 7 and "message" in i.payload:  # the clicked message, updated
            message = self._edit(self.messages[int(i.payload["message"]["id"])], data)
        answer: dict[str, Any] = {
            "interaction": {
                "id": iid,
                "type": i.payload.get("type", 2),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            }
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return 200, answer

    def _original(self, token: str) -> dict[str, Any] | None:
        i = self.interactions.get(token)
        if i is None:
            return None
        if i.payload.get("type") == 3 and "message" in i.payload:
            return self.messages.get(int(i.payload["message"]["id"]))
        return i.original

    def _edit_original(self, body: Any, _q: Any, _app: str, token: str) -> tuple[int, Any]:
        message = self._original(token)
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, self._edit(message, body)

    def _delete_original(self, body: Any, _q: Any, _app: str, token: str) -> tuple[int, Any]:
        self.interactions[token].deleted = True
        return 204, None

    def _followup(self, body: Any, _q: Any, _app: str, token: str) -> tuple[int, Any]:
        i = self.interactions[token]
        message = self._store(int(i.payload.get("channel_id", 0)), body)
        i.followups.append(message)
        return 200, message

    def _member(self, _b: Any, _q: Any, guild: str, user: str) -> tuple[int, Any]:
        u = self.users.get(int(user))
        if u is None:
            return 404, {"message": "Unknown Member", "code": 10007}
        return 200, {
            "user": u,
            "nick": None,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def _create_event(self, body: Any, _q: Any, guild: str) -> tuple[int, Any]:
        if self.events_forbidden:
            return 403, {"message": "Missing Permissions", "code": 50013}
        event = {
            **body,
            "id": str(self.snowflake()),
            "guild_id": guild,
            "creator_id": str(APP_ID),
            "status": 1,
        }
        self.events.append(event)
        return 200, event

    def _edit_event(self, body: Any, _q: Any, guild: str, event_id: str) -> tuple[int, Any]:
        event = next(e for e in self.events if e["id"] == event_id)
        event.update(body)
        return 200, event


def _writes_a_message(c: Call) -> bool:
    if c.path.endswith("/callback"):
        return bool(c.body) and c.body.get("type") in (4, 7)
    posts = c.path.startswith("/webhooks/") or re.fullmatch(r"/channels/\d+/messages", c.path)
    return c.method in ("POST", "PATCH") and bool(posts)
