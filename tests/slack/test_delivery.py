"""The outbox through the real Slack messenger and the fake Slack: a 429 pauses that method
for that workspace only, while other workspaces' messages go out; a message Slack refuses as
too long is tried once, never again, and the group's admin is told once; the bot token's
auth.test is asked once, at start-up, however many requests arrive at once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.app import assemble
from adapters.slack.blocks import SlackMessage, slack_messages
from adapters.slack.cli import SlackEnv, serve
from adapters.slack.client import web_client
from adapters.slack.limits import RateLimits
from adapters.slack.messenger import Pacer, SlackMessenger
from bot.config import DeliverySettings, Settings, SlackSettings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.outbox import STALE_CLAIM_SECONDS
from bot.service import Core
from bot.text import listing, lit
from storage.sqlite import SqliteRepository
from tests.fakes import FakeClock, FakeMonotonic, FakeResolver
from tests.slack.conftest import ALICE, BOB, CAROL, GROUP, Workspace
from tests.slack.fake_slack import HANG, TEAM, FakeSlack
from tests.slack.payloads import SIGNING_SECRET, encode_form, signed_headers, slash_form
from tests.slack.test_commands import rows

LONG_WAIT = 5.0
HELLO_ONE = OutMessage(lit("one: hello"))
HELLO_TWO = OutMessage(
    lit("two: hello")
)  # a sleep this long is a Retry-After, held until the test lets it end


@dataclass
class HeldTime:
    """A monotonic clock and a sleep for the messenger: short waits (pacing) pass at once;
    a Retry-After is held until `release`, so a test sees what goes out meanwhile."""

    now: float = 1000.0
    held: list[float] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    holding: asyncio.Event = field(default_factory=asyncio.Event)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds < LONG_WAIT:
            self.now += seconds
        else:
            self.held.append(seconds)
            self.holding.set()
            await self.gate.wait()

    def release(self, seconds: float) -> None:
        self.now += seconds
        self.gate.set()


def post_to(workspace: str, channel: str) -> ChannelRef:
    return ChannelRef("slack", workspace, channel, f"#{channel.lower()}")


@pytest.fixture
async def repo() -> AsyncIterator[SqliteRepository]:
    r = await SqliteRepository.open(":memory:")
    yield r
    await r.close()


async def test_a_429_pauses_only_that_workspace(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    fake.bot_channels |= {"C0ONE", "C0ONE2", "C0TWO", "C0TWO2"}
    time = HeldTime()
    limits = RateLimits(time.monotonic, time.sleep)
    client = web_client("xoxb-test", fake.base_url, sleep=time.sleep, limits=limits)
    messenger = SlackMessenger(client, Pacer(monotonic=time.monotonic, sleep=time.sleep), limits)
    core = Core(repo, messenger, clock, FakeResolver(), settings)
    now = int(clock.now().timestamp())
    queued = [
        (post_to("T0ONE", "C0ONE"), "one: first"),
        (post_to("T0TWO", "C0TWO"), "two: first"),
        (post_to("T0ONE", "C0ONE"), "one: second"),
        (post_to("T0TWO", "C0TWO2"), "two: elsewhere"),
        (UserRef("slack", "T0TWO", "U0BOB", "Bob"), "two: a DM"),
    ]
    async with repo.transaction() as tx:
        for target, text in queued:
            await tx.outbox.add(None, target, OutMessage(lit(text)), now)
    fake.fail(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"}, where="C0ONE"
    )

    delivery = asyncio.create_task(core.deliver())
    await fake.until(lambda: len(fake.messages) == 3)  # workspace two's three, meanwhile
    await asyncio.wait_for(time.holding.wait(), 10)  # workspace one waits out its pause

    def texts() -> list[str]:
        return sorted(m["text"] for m in fake.messages.values())

    assert texts() == ["two: a DM", "two: elsewhere", "two: first"]
    [waited] = time.held  # workspace one waits out its Retry-After (plus up to 1 s of jitter)
    assert 30 <= waited < 31
    # meanwhile a post in another of workspace one's channels waits for the pause too,
    # and one in workspace two does not
    other = asyncio.create_task(messenger.post(post_to("T0ONE", "C0ONE2"), HELLO_ONE))
    await messenger.post(post_to("T0TWO", "C0TWO"), HELLO_TWO)
    assert len(time.held) == 2 and not other.done()
    assert texts() == ["two: a DM", "two: elsewhere", "two: first", "two: hello"]

    time.release(31)
    assert await delivery == 5
    await other
    assert texts() == [
        "one: first",
        "one: hello",
        "one: second",
        "two: a DM",
        "two: elsewhere",
        "two: first",
        "two: hello",
    ]
    channels = [c["channel"] for c in fake.calls_to("chat.postMessage")]
    assert channels.count("C0ONE") == 3  # refused once, then its two posts, in order
    assert [m["text"] for m in fake.posts_in("C0ONE")] == ["one: first", "one: second"]


# --- a message Slack refuses ----------------------------------------------------------------
async def test_a_post_slack_refuses_as_too_long_is_tried_once_and_the_admin_told_once(
    group: Workspace, fake: FakeSlack, slack, clock: FakeClock
) -> None:
    fake.fail("chat.postMessage", "msg_blocks_too_long", where=GROUP[0])

    moved = await group.type(CAROL, "/rapport join Roof repairs")

    assert "You moved from Roofing to the Roof repairs seat" in moved.text
    assert group.dm_texts(ALICE) == [
        "I couldn't deliver a message for Breakfast Club in #breakfast-club: Slack refused the"
        " message (msg_blocks_too_long). It would be refused the same way again, so I won't"
        " retry it. Please pass this on to whoever runs Rapport for your group."
    ]
    for _ in range(4):  # hours pass: it is never tried again, the admin never told again
        clock.advance(hours=1)
        await slack.core.run_due(clock.now())
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")].count(GROUP[0]) == 1
    assert group.channel_texts() == []
    assert len(group.dm_texts(ALICE)) == 1
    last_post = "(SELECT MAX(id) FROM outbox WHERE lane LIKE 'post:%')"  # (pages refresh too)
    assert await rows(
        slack, f"SELECT state, attempts, last_error FROM outbox WHERE id = {last_post}"
    ) == [
        {
            "state": "failed",
            "attempts": 1,
            "last_error": "refused: Slack refused the message (msg_blocks_too_long)",
        }
    ]


# --- one long message, several Slack messages ------------------------------------------------
ROLL_CALL = OutMessage(
    lit("Everyone:\n")
    + listing([lit("&" * 76 + f"{i:04d}") for i in range(80)], sep="\n"),  # 400 each, escaped
    kind="notice",
)


def slack_process(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> Core:
    """A Rapport process on `repo` delivering through the real Slack messenger, whose pacing
    and rate limits wait on a fake monotonic clock."""
    time = FakeMonotonic()
    limits = RateLimits(time.monotonic, time.sleep)
    client = web_client("xoxb-test", fake.base_url, sleep=time.sleep, limits=limits)
    messenger = SlackMessenger(client, Pacer(monotonic=time.monotonic, sleep=time.sleep), limits)
    return Core(repo, messenger, clock, FakeResolver(), settings)


async def queue_roll_call(repo: SqliteRepository, clock: FakeClock) -> list[SlackMessage]:
    async with repo.transaction() as tx:
        await tx.outbox.add(None, post_to(TEAM, GROUP[0]), ROLL_CALL, int(clock.now().timestamp()))
    parts = slack_messages(ROLL_CALL)
    assert len(parts) >= 3
    return parts


async def test_a_long_post_that_fails_on_its_second_part_is_resumed_from_it_by_the_outbox(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    """Through the outbox: Slack takes the first part and fails the second. The outbox tries
    the row again after its backoff, and the channel gets each part once, in order."""
    core = slack_process(fake, repo, clock, settings)
    parts = await queue_roll_call(repo, clock)
    fake.fail("chat.postMessage", "internal_error", after=1)

    assert await core.deliver() == 0
    assert len(fake.posts_in(GROUP[0])) == 1
    clock.advance(seconds=30)  # the first retry's backoff
    assert await core.deliver() == 1

    assert [m["blocks"] for m in fake.posts_in(GROUP[0])] == [p.blocks for p in parts]
    assert len(fake.calls_to("chat.postMessage")) == len(parts) + 1  # the failed one, once
    assert await outbox_rows(repo) == [("sent", 2, len(parts))]


async def test_a_long_post_rate_limited_on_its_second_part_goes_on_from_it_after_the_pause(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    """Slack takes the first part and answers the second with a 429: the outbox waits out
    the pause (the same claim, no attempt counted) and goes on from the second part."""
    core = slack_process(fake, repo, clock, settings)
    parts = await queue_roll_call(repo, clock)
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "2"}, after=1)

    assert await core.deliver() == 1

    assert [m["blocks"] for m in fake.posts_in(GROUP[0])] == [p.blocks for p in parts]
    assert await outbox_rows(repo) == [("sent", 1, len(parts))]


async def test_a_process_that_dies_after_the_first_part_is_followed_by_one_sending_only_the_rest(
    fake: FakeSlack, clock: FakeClock, settings: Settings, tmp_path: Path
) -> None:
    """Slack took the first part; the process died waiting for the answer to the second. The
    next process, knowing nothing of the first one's memory, reclaims the row once its claim
    went stale and sends from the second part on: the first is not posted twice."""
    db = str(tmp_path / "rapport.db")
    first = await SqliteRepository.open(db)
    parts = await queue_roll_call(first, clock)
    fake.fail("chat.postMessage", HANG, after=1)
    dying = asyncio.create_task(slack_process(fake, first, clock, settings).deliver())
    await fake.until(lambda: len(fake.calls_to("chat.postMessage")) == 2)
    dying.cancel()  # the process is gone: nothing after this runs for it
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    await first.close()
    assert len(fake.posts_in(GROUP[0])) == 1

    clock.advance(seconds=STALE_CLAIM_SECONDS + 1)
    second = await SqliteRepository.open(db)
    try:
        assert await slack_process(fake, second, clock, settings).deliver() == 1
        assert await outbox_rows(second) == [("sent", 2, len(parts))]
    finally:
        await second.close()
    assert [m["blocks"] for m in fake.posts_in(GROUP[0])] == [p.blocks for p in parts]


async def outbox_rows(repo: SqliteRepository) -> list[tuple[str, int, int]]:
    async with repo.transaction() as tx:
        rows = await tx._all("SELECT state, attempts, parts_sent FROM outbox ORDER BY id")
    return [tuple(r) for r in rows]


# --- auth.test, once -----------------------------------------------------------------------
async def test_the_start_up_auth_test_serves_a_burst_of_first_requests(
    fake: FakeSlack, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    """bolt would call auth.test again inside the first request's ack (one per request of a
    burst arriving together): the answer the start-up check got is handed to it instead."""
    db = tmp_path / "rapport.db"
    setup = await assemble(
        settings,
        token="xoxb-test-token",
        signing_secret=SIGNING_SECRET,
        clock=clock,
        database=str(db),
        api_url=fake.base_url,
        process_before_response=True,
        pacer=Pacer(sleep=_no_wait),
    )
    await Workspace(setup, fake).type(ALICE, "/rapport setup Breakfast Club")
    await setup.close()
    fake.calls.clear()

    ready: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    env = SlackEnv("xoxb-test-token", "", SIGNING_SECRET, fake.base_url, SlackSettings())
    task = asyncio.create_task(
        serve(
            settings,
            env,
            http=True,
            port=0,
            host="127.0.0.1",
            database=str(db),
            clock=clock,
            ready=ready.put_nowait,
            stop=stop,
        )
    )
    try:
        url = (await asyncio.wait_for(ready.get(), 10)).split("HTTP on ")[1].split(")")[0]
        people = (ALICE, BOB, CAROL) * 4
        async with aiohttp.ClientSession() as session:
            statuses = await asyncio.gather(
                *(ask(session, url, who, fake, f"burst{i}") for i, who in enumerate(people))
            )
        assert statuses == [200] * len(people)
        await fake.until(lambda: all(fake.responses(f"burst{i}") for i in range(len(people))))
    finally:
        stop.set()
        await task
    assert len(fake.calls_to("auth.test")) == 1  # the start-up check's, and no other


async def ask(
    session: aiohttp.ClientSession, url: str, who: dict, fake: FakeSlack, key: str
) -> int:
    form = slash_form(
        "/rapport",
        "meeting",
        user=who,
        channel_id=GROUP[0],
        channel_name=GROUP[1],
        response_url=fake.response_url(key),
    )
    body = encode_form(form)
    async with session.post(url, data=body, headers=signed_headers(body)) as r:
        return r.status


async def test_a_burst_of_first_requests_asks_auth_test_once(
    ws: Workspace, fake: FakeSlack
) -> None:
    """Without the start-up check (tests, Socket Mode before it connects), the first requests
    arriving together wait for one auth.test instead of making one each."""
    answers = await asyncio.gather(
        *(ws.type(who, "/rapport meeting") for who in (ALICE, BOB, CAROL) * 3)
    )
    assert all(a.status == 200 for a in answers)
    assert len(fake.calls_to("auth.test")) == 1


async def _no_wait(seconds: float) -> None:
    return None


# --- waiting holds no delivery slot -------------------------------------------------------------
@dataclass
class SteppedTime:
    """A monotonic clock that moves only when the test says, and a sleep that lasts until
    then: every wait of the messenger's (pacing, a Retry-After) is seen and held."""

    now: float = 1000.0
    sleepers: list[tuple[float, asyncio.Future[None]]] = field(default_factory=list)
    slept: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sleepers.append((self.now + seconds, done))
        await done

    async def someone_sleeps(self) -> None:
        while not self.sleepers:
            await asyncio.sleep(0)  # a turn of the loop, not time

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for at, done in list(self.sleepers):
            if at <= self.now:
                self.sleepers.remove((at, done))
                if not done.done():
                    done.set_result(None)


def one_slot(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings, time: object
) -> Core:
    """A process delivering through the real Slack messenger with one delivery slot, its
    pacing and rate limits on `time`."""
    limits = RateLimits(time.monotonic, time.sleep)  # type: ignore[attr-defined]
    client = web_client("xoxb-test", fake.base_url, sleep=time.sleep, limits=limits)  # type: ignore[attr-defined]
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)  # type: ignore[attr-defined]
    one = replace(settings, delivery=DeliverySettings(concurrency=1))
    return Core(repo, SlackMessenger(client, pacer, limits), clock, FakeResolver(), one)


async def test_a_long_post_waiting_for_its_channels_pace_gives_its_slot_to_a_dm(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    """One delivery slot. The roll call's second part must wait a second after its first
    (one post a second per channel): meanwhile the slot serves Bob's DM, instead of the
    roll call holding it through the wait; then the roll call goes on, a second a part."""
    time = SteppedTime()
    core = one_slot(fake, repo, clock, settings, time)
    parts = await queue_roll_call(repo, clock)
    async with repo.transaction() as tx:
        bob = UserRef("slack", TEAM, BOB["id"], "Bob")
        await tx.outbox.add(None, bob, HELLO_ONE, int(clock.now().timestamp()))

    delivery = asyncio.create_task(core.deliver())
    await fake.until(lambda: len(fake.dms_to(BOB["id"])) == 1)  # while the roll call waits
    assert len(fake.posts_in(GROUP[0])) == 1
    for taken in range(2, len(parts) + 1):
        await asyncio.wait_for(time.someone_sleeps(), 10)  # the roll call waits its pace
        time.advance(1.0)
        await fake.until(lambda n=taken: len(fake.posts_in(GROUP[0])) == n)
    assert await asyncio.wait_for(delivery, 10) == 2

    channels = [c["channel"] for c in fake.calls_to("chat.postMessage")]
    assert channels == [GROUP[0], BOB["id"], *[GROUP[0]] * (len(parts) - 1)]
    assert [m["blocks"] for m in fake.posts_in(GROUP[0])] == [p.blocks for p in parts]
    assert await outbox_rows(repo) == [("sent", 1, len(parts)), ("sent", 1, 0)]


async def test_stopping_during_a_rate_limits_pause_marks_what_went_and_hands_back_the_rest(
    fake: FakeSlack, repo: SqliteRepository, clock: FakeClock, settings: Settings
) -> None:
    """One slot, three posts in one workspace. The first goes; the second meets a 429
    (Retry-After 30 s), which pauses chat.postMessage there; the third finds the pause. The
    process is told to stop during the pause: it lets go at once, the first is marked sent,
    the other two are handed back untried, and the next process sends each of them once
    (the first not again)."""
    fake.bot_channels |= {"C0A", "C0B", "C0C"}
    time = HeldTime()
    core = one_slot(fake, repo, clock, settings, time)
    now = int(clock.now().timestamp())
    async with repo.transaction() as tx:
        for cid in ("C0A", "C0B", "C0C"):
            await tx.outbox.add(None, post_to(TEAM, cid), OutMessage(lit(f"to {cid}")), now)
    fake.fail(
        "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"}, where="C0B"
    )

    delivery = asyncio.create_task(core.deliver())
    await fake.until(lambda: len(fake.calls_to("chat.postMessage")) == 2)  # A taken, B refused

    async def both_wait() -> None:
        while len(time.held) < 2:
            await asyncio.sleep(0)  # a turn of the loop, not time

    await asyncio.wait_for(both_wait(), 10)  # B waits out the pause, and C, which found it
    core.outbox.stop()
    assert await asyncio.wait_for(delivery, 10) == 1

    assert await outbox_rows(repo) == [("sent", 1, 0), ("pending", 0, 0), ("pending", 0, 0)]
    assert [m["text"] for m in fake.messages.values()] == ["to C0A"]

    time.release(31)
    restarted = one_slot(fake, repo, clock, settings, FakeMonotonic())
    assert await restarted.deliver() == 2
    assert sorted(m["text"] for m in fake.messages.values()) == ["to C0A", "to C0B", "to C0C"]
    assert await outbox_rows(repo) == [("sent", 1, 0), ("sent", 1, 0), ("sent", 1, 0)]
