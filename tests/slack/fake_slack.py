"""A fake Slack on 127.0.0.1: the Web API methods Rapport calls, response_url endpoints and a
Socket Mode websocket, recording every call so tests can assert what reached "Slack".

Like Slack, it merges query-string, form and JSON arguments (conversations.open sends its
arguments in the query string), refuses posts to channels the bot was not invited to, and
can be told to fail a method a number of times (a 429 with Retry-After, say).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TEAM = "T0RAPPORT"
DROP = "(drop the connection)"  # a failure that is not an API error at all
HANG = "(never answer)"  # the call is taken in and never answered: its caller dies waiting
BOT_USER = "U0RAPPORT"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""


@dataclass
class Upload:
    channel: str
    filename: str
    content: bytes


@dataclass
class Failure:
    error: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    replace_original: bool = False  # response_url only: fail the update, or the answer
    after: int = 0  # let this many calls through first
    where: str = ""  # only calls to this channel (chat.postMessage's `channel`) fail


def person(uid: str, name: str, tz: str = "Africa/Johannesburg", **extra: Any) -> dict[str, Any]:
    """A users.info `user` object, shaped like Slack's."""
    return {
        "id": uid,
        "team_id": TEAM,
        "name": name.lower(),
        "real_name": name,
        "deleted": False,
        "is_bot": False,
        "is_app_user": False,
        "tz": tz,
        "tz_offset": 7200,
        "profile": {"display_name": name, "real_name": name},
        **extra,
    }


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.uploads: list[Upload] = []
        self.uploaded_bytes: dict[str, bytes] = {}
        self.file_names: dict[str, str] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.bot_channels: set[str] = set()  # channels the bot has been invited to
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) → message
        self.socket_envelopes: list[dict[str, Any]] = []  # pushed after "hello"
        self.socket_acks: list[dict[str, Any]] = []
        self.homes: dict[str, list[dict[str, Any]]] = {}  # user id → Home tabs published
        self._failures: dict[str, list[Failure]] = {}
        self._gates: dict[str, asyncio.Event] = {}
        self._closing = asyncio.Event()
        self._response_targets: dict[str, tuple[str, str]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # many workspaces: the bot token each workspace's installation was given (token →
        # team), and the codes Slack's consent page hands back (code → team, name, token)
        self.teams: dict[str, str] = {}
        self.codes: dict[str, tuple[str, str, str]] = {}
        self._team = TEAM
        self.client_secret = ""  # the app's, which oauth.v2.access must be sent

    # --- lifecycle -----------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str, message: tuple[str, str] | None = None) -> str:
        """A response_url; with `message` (channel, ts), replace_original updates it."""
        if message is not None:
            self._response_targets[key] = message
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    # --- what tests arrange and read -------------------------------------------------
    def fail(self, method: str, error: str, *, status: int = 200, **kw: Any) -> None:
        self._failures.setdefault(method, []).append(Failure(error, status, **kw))

    def hold(self, method: str) -> asyncio.Event:
        """Calls to `method` wait until the returned event is set: a slow Slack."""
        gate = self._gates[method] = asyncio.Event()
        return gate

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        return [m for (ch, _), m in self.messages.items() if ch == channel]

    def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        return self.posts_in(dm_channel(user_id))

    async def until(self, done: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait for something the bot does after its ack (never a fixed sleep)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), timeout)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # --- the Web API -----------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token.startswith("Basic "):  # oauth.v2.access: the app's id and secret, not a token
            who, _, secret = base64.b64decode(token[6:]).decode().partition(":")
            args.update(client_id=who, client_secret_matches=secret == self.client_secret)
            token = ""
        await self._record(Call(method, args, token))
        if gate := self._gates.get(method):
            await gate.wait()
        failures = [
            f
            for f in self._failures.get(method, [])
            if not f.where or f.where == args.get("channel")
        ]
        if failures and failures[0].after > 0:
            failures[0].after -= 1
        elif failures:
            f = failures[0]
            f.times -= 1
            if f.times <= 0:
                queue = self._failures[method]
                del queue[next(i for i, g in enumerate(queue) if g is f)]
            if f.error == HANG:
                await self._closing.wait()  # its caller is long gone by then
                return web.Response(status=503)
            if f.error == DROP:
                assert request.transport is not None
                request.transport.close()  # the client sees the server hang up
                return web.Response()
            return web.json_response(
                {"ok": False, "error": f.error}, status=f.status, headers=f.headers
            )
        self._team = self.teams.get(token, TEAM)  # whose token it is (read by auth.test)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {"ok": False, "error": "unknown_method"}
        return web.json_response(body)

    # files_upload_v2: ask for an upload URL, send the bytes there, then complete the upload
    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.uploads) + len(self.uploaded_bytes) + 1:05d}"
        self.uploaded_bytes[file_id] = b""
        self.file_names[file_id] = str(args.get("filename", ""))
        return {
            "ok": True,
            "file_id": file_id,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
        }

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploaded_bytes[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        for f in files or []:
            self.uploads.append(
                Upload(
                    str(args.get("channel_id", "")),
                    self.file_names.get(f["id"], ""),
                    self.uploaded_bytes.get(f["id"], b""),
                )
            )
        return {"ok": True, "files": [{"id": f["id"]} for f in files or []]}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "team": "Test",
            "team_id": self._team,
            "user": "rapport",
            "user_id": BOT_USER,
            "bot_id": "B0RAPPORT",
        }

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """The code from Slack's consent page, exchanged for the workspace's bot token
        (each code once, as Slack does)."""
        if not args.get("client_secret_matches"):
            return {"ok": False, "error": "invalid_client"}
        grant = self.codes.pop(str(args.get("code", "")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team, name, token = grant
        self.teams[token] = team
        return {
            "ok": True,
            "app_id": "A0RAPPORT",
            "authed_user": {"id": "U0ALICE"},
            "scope": "commands,chat:write,im:write,users:read,files:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": BOT_USER,
            "team": {"id": team, "name": name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("user", ""))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("users", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if user["is_bot"]:
            return {"ok": False, "error": "cannot_dm_bot"}
        if user["deleted"]:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": dm_channel(user["id"])}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel.startswith("U"):  # posting to a user id lands in the app's DM with them
            user = self.users.get(channel)
            if user is None or user["is_bot"] or user["deleted"]:
                return {"ok": False, "error": "channel_not_found"}  # no DM to be had
            channel = dm_channel(channel)
        if channel.startswith("C") and channel not in self.bot_channels:
            return {"ok": False, "error": "not_in_channel"}
        ts = f"1700000000.{next(self._ts):06d}"
        message = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "B0RAPPORT",
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": _json(args.get("blocks", [])),
        }
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _json(args.get("view", {}))
        self.homes.setdefault(str(args.get("user_id")), []).append(view)
        return {"ok": True, "view": {"id": "V0HOME", "type": "home", **view}}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0FORM", **_json(args.get("view", {}))}}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket=t1"}

    # --- response_url ---------------------------------------------------------------
    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await request.json()
        if gate := self._gates.get("response_url"):
            await gate.wait()
        failures = self._failures.get("response_url")
        if failures and body.get("replace_original") == failures[0].replace_original:
            failures.pop(0)
            await self._record(Call("response_url", {"key": key, "refused": True, **body}))
            return web.Response(status=404, text="expired_url")
        target = self._response_targets.get(key)
        if body.get("replace_original") and target in self.messages:
            assert target is not None
            self.messages[target] = {
                **self.messages[target],
                "text": body.get("text", ""),
                "blocks": body.get("blocks", []),
            }
        await self._record(Call("response_url", {"key": key, **body}))
        return web.Response(text="ok")

    def responses(self, key: str) -> list[dict[str, Any]]:
        """What reached the response_url `key` (refused posts are left out)."""
        return [
            c.args
            for c in self.calls
            if c.method == "response_url" and c.args["key"] == key and not c.args.get("refused")
        ]

    # --- Socket Mode ----------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0RAPPORT"}}
        )
        for envelope in self.socket_envelopes:
            await ws.send_json(envelope)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
                async with self._changed:
                    self._changed.notify_all()
        return ws


def dm_channel(user_id: str) -> str:
    return "D" + user_id[1:]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- what a person sees ------------------------------------------------------------------
_TOKEN = re.compile(r"<([^<>]*)>")


def visible(mrkdwn: str, users: dict[str, dict[str, Any]]) -> str:
    """Slack mrkdwn as a person reads it: mentions as @Name, dates as their fallback,
    links as their label, entities unescaped."""

    def token(m: re.Match[str]) -> str:
        target, _, label = m.group(1).partition("|")
        if target.startswith("@"):
            uid = target[1:]
            return "@" + users[uid]["profile"]["display_name"] if uid in users else "@" + uid
        if target.startswith("!date^"):
            return label
        return label or target

    text = _TOKEN.sub(token, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def message_text(message: dict[str, Any], users: dict[str, dict[str, Any]]) -> str:
    """Every text a message shows (header, sections, fields, context), as a person sees it."""
    out: list[str] = []
    for block in message.get("blocks") or []:
        if "text" in block and isinstance(block["text"], dict):
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields", []))
        out.extend(e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn")
    return visible("\n".join(out), users)


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, action_id) of every button on a message."""
    return [
        (e["text"]["text"], e["action_id"])
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for e in block["elements"]
    ]
