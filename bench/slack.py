"""Slack HTTP mode: from a signed /referral POST to its ack, for Rapport's real bolt app
(`assemble` + `start_http`, on the population file) beside a bolt app whose only listener
acks, both served the same way on 127.0.0.1 and posted to alternately by one aiohttp client.

Rapport acks before any work and carries on after the ack (`process_before_response` off, as
in production); each Rapport request is followed to its answer at the response_url before
the next one goes, so one request's work never sits in the next one's ack.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import assemble
from adapters.slack.cli import EVENTS_PATH, start_http
from adapters.slack.messenger import Pacer
from bench.common import FixedClock, People, Person, Samples
from bench.fakeslack import TEAM, FakeSlackApi
from bot.config import Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-bench-token"
_ids = itertools.count(1)
_RUN = f"{time.time_ns():x}"


async def _no_wait(seconds: float) -> None:
    """Slack's one-post-per-second-per-channel pacing is Slack's limit, not Rapport's speed."""


def slash_form(who: Person, command: str, text: str, response_url: str, trigger: str) -> str:
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": TEAM,
            "team_domain": "bench",
            "channel_id": who.channel_id,
            "channel_name": who.channel_name,
            "user_id": who.user_id,
            "user_name": f"member{who.member_id}",
            "command": command,
            "text": text,
            "api_app_id": "A0RAPPORT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    )


def signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def referral_text(receiver: Person, n: int) -> str:
    email = f"jane.roe{n}@example.org"
    return (
        f"<@{receiver.user_id}|member{receiver.member_id}> Jane Roe {n}"
        f" <mailto:{email}|{email}> +27 82 555 {n % 10000:04d} -- needs a new roof heat:4"
    )


async def _serve(app: AsyncApp) -> tuple[web.AppRunner, int]:
    """The same serving as adapters.slack.cli.start_http, for the reference app."""
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH, port=0))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


def noop_app(api_url: str) -> AsyncApp:
    app = AsyncApp(
        name="noop",
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=False,
        logger=logging.getLogger("bench.noop"),
    )

    @app.command("/referral")
    async def ack_only(ack: Any) -> None:
        await ack()

    return app


async def run(db: Path, now: int, settings: Settings, n: int, say=print) -> dict[str, Any]:
    fake = FakeSlackApi()
    await fake.start()
    bot = await assemble(
        settings,
        token=TOKEN,
        signing_secret=SECRET,
        clock=FixedClock(now),
        database=str(db),
        api_url=fake.base_url,
        pacer=Pacer(sleep=_no_wait),
    )
    runner, port = await start_http(bot, "127.0.0.1", 0)
    noop_runner, noop_port = await _serve(noop_app(fake.base_url))
    people = People(db, "slack", seed=11)
    rapport_url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
    noop_url = f"http://127.0.0.1:{noop_port}{EVENTS_PATH}"
    ack, ref_ack, answer = Samples(), Samples(), Samples()
    bad = 0
    try:
        async with aiohttp.ClientSession() as session:

            async def post(url: str, who: Person, samples: Samples, follow: bool) -> None:
                nonlocal bad
                i = next(_ids)
                key = f"{_RUN}-{i}"
                body = slash_form(
                    who,
                    "/referral",
                    referral_text(people.other(who), i),
                    fake.response_url(key),
                    f"13345224609.{_RUN}.{i:08x}",
                )
                waiter = fake.expect(key) if follow else None
                headers = signed(body)
                t0 = time.perf_counter_ns()
                async with session.post(url, data=body, headers=headers) as r:
                    await r.read()
                    status = r.status
                samples.add(time.perf_counter_ns() - t0)
                if status != 200:
                    bad += 1
                if waiter is not None:
                    answer.add(await asyncio.wait_for(waiter, 30) - t0)

            for _ in range(20):  # warm both: auth.test, connections, users.info caches
                await post(rapport_url, people.actor(), Samples(), True)
                await post(noop_url, people.actor(), Samples(), False)
            answer.ns.clear()
            for _ in range(n):
                await post(rapport_url, people.actor(), ack, True)
                await post(noop_url, people.actor(), ref_ack, False)
    finally:
        await noop_runner.cleanup()
        await runner.cleanup()
        await bot.close()
        await fake.close()
    stored = _count(db, f"SELECT COUNT(*) FROM referrals WHERE request_key LIKE '%.{_RUN}.%'")
    a, r = ack.summary(), ref_ack.summary()
    return {
        "rapport_ack": a,
        "noop_ack": r,
        "p50_ratio": round(a["p50_ms"] / r["p50_ms"], 2),
        "p99_ratio": round(a["p99_ms"] / r["p99_ms"], 2),
        "rapport_answer": answer.summary(),
        "requests": 2 * (n + 20),
        "not_200": bad,
        "referrals_stored": stored,
        "web_api_calls": dict(fake.calls),
        "answers": fake.answers,
    }


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()
