"""The HTTP seam: the slice of aiohttp's ClientSession that discord.py uses for REST and
interaction webhooks, handing each request to an in-memory API instead of the network.
Like aiohttp, it awaits the session's trace configs' on_request_start before a request
leaves (discord.py's `http_trace`, where Rapport paces Discord's global limit)."""

from __future__ import annotations

import json
from typing import Any, Protocol

import aiohttp
from aiohttp.tracing import Trace
from multidict import CIMultiDict
from yarl import URL


class Api(Protocol):
    def record(
        self, method: str, url: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]: ...


def _multipart(form: aiohttp.FormData) -> dict[str, Any]:
    """A request with files: its JSON part, and the files' names and contents under "_files"."""
    body: dict[str, Any] = {}
    files = []
    for options, _headers, value in form._fields:
        if options["name"] == "payload_json":
            body.update(json.loads(value))
        else:
            content = value.read() if hasattr(value, "read") else value
            files.append({"filename": options.get("filename"), "content": content})
    body["_files"] = files
    return body


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.reason = {200: "OK", 204: "No Content", 403: "Forbidden", 404: "Not Found"}.get(
            status, "Error"
        )
        self._text = "" if body is None else json.dumps(body)
        self.headers: CIMultiDict[str] = CIMultiDict()
        self.headers["Via"] = "1.1 google"  # Discord's answers come through its proxy
        if body is not None:
            self.headers["Content-Type"] = "application/json"

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text

    async def __aenter__(self) -> FakeResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


async def request_start(
    session: Any, traces: list[aiohttp.TraceConfig], method: str, url: str, headers: Any
) -> None:
    """What aiohttp does before a request leaves: each trace's on_request_start, awaited."""
    for config in traces:
        trace = Trace(session, config, config.trace_config_ctx())
        await trace.send_request_start(method, URL(url), CIMultiDict(headers or {}))


class _Exchange:
    """`async with session.request(…)`: the traces, then the API's answer."""

    def __init__(self, session: FakeSession, method: str, url: str, kwargs: Any) -> None:
        self.session = session
        self.method = method
        self.url = url
        self.kwargs = kwargs

    async def __aenter__(self) -> FakeResponse:
        s, kwargs = self.session, self.kwargs
        await request_start(s, s.traces, self.method, self.url, kwargs.get("headers"))
        data = kwargs.get("data")
        body = _multipart(data) if isinstance(data, aiohttp.FormData) else None
        if isinstance(data, str) and data:
            body = json.loads(data)
        query = {k: str(v) for k, v in (kwargs.get("params") or {}).items()}
        return FakeResponse(*s.api.record(self.method, self.url, query, body))

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeSession:
    """The slice of aiohttp.ClientSession discord.py uses for REST and webhooks."""

    def __init__(
        self,
        api: Api,
        connector: aiohttp.BaseConnector | None,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.api = api
        self.connector = connector
        self.closed = False
        self.traces = list(trace_configs or [])
        for config in self.traces:
            config.freeze()  # as ClientSession does

    def request(self, method: str, url: str, **kwargs: Any) -> _Exchange:
        return _Exchange(self, method, url, kwargs)

    async def close(self) -> None:
        self.closed = True
        if self.connector is not None:
            await self.connector.close()
