"""/healthz, /readyz and /metrics for a long-running Rapport: what a supervisor, a load
balancer and Prometheus ask.

- /healthz: the process is up and its event loop answers (200 "ok").
- /readyz: the database answers and the platform connection is up (200 "ready"), else 503
  naming what is not.
- /metrics: the Prometheus text format (adapters/metrics.py).

Slack's HTTP mode adds them to the app that serves /slack/events; Socket Mode and Discord
serve them on --health-port.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from adapters.metrics import PrometheusMetrics
from bot.ports import Clock
from bot.stores import Repository

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/readyz", "/metrics")
PROBE_TIMEOUT = 5.0  # seconds the database gets to answer /readyz

PlatformUp = Callable[[], bool | Awaitable[bool]]


class HealthError(Exception):
    """The health port could not be opened: one line for stderr."""


@dataclass
class Health:
    repo: Repository
    clock: Clock
    metrics: PrometheusMetrics
    platform: str  # "Slack", "Discord": named when its connection is down
    platform_up: PlatformUp
    timeout: float = PROBE_TIMEOUT

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.serve_metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        problems = []
        if not await self._database_answers():
            problems.append("the database does not answer")
        if not await self._platform_up():
            problems.append(f"not connected to {self.platform}")
        if problems:
            return web.Response(status=503, text=f"not ready: {'; '.join(problems)}\n")
        return web.Response(text="ready\n")

    async def serve_metrics(self, request: web.Request) -> web.Response:
        await self.metrics.refresh(self.repo, self.clock.now())
        body, content_type = self.metrics.exposition(request.headers.get("Accept"))
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    async def _database_answers(self) -> bool:
        try:
            await asyncio.wait_for(self.repo.read(lambda tx: tx.due.next()), self.timeout)
        except Exception as e:
            log.warning("readiness: the database did not answer (%s)", type(e).__name__)
            return False
        return True

    async def _platform_up(self) -> bool:
        try:
            up = self.platform_up()
            return bool(await up) if inspect.isawaitable(up) else bool(up)
        except Exception:
            log.warning("readiness: could not tell whether %s is connected", self.platform)
            return False


async def serve_health(health: Health, host: str, port: int) -> tuple[web.AppRunner, int]:
    """The three endpoints on their own port (port 0 picks a free one). Returns the runner
    and the port bound."""
    app = web.Application()
    health.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as e:
        await runner.cleanup()
        raise HealthError(f"cannot serve /healthz on {host}:{port}: {e.strerror}") from e
    return runner, bound_port(runner, port)


def bound_port(runner: web.AppRunner, asked: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple):
            return int(address[1])
    return asked
