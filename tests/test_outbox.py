"""The outbox on a real SQLite file: what a command queues is delivered once and marked sent;
failures wait out a backoff, give up after MAX_ATTEMPTS, never retry an unreachable person;
a crashed process's claim is taken over; two processes never both send a message; and the
stored JSON form of a message keeps every part of it."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.features.referrals import messages as referrals_messages
from bot.model import ChannelRef, UserRef
from bot.out import Action, Field, OutMessage
from bot.outbox import MAX_ATTEMPTS
from bot.ports import OutboxItem
from bot.service import Core
from bot.text import Link, Mention, Rich, UserText, When, lit
from bot.work import Context
from storage.databases import is_postgres, open_repository
from storage.sqlite import SqliteRepository
from tests import pg
from tests.conftest import Chat
from tests.fakes import FakeClock, FakeResolver, RecordingMessenger, Sent, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

REFERRAL = "/referral @bob Jane Roe jane@roe.example -- new geyser"
REFERRAL_KINDS = ("referral.received", "referral.post")


@dataclass
class CountingMessenger(RecordingMessenger):
    """A RecordingMessenger that also notes every delivery attempt, failed or not, as
    (recipient, message kind): a user id, or "#channel" for a post."""

    tries: list[tuple[str, str]] = field(default_factory=list)
    # a slow platform: while this is cleared, every delivery waits for it
    open: asyncio.Event = field(default_factory=asyncio.Event)
    tried: asyncio.Event = field(default_factory=asyncio.Event)  # set at every attempt

    def __post_init__(self) -> None:
        self.open.set()

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.tries.append((to.user_id, message.kind))
        self.tried.set()
        await self.open.wait()
        await super().send_dm(to, message)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.tries.append((f"#{channel.channel_id}", message.kind))
        self.tried.set()
        await self.open.wait()
        await super().post(channel, message)

    def of_kind(self, *kinds: str) -> list[Sent]:
        """What was delivered of these kinds (scheduled work may send other things too)."""
        return [s for s in self.sent if s.message.kind in kinds]

    def tries_of(self, *kinds: str) -> list[tuple[str, str]]:
        return [t for t in self.tries if t[1] in kinds]

    def clear(self) -> None:
        super().clear()
        self.tries.clear()


# --- fixtures: the conftest ones, on a database a plain connection can read beside them -------
@pytest.fixture
def db_path(database: str) -> str:
    return database  # a SQLite file, or a PostgreSQL schema's URL


@pytest.fixture
async def repo(db_path: str) -> AsyncIterator[SqliteRepository]:
    r = await open_repository(db_path)
    yield r
    await r.close()


@pytest.fixture
def messenger() -> CountingMessenger:
    return CountingMessenger()


# --- helpers ---------------------------------------------------------------------------------
def ts(at: datetime) -> int:
    return int(at.timestamp())


def rows(path: str, *kinds: str) -> list[dict[str, object]]:
    """Outbox rows, oldest first, with the message kind read from the stored payload."""
    out = []
    for row in query(path, "SELECT * FROM outbox ORDER BY id"):
        row["kind"] = json.loads(str(row["payload"]))["kind"]
        if not kinds or row["kind"] in kinds:
            out.append(row)
    return out


def query(path: str, sql: str, args: tuple[object, ...] = ()) -> list[dict[str, object]]:
    if is_postgres(path):
        return pg.run_sync(path, sql, args)
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        found = [dict(r) for r in db.execute(sql, args)]
        db.commit()
    return found


def execute(path: str, sql: str, args: tuple[object, ...] = ()) -> None:
    query(path, sql, args)


def settings() -> Settings:
    return Settings(timezone="Africa/Johannesburg", currency="ZAR")


# --- delivery ----------------------------------------------------------------------------------
async def test_a_commands_messages_are_delivered_once_and_marked_sent(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    assert "Referral #1 to @bob is logged" in await group("alice", REFERRAL)

    [dm] = messenger.dms_to("bob")
    assert "alice passed you a referral: Jane Roe" in dm.text
    [post] = messenger.posts()
    assert post.text == "@alice passed a referral to @bob."
    queued = rows(db_path, "referral.received", "referral.post")
    assert [(r["kind"], r["state"], r["attempts"]) for r in queued] == [
        ("referral.received", "sent", 1),
        ("referral.post", "sent", 1),
    ]
    assert all(r["sent_at"] == ts(clock.now()) and r["last_error"] is None for r in queued)
    assert all(r["state"] == "sent" for r in rows(db_path))  # the setup and join posts too

    clock.advance(days=2)
    await core.run_due(clock.now())
    assert len(messenger.of_kind(*REFERRAL_KINDS)) == 2
    assert messenger.tries_of(*REFERRAL_KINDS) == [
        ("bob", "referral.received"),
        ("#general", "referral.post"),
    ]


async def test_the_author_is_answered_while_the_platform_is_still_taking_the_messages(
    group: Chat, messenger: CountingMessenger, db_path: str, core: Core
) -> None:
    messenger.open.clear()  # the platform is slow
    # (a guard, not a measurement: an answer that waited for the platform would never come)
    replies = await asyncio.wait_for(core.handle(Context(user("alice"), channel()), REFERRAL), 30)

    assert "Referral #1 to @bob is logged" in replies[0].fallback()
    assert messenger.of_kind(*REFERRAL_KINDS) == []
    assert all(r["state"] != "sent" for r in rows(db_path, *REFERRAL_KINDS))

    messenger.open.set()
    await core.settle()
    assert [s.message.kind for s in messenger.of_kind(*REFERRAL_KINDS)] == list(REFERRAL_KINDS)
    assert [r["state"] for r in rows(db_path, *REFERRAL_KINDS)] == ["sent", "sent"]


async def test_shutting_down_finishes_the_message_in_hand_and_hands_the_rest_back(
    group: Chat,
    messenger: CountingMessenger,
    db_path: str,
    core: Core,
    repo: SqliteRepository,
    clock: FakeClock,
) -> None:
    """Closing the database under a delivery would leave its messages 'sending', to go out a
    second time once a later start took the claim for abandoned; waiting for a whole backlog
    would outlast any shutdown. So the message in hand goes out and is marked, and the rest
    of the claim is handed back for the next start."""
    core.outbox.concurrency = 1  # one delivery slot: Bob's DM is in hand, the post waits for it
    messenger.open.clear()
    messenger.tried.clear()
    await core.handle(Context(user("alice"), channel()), REFERRAL)
    await asyncio.wait_for(messenger.tried.wait(), 30)  # the dispatcher has Bob's DM in hand
    stopping = asyncio.create_task(core.drain())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not stopping.done()  # it waits for the message in hand

    messenger.open.set()
    await stopping
    queued = rows(db_path, *REFERRAL_KINDS)
    assert [(r["kind"], r["state"], r["attempts"]) for r in queued] == [
        ("referral.received", "sent", 1),
        ("referral.post", "pending", 0),
    ]

    restarted = Core(repo, messenger, clock, FakeResolver(), settings())
    await restarted.run_due(clock.now())
    assert messenger.tries_of(*REFERRAL_KINDS) == [
        ("bob", "referral.received"),
        ("#general", "referral.post"),
    ]


async def test_failed_deliveries_wait_out_the_backoff_and_then_go_out_once(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    start = ts(clock.now())
    messenger.fail_next = 2
    # the platform failing does not fail the command: it is stored and the giver told so
    assert "Referral #1 to @bob is logged" in await group("alice", REFERRAL)

    assert messenger.sent == []
    queued = rows(db_path, "referral.received", "referral.post")
    assert [(r["state"], r["attempts"], r["next_attempt_at"]) for r in queued] == [
        ("pending", 1, start + 30),
        ("pending", 1, start + 30),
    ]
    assert all(r["last_error"] == "platform unavailable" for r in queued)

    clock.advance(seconds=29)
    assert await core.run_due(clock.now()) == 0
    assert messenger.sent == []
    assert [r["state"] for r in rows(db_path, "referral.received", "referral.post")] == [
        "pending",
        "pending",
    ]

    clock.advance(seconds=1)
    assert await core.run_due(clock.now()) == 2
    [dm] = messenger.dms_to("bob")
    assert "Jane Roe" in dm.text
    assert [p.text for p in messenger.posts()] == ["@alice passed a referral to @bob."]
    delivered = rows(db_path, "referral.received", "referral.post")
    assert [(r["state"], r["attempts"]) for r in delivered] == [("sent", 2), ("sent", 2)]

    clock.advance(hours=6)
    await core.run_due(clock.now())
    assert len(messenger.of_kind(*REFERRAL_KINDS)) == 2
    assert len(messenger.tries_of(*REFERRAL_KINDS)) == 4  # two failed, two delivered


async def test_the_backoff_doubles_from_thirty_seconds(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    start = ts(clock.now())
    messenger.fail_next = 2
    assert "is logged" in await group("alice", "/onetoone @bob -- coffee")
    [row] = rows(db_path, "onetoone.dm")
    assert (row["state"], row["next_attempt_at"]) == ("pending", start + 30)

    clock.advance(seconds=30)
    assert await core.run_due(clock.now()) == 0
    [row] = rows(db_path, "onetoone.dm")
    assert (row["state"], row["attempts"], row["next_attempt_at"]) == (
        "pending",
        2,
        start + 30 + 60,
    )

    clock.advance(seconds=59)
    assert await core.run_due(clock.now()) == 0
    assert messenger.sent == []

    clock.advance(seconds=1)
    assert await core.run_due(clock.now()) == 1
    [dm] = messenger.dms_to("bob")
    assert dm.text == "@alice logged a 1-2-1 with you. If you met, log it too: it counts once."
    assert messenger.tries == [("bob", "onetoone.dm")] * 3


async def test_a_message_is_given_up_after_max_attempts_and_not_retried(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    messenger.fail_next = 10_000
    assert "is logged" in await group("alice", "/onetoone @bob")

    delays = []
    for _ in range(MAX_ATTEMPTS + 5):
        [row] = rows(db_path, "onetoone.dm")
        if row["state"] != "pending":
            break
        delays.append(row["next_attempt_at"] - ts(clock.now()))
        clock.set(datetime.fromtimestamp(row["next_attempt_at"], UTC))
        await core.run_due(clock.now())

    [row] = rows(db_path, "onetoone.dm")
    assert row["state"] == "failed"
    assert row["attempts"] == MAX_ATTEMPTS
    assert row["last_error"] == "platform unavailable"
    assert delays == [min(30 * 2**i, 3600) for i in range(MAX_ATTEMPTS - 1)]
    assert messenger.tries == [("bob", "onetoone.dm")] * MAX_ATTEMPTS

    # the platform recovers; a failed message still stays failed
    messenger.fail_next = 0
    clock.advance(days=3)
    await core.run_due(clock.now())
    assert messenger.of_kind("onetoone.dm") == []
    assert messenger.tries_of("onetoone.dm") == [("bob", "onetoone.dm")] * MAX_ATTEMPTS
    [row] = rows(db_path, "onetoone.dm")
    assert (row["state"], row["attempts"]) == ("failed", MAX_ATTEMPTS)


async def test_an_unreachable_recipient_fails_at_once_and_the_post_still_goes_out(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    messenger.unreachable.add("bob")
    assert "Referral #1 to @bob is logged" in await group("alice", REFERRAL)

    assert messenger.dms_to("bob") == []
    assert [p.text for p in messenger.posts()] == ["@alice passed a referral to @bob."]
    dm_row, post_row = rows(db_path, "referral.received", "referral.post")
    assert (dm_row["state"], dm_row["attempts"]) == ("failed", 1)
    assert "unreachable" in str(dm_row["last_error"])
    assert post_row["state"] == "sent"

    for _ in range(5):
        clock.advance(hours=2)
        await core.run_due(clock.now())
    assert messenger.tries_of("referral.received") == [("bob", "referral.received")]
    assert len(messenger.of_kind("referral.post")) == 1
    dm_row, _ = rows(db_path, "referral.received", "referral.post")
    assert (dm_row["state"], dm_row["attempts"]) == ("failed", 1)


async def test_a_row_left_sending_by_a_crashed_process_is_reclaimed_and_delivered_once(
    group: Chat, messenger: CountingMessenger, db_path: str, clock: FakeClock, core: Core
) -> None:
    now = ts(clock.now())
    messenger.fail_next = 2
    assert "is logged" in await group("alice", REFERRAL)
    dm_row, post_row = rows(db_path, "referral.received", "referral.post")
    # a process that crashed an hour ago held the DM; a live one claimed the post a minute ago
    execute(
        db_path,
        "UPDATE outbox SET state = 'sending', claimed_at = ? WHERE id = ?",
        (now - 3600, dm_row["id"]),
    )
    execute(
        db_path,
        "UPDATE outbox SET state = 'sending', claimed_at = ? WHERE id = ?",
        (now - 60, post_row["id"]),
    )

    assert await core.run_due(clock.now()) == 1
    assert len(messenger.dms_to("bob")) == 1
    assert messenger.posts() == []  # still another process's, for now
    dm_row, post_row = rows(db_path, "referral.received", "referral.post")
    assert (dm_row["state"], dm_row["sent_at"]) == ("sent", now)
    assert post_row["state"] == "sending"

    # the live process never finishes: after five minutes its claim is stale too
    clock.advance(seconds=4 * 60)
    assert await core.run_due(clock.now()) == 0
    clock.advance(seconds=61)
    assert await core.run_due(clock.now()) == 1
    clock.advance(minutes=10)
    assert await core.run_due(clock.now()) == 0

    assert len(messenger.of_kind("referral.received")) == 1
    assert [p.text for p in messenger.of_kind("referral.post")] == [
        "@alice passed a referral to @bob."
    ]
    assert [r["state"] for r in rows(db_path, "referral.received", "referral.post")] == [
        "sent",
        "sent",
    ]


@pytest.mark.parametrize("batch", [None, 7], ids=["default-batch", "batch-of-7"])
async def test_two_processes_deliver_each_message_exactly_once(
    db_path: str, repo: SqliteRepository, clock: FakeClock, batch: int | None
) -> None:
    now = ts(clock.now())
    async with repo.transaction() as tx:
        for i in range(200):
            target = user(f"member{i % 9}") if i % 4 else channel(f"room{i % 3}")
            await tx.outbox.add(None, target, OutMessage(lit(f"message {i}"), kind="test"), now)

    other_repo = await open_repository(db_path)
    try:
        one, two = RecordingMessenger(), RecordingMessenger()
        core_one = Core(repo, one, clock, FakeResolver(), settings())
        core_two = Core(other_repo, two, clock, FakeResolver(), settings())
        if batch is None:
            counts = await asyncio.gather(core_one.deliver(), core_two.deliver())
        else:
            counts = await asyncio.gather(
                core_one.outbox.deliver(batch=batch), core_two.outbox.deliver(batch=batch)
            )
    finally:
        await other_repo.close()

    texts = [s.text for s in one.sent + two.sent]
    assert sorted(texts) == sorted(f"message {i}" for i in range(200))
    assert sum(counts) == 200
    assert counts == [len(one.sent), len(two.sent)]
    assert {r["state"] for r in rows(db_path)} == {"sent"}
    assert {r["attempts"] for r in rows(db_path)} == {1}


async def test_a_claimed_row_is_not_claimed_again_by_another_connection(
    db_path: str, repo: SqliteRepository, clock: FakeClock
) -> None:
    now = ts(clock.now())
    async with repo.transaction() as tx:
        for i in range(20):  # to twenty people: each conversation has one message to claim
            await tx.outbox.add(None, user(f"member{i}"), OutMessage(lit(f"message {i}")), now)

    other_repo = await open_repository(db_path)
    try:
        async with repo.transaction() as tx:
            first = await tx.outbox.claim(now, 15, now - 300)
        async with other_repo.transaction() as tx:
            second = await tx.outbox.claim(now, 15, now - 300)
        async with repo.transaction() as tx:
            third = await tx.outbox.claim(now + 299, 15, now - 1)
    finally:
        await other_repo.close()

    assert len(first) == 15
    assert len(second) == 5
    assert third == []  # claimed a moment ago by live processes: not theirs to take
    texts = [i.message.fallback() for i in first + second]
    assert sorted(texts) == sorted(f"message {i}" for i in range(20))
    assert {r["state"] for r in rows(db_path)} == {"sending"}


async def test_pruning_deletes_only_messages_delivered_or_given_up_on_long_ago(
    db_path: str, repo: SqliteRepository, clock: FakeClock
) -> None:
    now = ts(clock.now())
    old, recent = now - 40 * 86400, now - 86400
    states = {  # text: (state, next_attempt_at, sent_at)
        "sent long ago": ("sent", old, old),
        "given up long ago": ("failed", old, None),
        "overdue (the bot was down)": ("pending", old, None),
        "claimed long ago": ("sending", old, None),
        "queued long ago, sent yesterday": ("sent", recent, recent),
    }
    async with repo.transaction() as tx:
        for text, (state, attempt_at, sent_at) in states.items():
            await tx.outbox.add(None, user("bob"), OutMessage(lit(text)), old)
            await tx._db.execute(
                "UPDATE outbox SET state = ?, next_attempt_at = ?, sent_at = ?"
                " WHERE id = (SELECT MAX(id) FROM outbox)",
                (state, attempt_at, sent_at),
            )
        assert await tx.outbox.prune(now - 30 * 86400, 2000) == 2

    kept = [json.loads(r["payload"])["text"] for r in rows(db_path)]
    assert kept == [
        ["overdue (the bot was down)"],
        ["claimed long ago"],
        ["queued long ago, sent yesterday"],
    ]


async def test_handing_back_a_claim_leaves_a_row_another_process_has_taken_over(
    db_path: str, repo: SqliteRepository, clock: FakeClock
) -> None:
    now = ts(clock.now())
    async with repo.transaction() as tx:
        for who in ("bob", "carol"):
            await tx.outbox.add(None, user(who), OutMessage(lit(f"to {who}")), now)
        mine = await tx.outbox.claim(now, 2, now - 300)
    # this process stalls; six minutes on, another one takes Bob's message over as abandoned
    execute(db_path, "UPDATE outbox SET claimed_at = ? WHERE id = ?", (now - 400, mine[0].id))
    other = await open_repository(db_path)
    try:
        async with other.transaction() as tx:
            [taken] = await tx.outbox.claim(now, 10, now - 300)
    finally:
        await other.close()
    assert taken.id == mine[0].id and taken.claim != mine[0].claim
    async with repo.transaction() as tx:
        await tx.outbox.release(mine)  # then this one stops

    states = [(r["state"], r["attempts"]) for r in rows(db_path)]
    assert states == [("sending", 2), ("pending", 0)]


async def test_a_worker_whose_claim_was_taken_over_cannot_change_the_row(
    db_path: str, repo: SqliteRepository, clock: FakeClock
) -> None:
    """Every change after a claim checks the claim's token: the slow worker's "sent", retry
    and "failed" all leave the row to the worker that took it over."""
    now = ts(clock.now())
    async with repo.transaction() as tx:
        await tx.outbox.add(None, user("bob"), OutMessage(lit("hello")), now)
        [slow] = await tx.outbox.claim(now, 1, now - 300)
    async with repo.transaction() as tx:
        [fresh] = await tx.outbox.claim(now + 301, 1, now + 1)  # stale: taken over
        assert await tx.outbox.sent([(fresh, now + 302)]) == 1
    async with repo.transaction() as tx:
        assert await tx.outbox.retry(slow, now + 330, "late failure") is False
        assert await tx.outbox.failed(slow, "late failure") is False
        assert await tx.outbox.sent([(slow, now + 303)]) == 0
        await tx.outbox.release([slow])
    [row] = rows(db_path)
    assert (row["state"], row["sent_at"], row["attempts"], row["last_error"]) == (
        "sent",
        now + 302,
        2,
        None,
    )


async def test_a_conversation_has_one_message_claimed_at_a_time_in_queued_order(
    db_path: str, repo: SqliteRepository, clock: FakeClock
) -> None:
    """Bob's second message is not claimed while his first is going out, nor while his first
    waits out a retry's backoff: a later message never overtakes an earlier one in its
    conversation, and never goes out beside it. One scheduled for later (after his quiet
    hours) holds up nothing queued for now."""
    now = ts(clock.now())
    async with repo.transaction() as tx:
        later = OutMessage(lit("tomorrow"), kind="later")
        await tx.outbox.add(None, user("bob"), later, now, now + 3600)
        for text in ("first", "second", "third"):
            await tx.outbox.add(None, user("bob"), OutMessage(lit(text)), now)
        await tx.outbox.add(None, channel(), OutMessage(lit("post")), now)

    async def claim(at: int) -> dict[str, OutboxItem]:
        async with repo.transaction() as tx:
            return {i.message.fallback(): i for i in await tx.outbox.claim(at, 10, at - 300)}

    async def sent(item: OutboxItem, at: int) -> None:
        async with repo.transaction() as tx:
            await tx.outbox.sent([(item, at)])

    async def failed_once(item: OutboxItem, retry_at: int) -> None:
        async with repo.transaction() as tx:
            await tx.outbox.retry(item, retry_at, "platform unavailable")

    claimed = await claim(now)
    assert sorted(claimed) == ["first", "post"]
    assert await claim(now) == {}  # "second" waits while "first" is going out
    await sent(claimed["post"], now)
    await failed_once(claimed["first"], now + 30)
    assert await claim(now + 10) == {}  # ... and while "first" waits out its backoff
    first = (await claim(now + 30))["first"]
    assert await claim(now + 30) == {}
    await failed_once(first, now + 90)
    assert await claim(now + 60) == {}
    first = (await claim(now + 90))["first"]
    await sent(first, now + 91)
    second = (await claim(now + 91))["second"]
    assert await claim(now + 91) == {}
    await sent(second, now + 92)
    third = (await claim(now + 92))["third"]
    await sent(third, now + 93)
    assert list(await claim(now + 3600)) == ["tomorrow"]


# --- the stored form of a message ----------------------------------------------------------------
def test_an_out_message_survives_its_json_round_trip() -> None:
    alice = user("alice")
    bob = UserRef("test", "w1", "U02", "Bob “the plumber” Smith")
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    message = OutMessage(
        text=Rich(
            (
                "🙏 ",
                Mention(alice),
                " passed ",
                UserText('*Jane* <@U99> {"m": 1} & Roe'),
                " to ",
                Mention(bob),
                " — meeting ",
                When(at, "Africa/Johannesburg"),
                ". ",
                Link("mailto:jane@roe.example?subject=Hi%20there", "Send the introduction"),
            )
        ),
        title="New referral from alice",
        fields=(
            Field("Prospect", Rich((UserText("Jane Roe"),))),
            Field("Heat", lit("4/5 (hot)")),
            Field("Empty", Rich(())),
        ),
        actions=(
            Action("Contacted", "ref:1:contacted", lit("/referrals update 1 contacted"), "primary"),
            Action("No sale", "ref:1:lost", Rich(("/thanks ", Mention(alice), " 1")), "danger"),
        ),
        ephemeral=True,
        kind="referral.received",
        attachments=("/tmp/recap.pdf",),
    )

    back = OutMessage.from_json(message.to_json())

    assert back == message
    assert [type(p) for p in back.text.parts] == [type(p) for p in message.text.parts]
    assert back.fallback() == (
        '🙏 @alice passed *Jane* <@U99> {"m": 1} & Roe to @Bob “the plumber” Smith — meeting'
        " Wed 2 Dec 07:00. Send the introduction: mailto:jane@roe.example?subject=Hi%20there"
        "\nProspect: Jane Roe\nHeat: 4/5 (hot)\nEmpty: "
    )
    assert back.mentions() == (alice, bob)


def test_a_time_in_another_zone_keeps_its_instant() -> None:
    local = datetime(2026, 12, 2, 7, 0, tzinfo=ZoneInfo("Africa/Johannesburg"))
    message = OutMessage(Rich(("Next: ", When(local, "Europe/London"))))
    back = OutMessage.from_json(message.to_json())
    [_, when] = back.text.parts
    assert isinstance(when, When)
    assert when.at == local
    assert back.fallback() == "Next: Wed 2 Dec 05:00"


async def test_a_queued_dm_keeps_its_mentions_fields_and_buttons(
    group: Chat, messenger: CountingMessenger, repo: SqliteRepository
) -> None:
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- new geyser")

    [dm] = messenger.dms_to("bob")
    m = dm.message
    # exactly what the handler wrote into the outbox, rebuilt from the stored referral
    async with repo.transaction() as tx:
        referral = await tx.referrals.get(1)
    assert referral is not None
    assert m == referrals_messages.referral_received_dm(referral, user("alice"))

    assert m.title == "New referral from alice"
    assert m.mentions() == (user("alice"),)
    shown = [(f.name, f.value.plain()) for f in m.fields]
    for expected in [
        ("Prospect", "Jane Roe"),
        ("Email", "jane@roe.example"),
        ("Phone", "082 555 1234"),
        ("Need", "new geyser"),
    ]:
        assert expected in shown
    # what people typed stays marked as their text, for the platform to escape
    assert m.fields[0].value.parts == (UserText("Jane Roe"),)
    buttons = {a.action_id: (a.command.plain(), a.style) for a in m.actions}
    assert buttons["ref:1:contacted"] == ("/referrals update 1 contacted", "primary")
    assert buttons["ref:1:lost"] == ("/referrals update 1 lost", "danger")
    # and a button from the delivered DM works
    assert "#1 is now contacted" in await group.click("bob", "ref:1:contacted")
