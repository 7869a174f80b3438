"""Several workers on one PostgreSQL database: three processes run 2,000 pieces of due work
(referral follow-ups in twenty chapters) and deliver what they queue, beside a fan-out
queued before they started; one is killed with SIGKILL mid-run. No leader, no lock service:
only the database's claims. Every follow-up reaches its member exactly once, none is lost,
and each conversation gets its messages one at a time, the fan-out's in the order queued.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg

from bot.model import Kind
from bot.out import OutMessage
from bot.outbox import STALE_CLAIM_SECONDS
from bot.service import STALE_RUNNING_SECONDS
from bot.text import lit
from storage.databases import open_repository
from tests.fakes import channel, user
from tests.faults.fanout_worker import START
from tests.faults.test_fanout import CONVERSATIONS, EACH, WAIT, Platform

BACKENDS = ("postgresql",)
REPO = Path(__file__).resolve().parents[2]
GROUPS = 20
RECEIVERS = 5  # per chapter: each receiver's DMs are one conversation
PER_GROUP = 100  # follow-ups per chapter: 2,000 in all
NOON = 6 * 3600  # the workers' clock: START is 06:00 UTC, inside default quiet hours
KILL_AFTER = 400  # messages the platform has answered when one worker is killed


async def chapters(database: str) -> tuple[list[str], set[str]]:
    """The chapters, their referrals each with a follow-up due, and a fan-out queued before
    the workers start; returns the fan-out's texts in queued order and the prospects."""
    repo = await open_repository(database)
    at = int(START.timestamp())
    prospects: set[str] = set()

    async def make(tx: Any) -> None:
        for g in range(GROUPS):
            group = await tx.groups.create(channel(f"chapter{g}"), f"Chapter {g}", "UTC", "ZAR", at)
            giver = await tx.members.add(group.id, user(f"giver{g}"), True, at)
            receivers = [
                await tx.members.add(group.id, user(f"m{g}x{k}"), False, at) for k in range(RECEIVERS)
            ]
            for n in range(PER_GROUP):
                prospect = f"Prospect {g}x{n}"
                r = await tx.referrals.add(
                    group_id=group.id,
                    giver_id=giver.id,
                    receiver_id=receivers[n % RECEIVERS].id,
                    kind=Kind.REFERRAL,
                    prospect=prospect,
                    email=None,
                    phone=None,
                    need=None,
                    heat=3,
                    inside=False,
                    now=at,
                    request_key=None,
                )
                await tx.due.add(group.id, "nudge.follow_up", r.id, "1", at + 60)
                prospects.add(prospect)

    texts = []

    async def fan_out(tx: Any) -> None:
        for k in range(EACH):
            for c in range(CONVERSATIONS):
                target = channel(f"room{c}") if c % 3 == 0 else user(f"member{c}")
                await tx.outbox.add(None, target, OutMessage(lit(f"{c}:{k}")), at)
                texts.append(f"{c}:{k}")

    try:
        await repo.atomic(make)
        await repo.atomic(fan_out)
    finally:
        await repo.close()
    return texts, prospects


async def worker(database: str, platform: Platform, name: str, after: int, log: Path) -> Any:
    with log.open("ab") as errors:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.faults.due_worker",
            database,
            platform.url,
            name,
            str(after),
            cwd=REPO,
            stderr=errors,
        )


async def scalar(database: str, sql: str) -> Any:
    conn = await asyncpg.connect(database)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_three_workers_one_killed_send_each_of_2000_follow_ups_once(database, tmp_path):
    texts, prospects = await chapters(database)
    names = ("one", "two", "doomed")
    platform = Platform(start_when=set(names))
    await platform.start()
    log = tmp_path / "workers.log"
    try:
        procs = {n: await worker(database, platform, n, NOON, log) for n in names}
        doomed = procs.pop("doomed")
        try:  # all three are delivering (start_when); a few hundred went out
            await platform.until(lambda: platform.answered >= KILL_AFTER)
        finally:
            doomed.send_signal(signal.SIGKILL)
            await asyncio.wait_for(doomed.wait(), WAIT)
        assert doomed.returncode == -signal.SIGKILL
        codes = [await asyncio.wait_for(p.wait(), WAIT * 4) for p in procs.values()]
        assert codes == [0, 0], log.read_text()[-3000:]
        # what the dead worker held (claimed work, messages going out) waits out the stale
        # time; the next worker to look after it takes it over
        held = await scalar(
            database,
            "SELECT (SELECT COUNT(*) FROM due_work WHERE state = 'running')"
            " + (SELECT COUNT(*) FROM outbox WHERE state = 'sending')",
        )
        stale = max(STALE_RUNNING_SECONDS, STALE_CLAIM_SECONDS) + 1
        late = await worker(database, platform, "restarted", NOON + stale, log)
        assert await asyncio.wait_for(late.wait(), WAIT * 4) == 0, log.read_text()[-3000:]
    finally:
        await platform.close()

    seen = [text for _, text, _ in platform.stored.values()]
    followed = Counter(m.group(1) for t in seen if (m := re.search(r"referral (Prospect \S+) \(#", t)))
    assert set(followed) == prospects  # none lost
    assert set(followed.values()) == {1}  # none twice
    assert sorted(t for t in seen if re.fullmatch(r"\d+:\d+", t)) == sorted(texts)
    for conversation, arrived in platform.order.items():  # the fan-out's, in queued order
        fan = [t for t in arrived if re.fullmatch(r"\d+:\d+", t)]
        if fan:
            c = fan[0].split(":")[0]
            assert fan == [f"{c}:{k}" for k in range(EACH)], conversation
    assert platform.doubled == []  # never two messages in flight to one conversation
    assert held > 0  # the kill left claims behind, and they were taken over
    by = Counter(p for _, _, p in platform.stored.values())
    assert by["one"] and by["two"] and by["doomed"]
    assert await scalar(database, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0
    assert await scalar(
        database,
        "SELECT COUNT(*) FROM due_work WHERE kind = 'nudge.follow_up' AND occurrence = '1'"
        " AND state <> 'done'",
    ) == 0
