"""The bot process's footprint: `python -m bench.rss --db FILE --tick ISO` runs Rapport's Slack
bot in HTTP mode exactly as `rapport slack --http` does (`adapters.slack.cli.serve`: the bolt
app, the core on FILE, the APScheduler tick), against a small fake Web API in this process;
sends it signed slash commands from members of the population's Slack groups, lets its
first scheduler tick run everything due at `--tick` (the core's clock), then prints its peak
resident set (VmHWM) as JSON. A separate process, so the generator's and the other
benchmarks' memory is not counted."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import re
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from adapters.slack.cli import SlackEnv, serve
from bench.common import FixedClock, People
from bench.fakeslack import FakeSlackApi
from bench.slack import SECRET, TOKEN, referral_text, signed, slash_form
from bot.config import PrivacySettings, Settings, SlackSettings


def memory() -> dict[str, float]:
    """This process's resident memory in MB: now (VmRSS) and its peak (VmHWM). The peak is
    read from /proc because getrusage's ru_maxrss carries the parent's peak across the
    fork and exec that started this process."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:  # not Linux: the best there is
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out = {"VmRSS": float("nan"), "VmHWM": round(peak, 1)}
    return out


def _pending(db: Path, ts: int) -> int:
    """Due work and messages still waiting at `ts` (the tick is done when none are)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        work = conn.execute(
            "SELECT COUNT(*) FROM due_work WHERE state IN ('pending', 'running') AND due_at <= ?",
            (ts,),
        ).fetchone()[0]
        out = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
            " AND next_attempt_at <= ?",
            (ts,),
        ).fetchone()[0]
        return int(work) + int(out)
    finally:
        conn.close()


async def _settle(db: Path, tick: int, limit: float = 600) -> float:
    """Wait until nothing due at `tick` is left; returns the seconds it took."""
    started = time.monotonic()
    while _pending(db, tick) and time.monotonic() - started < limit:
        await asyncio.sleep(0.25)
    return time.monotonic() - started


async def run(db: Path, tick: int, commands: int) -> dict[str, Any]:
    fake = FakeSlackApi()
    await fake.start()
    files = tempfile.mkdtemp(prefix="rapport-bench-")
    settings = Settings(database=str(db), privacy=PrivacySettings(files_dir=files))
    env = SlackEnv(TOKEN, "", SECRET, fake.base_url, SlackSettings())
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    waiting_before = _pending(db, tick)
    bot = asyncio.create_task(
        serve(
            settings,
            env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=str(db),
            clock=FixedClock(tick),
            ready=lambda line: ready.set_result(line),
            stop=stop,
        )
    )
    line = await asyncio.wait_for(ready, 60)
    steps = {"started": memory()}
    m = re.search(r"http://127\.0\.0\.1:(\d+)(/[\w/]+)", line)
    assert m is not None, line
    url = f"http://127.0.0.1:{m.group(1)}{m.group(2)}"
    people = People(db, "slack", seed=23)
    # the first tick catches up everything due at `tick` (thousands of nudges); commands
    # typed meanwhile would wait for its deliveries, so they come after it
    caught_up = await _settle(db, tick)
    steps["tick_done"] = memory()
    groups = itertools.cycle(sorted(people.by_group))
    ids = itertools.count(1)
    run_id = f"{time.time_ns():x}"
    answered = 0
    lines = itertools.cycle(
        ["/referral", "/referrals", "/rapport stats", "/rapport leaderboard month"]
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(commands):
            who = people.actor()
            i = next(ids)
            command, _, text = next(lines).partition(" ")
            if command == "/referral":
                # each in another group's channel: Slack's pacing (one post a second per
                # channel) would otherwise hold the answer back
                mates = people.by_group[next(groups)]
                who = people.rnd.choice(mates)
                text = referral_text(people.other(who), i)
            key = f"rss-{run_id}-{i}"
            body = slash_form(who, command, text, fake.response_url(key), f"9.{run_id}.{i:08x}")
            waiter = fake.expect(key)
            async with session.post(url, data=body, headers=signed(body)) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"{url} answered {r.status}")
            await asyncio.wait_for(waiter, 120)
            answered += 1
    await _settle(db, tick)
    steps["commands_done"] = memory()
    waiting_after = _pending(db, tick)
    stop.set()
    await bot
    await fake.close()
    steps["stopped"] = memory()
    return {
        "peak_rss_mb": steps["stopped"]["VmHWM"],
        "rss_mb": {k: v["VmRSS"] for k, v in steps.items()},
        "commands_answered": answered,
        "due_at_tick_before": waiting_before,
        "tick_caught_up_s": round(caught_up, 1),
        "due_at_tick_after": waiting_after,
        "web_api_calls": dict(fake.calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="peak RSS of the Slack bot process")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--tick", required=True, help="the core's clock, ISO 8601 with zone")
    parser.add_argument("--commands", type=int, default=400)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    tick = int(datetime.fromisoformat(args.tick).timestamp())
    print(json.dumps(asyncio.run(run(args.db, tick, args.commands))))


if __name__ == "__main__":
    main()
