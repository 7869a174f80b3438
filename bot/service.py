"""The core's front door: a typed line or a button click in, replies out, the outbox delivered.

`Core.handle` parses, resolves mentions through the adapter, runs the command's handler in
one transaction (so a refusal stores nothing), remembers platform request keys (so a retried
request is answered, not redone), and hands what the change queued for other people to the
dispatcher, which delivers it while the author already has their answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, cast

from bot import (
    buttons,
    files,
    messages,
    monthly,
    reminders,
    usage,
    workspaces,
)
from bot.batch import SharedReads
from bot.commands import Command
from bot.config import Settings
from bot.events import Event, Events
from bot.features.home import refresh as home
from bot.features.roster.commands import AllowSeat, LogOneToOne
from bot.grammar import MentionToken, ParseError
from bot.metrics import NO_METRICS, Metrics
from bot.model import DueState, Group, Member, UserRef
from bot.names import plain_typed
from bot.out import OutMessage
from bot.outbox import Outbox
from bot.ports import (
    Clock,
    DueItem,
    MentionResolver,
    Messenger,
    NotAPerson,
    OutboxItem,
    SeatRequest,
)
from bot.registry import HANDLERS, READ_ONLY, parse
from bot.reminders import Outcome
from bot.runners import runner_for
from bot.schedule import local_date
from bot.stores import Repository, UnitOfWork
from bot.work import SYSTEM, Context, Refusal, Work

log = logging.getLogger(__name__)

REQUESTS_KEPT = 2 * 86400  # a platform's retries come within minutes
HOUSEKEEPING_EVERY = 3600  # seconds between sweeps for old requests, messages and files
PRUNE_BATCH = 2000  # sent messages deleted per transaction, so a sweep never holds the lock long

DUE_BATCH = 200
STALE_RUNNING_SECONDS = 300  # a row "running" this long belongs to a process that died


class Core:
    def __init__(
        self,
        repo: Repository,
        messenger: Messenger,
        clock: Clock,
        resolver: MentionResolver,
        settings: Settings,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.repo = repo
        self.metrics = metrics
        self.clock = clock
        self.resolver = resolver
        self.settings = settings
        self._swept_at = 0
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._dispatcher: asyncio.Task[None] | None = None
        self._slow = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapport-after-commit")
        self._more = False  # a command queued messages since the dispatcher last looked
        # the platform gives each person a page of their own (Slack's Home tab), kept current
        self.homes = callable(getattr(messenger, "publish_home", None))
        self.messenger = messenger
        self.outbox = Outbox(
            repo,
            messenger,
            clock,
            on_unreachable=self._unreachable,
            on_needs_admin=self._needs_admin,
            on_refused=self._refused,
            concurrency=settings.delivery.concurrency,
            metrics=metrics,
            on_posted=self._posted,
            home=self._publish_home if self.homes else None,
        )
        # one delivery loop per process: the dispatcher (a direct `deliver` waits its turn)
        self._delivering = asyncio.Lock()
        self._delivered = 0  # messages the platform took, by any delivery loop
        self.events = Events()  # adapters subscribe to what happened (bot.events)

    # --- commands ------------------------------------------------------------------
    async def handle(
        self, ctx: Context, command: str | Command | Callable[[], Command]
    ) -> list[OutMessage]:
        """Run one command for `ctx.actor`; returns what only they see. Never raises.

        `command` is a line as typed, a Command, or (an adapter's typed options) a function
        building one with the command type's own checks: the ParseError it raises is
        answered exactly as the same value typed in a line would be."""
        async with self._working():
            return await self._handle(ctx, command)

    async def _handle(
        self, ctx: Context, command: str | Command | Callable[[], Command]
    ) -> list[OutMessage]:
        try:
            if isinstance(command, str):
                cmd = parse(plain_typed(command))
            elif callable(command):
                cmd = command()
            else:
                cmd = command
        except ParseError as e:
            return self.unparsed(e)
        try:
            replies, queued = await self._run(ctx, cmd)
        except Refusal as r:
            replies = [r.message]
            self.metrics.command_handled(type(cmd).__name__, "refused")
        except Exception:
            log.exception("command failed: %s", type(cmd).__name__)
            self.metrics.command_handled(type(cmd).__name__, "failed")
            return [messages.internal_error(changes=not isinstance(cmd, READ_ONLY))]
        else:
            self.metrics.command_handled(type(cmd).__name__, "ok")
            if queued:  # a command that queued nothing has nothing to wake the dispatcher for
                self.deliver_soon()
        return replies

    def unparsed(self, e: ParseError) -> list[OutMessage]:
        """The answer to a command its grammar (or its type's own checks) refused."""
        self.metrics.command_handled("unparsed", "unparsed")
        if e.unknown is not None:
            return [usage.unknown_command(e.unknown, e.suggestion)]
        today = local_date(self.clock.now(), self.settings.timezone)
        return [usage.usage(e.command, e.problem, today)]

    async def click(self, ctx: Context, action_id: str) -> list[OutMessage]:
        """A button press: the same rules as typing the action's command."""
        try:
            cmd, ctx = await self._action_command(ctx, action_id)
        except Exception:
            log.exception("action failed: %r", action_id[:100])
            return [messages.internal_error()]
        if cmd is None:
            return [
                messages.error(
                    "That button no longer applies; type the command instead"
                    " (/rapport help lists them)."
                )
            ]
        return await self.handle(ctx, cmd)

    async def _action_command(self, ctx: Context, action_id: str) -> tuple[Command | None, Context]:
        button = buttons.parse(action_id)
        if button is None:
            return None, ctx
        if isinstance(button, buttons.AllowSeat):
            return await self._seat_request_command(ctx, button.request_id)
        if isinstance(button, buttons.LogOneToOne):
            return await self._one_to_one_command(ctx, button.member_id)
        return button.command(), ctx

    async def _one_to_one_command(self, ctx: Context, mid: int) -> tuple[Command | None, Context]:
        """ "Log it too" on a 1-2-1 someone logged: as if typed in that member's group channel."""
        a = ctx.actor

        async def look(tx: UnitOfWork) -> tuple[Member | None, Group | None, Member | None]:
            other = await tx.members.by_id(mid)
            group = await tx.groups.get(other.group_id) if other else None
            me = await tx.members.get(group.id, a.user_id) if group else None
            return other, group, me

        other, group, me = await self.repo.read(look)
        # a button naming a member of a group the clicker is not in is forged or stale:
        # answer as for any stale button, naming nothing of that group
        if (
            other is None
            or group is None
            or me is None
            or not me.active
            or (group.platform, group.workspace) != (a.platform, a.workspace)
        ):
            return None, ctx
        return LogOneToOne(member=other.user), dataclasses.replace(ctx, channel=group.channel)

    async def _seat_request_command(
        self, ctx: Context, request_id: int
    ) -> tuple[Command | None, Context]:
        """An admin's "Allow the seat" button, pressed in their DM: as if typed in the group."""
        a = ctx.actor

        async def look(tx: UnitOfWork) -> tuple[SeatRequest | None, Group | None, Member | None]:
            request = await tx.seats.request_by_id(request_id)
            group = await tx.groups.get(request.group_id) if request else None
            me = await tx.members.get(group.id, a.user_id) if group else None
            return request, group, me

        request, group, me = await self.repo.read(look)
        # someone outside the group gets the stale-button answer, naming nothing of it
        if (
            request is None
            or group is None
            or me is None
            or not me.active
            or (group.platform, group.workspace) != (a.platform, a.workspace)
        ):
            return None, ctx
        return AllowSeat(request.user), dataclasses.replace(ctx, channel=group.channel)

    async def _run(self, ctx: Context, cmd: Command) -> tuple[list[OutMessage], int]:
        """The command's replies, and how many messages it queued for other people."""
        handler = HANDLERS[type(cmd)]
        cmd = await self._resolve_mentions(ctx, cmd)
        now = self.clock.now()
        if isinstance(cmd, READ_ONLY):
            return await self._read(ctx, cmd, handler, now), 0
        replayed: list[bool] = []  # a platform's retry, answered as the first time: not counted
        happened: list[Event] = []
        queued = [0]
        wrote: list[Work] = []

        async def unit(tx: UnitOfWork) -> list[OutMessage]:
            if ctx.request_key:
                done = await tx.requests.reply(ctx.request_key)
                if done is not None:
                    replayed.append(True)
                    return [OutMessage.from_json(m) for m in json.loads(done)]
            work = Work(tx, ctx, now, self.settings)
            replies = await handler(work, cmd)
            happened[:] = work.events  # (a retried transaction runs the handler again)
            wrote[:] = [work] if work.files else []
            refreshes = await home.after(work) if self.homes else 0
            queued[0] = work.queued + refreshes  # the dispatcher is woken for these
            if ctx.actor.platform != "system" and await tx.members.take_dm_unreachable(ctx.actor):
                replies = [*replies, messages.you_were_unreachable()]
            if ctx.request_key:
                await tx.requests.save(
                    ctx.request_key, json.dumps([m.to_json() for m in replies]), work.ts
                )
            return replies

        replies = await self.repo.atomic(unit)
        self.events.publish(happened)
        replies = await self._write_files(wrote[0], replies) if wrote else replies
        for kind in () if replayed else [r.kind for r in replies]:
            if kind in ("referral.logged", "lead.logged"):
                self.metrics.referral_logged(kind.removesuffix(".logged"))
        return replies, queued[0]

    async def _write_files(self, work: Work, replies: list[OutMessage]) -> list[OutMessage]:
        """Write the files a command's replies attach, now that its unit of work is over, on
        the worker thread (not the database's); a file that could not be written answers
        instead of the replies."""
        for write in work.files:
            try:
                await asyncio.get_running_loop().run_in_executor(self._slow, write)
            except Refusal as r:
                return [r.message]
        return replies

    async def _read(
        self, ctx: Context, cmd: Command, handler: Any, now: datetime
    ) -> list[OutMessage]:
        """A command that only reads runs in a read-only unit: no write transaction, no lock
        another process's writes wait on. A platform's retry is simply answered again (there
        is nothing to redo), so its request key is not stored. Only when a DM to the member
        was refused since they last heard does a write follow, to tell them once."""

        async def unit(tx: UnitOfWork) -> tuple[list[OutMessage], bool, Work]:
            work = Work(tx, ctx, now, self.settings)
            replies = await handler(work, cmd)
            if work.queued:  # a read-only command must not queue: the read would refuse it
                raise RuntimeError(f"{type(cmd).__name__} queued a message in a read")
            told = ctx.actor.platform != "system" and await tx.members.dm_unreachable(ctx.actor)
            return replies, told, work

        replies, unreachable, work = await self.repo.read(unit)
        self.events.publish(work.events)
        replies = await self._write_files(work, replies)
        if unreachable and await self.repo.atomic(
            lambda tx: tx.members.take_dm_unreachable(ctx.actor)
        ):
            replies = [*replies, messages.you_were_unreachable()]
        return replies

    async def _resolve_mentions(self, ctx: Context, cmd: Command) -> Command:
        """Typed mentions become platform users before the transaction opens (resolving may
        ask the platform, and no lock should wait on a network call). Mentions may stand in
        a field or inside a field's tuples (the attendance marks)."""

        async def resolve(value: object) -> object:
            if isinstance(value, MentionToken):
                try:
                    user = await self.resolver.resolve(value.raw, ctx.actor.workspace)
                except NotAPerson:
                    raise Refusal(messages.not_a_person()) from None
                if user is None:
                    raise Refusal(messages.mention_unresolved(value.raw))
                return user
            if isinstance(value, tuple):
                return tuple([await resolve(v) for v in value])
            return value

        changes = {}
        for f in dataclasses.fields(cmd):
            value = getattr(cmd, f.name)
            resolved = await resolve(value)
            if resolved is not value:
                changes[f.name] = resolved
        return dataclasses.replace(cmd, **changes) if changes else cmd  # type: ignore[arg-type]

    # --- members' own pages (Slack's Home tab) ------------------------------------------
    async def refresh_home(self, user: UserRef) -> None:
        """`user` opened their page: queue it to be built and published (once, however
        many times they open it before it goes)."""
        if not self.homes:
            return
        ts = int(self.clock.now().timestamp())
        await self.repo.atomic(lambda tx: home.queue(tx, [user], ts))
        self.deliver_soon()

    async def _publish_home(self, item: OutboxItem) -> None:
        """A refresh row's delivery: build the page from the state now, and publish it."""
        user = item.target
        if not isinstance(user, UserRef):
            return
        now = self.clock.now()
        page = await self.repo.read(lambda tx: home.page(tx, user, now, self.settings))
        await cast(home.HomeMessenger, self.messenger).publish_home(user, page)

    # --- delivery ------------------------------------------------------------------
    async def _needs_admin(self, item: OutboxItem, how: str) -> None:
        """A post the platform refused for a reason an admin can fix: tell the group's
        current admins how, once for this problem (every message to the channel meets it
        until it is fixed); again only when the reason changes, or when it comes back after
        a post went through."""
        if item.group_id is None:
            return
        now = int(self.clock.now().timestamp())
        group_id = item.group_id

        async def tell(tx: UnitOfWork) -> None:
            group = await tx.groups.get(group_id)
            if group is None or await tx.groups.delivery_problem(group_id) == how:
                return
            await tx.groups.set_delivery_problem(group_id, how)
            for m in await tx.members.of_group(group.id):
                if m.is_admin and m.active:
                    await tx.outbox.add(group.id, m.user, messages.needs_admin(group, how), now)

        await self.repo.atomic(tell)

    @staticmethod
    async def _posted(tx: UnitOfWork, item: OutboxItem) -> None:
        """A post to a group's channel went through: whatever stopped its posts is fixed, so
        the admins hear of the next problem, even one like the last."""
        if item.group_id is not None:
            await tx.groups.set_delivery_problem(item.group_id, None)

    async def _refused(self, item: OutboxItem, why: str) -> None:
        """The platform refused a message itself (too long, malformed): it will never go out.
        The group's admins are told once which message and why, so it is not lost unseen."""
        if item.group_id is None or item.message.kind == messages.REFUSED_KIND:
            return  # (a refused notice is not announced again: that could never end)
        now = int(self.clock.now().timestamp())
        group_id, target, kind = item.group_id, item.target, item.message.kind

        async def tell(tx: UnitOfWork) -> None:
            group = await tx.groups.get(group_id)
            if group is None:
                return
            notice = messages.delivery_refused(group, kind, target, why)
            for m in await tx.members.of_group(group.id):
                if m.is_admin and m.active:
                    await tx.outbox.add(group.id, m.user, notice, now)

        await self.repo.atomic(tell)

    async def _unreachable(self, item: OutboxItem) -> None:
        """The platform refused a DM for good: remember it (the member is told the next time
        they use a command), and when it carried a referral, tell the giver."""
        if not isinstance(item.target, UserRef) or item.group_id is None:
            return
        now = int(self.clock.now().timestamp())
        group_id, user, message = item.group_id, item.target, item.message

        async def remember(tx: UnitOfWork) -> None:
            member = await tx.members.get(group_id, user.user_id)
            if member is None:
                return
            await tx.members.update(member.id, dm_unreachable_at=now)
            r = await tx.referrals.get(message.about) if message.about else None
            group = await tx.groups.get(group_id)
            if message.kind not in ("referral.received", "lead.received"):
                return  # later nudges fail the same way; the giver hears once
            if r is None or group is None or r.receiver_id != member.id:
                return
            giver = await tx.members.by_id(r.giver_id)
            if giver is not None and giver.active:
                await tx.outbox.add(
                    group.id, giver.user, messages.receiver_unreachable(r, member.user), now
                )

        await self.repo.atomic(remember)

    def deliver_soon(self) -> None:
        """Deliver what a command queued, without keeping its author waiting for other
        people's messages: one dispatcher runs until the outbox has nothing due, and a run
        in progress claims the new messages at once, whatever it is waiting on."""
        self._more = True
        self.outbox.wake()
        if self._dispatcher is None:
            self._enter()  # counted from now, so drain() cannot miss it before it starts
            task = asyncio.get_running_loop().create_task(self._dispatch())
            task.add_done_callback(self._dispatcher_gone)
            self._dispatcher = task

    async def settle(self) -> None:
        """Wait until what commands queued has gone out (or failed and waits for its retry):
        the console prints a command's messages under it, and tests look at them."""
        while (task := self._dispatcher) is not None:
            await asyncio.wait({task})
        await self.events.settle()

    async def _dispatch(self) -> None:
        try:
            while self._more:
                self._more = False
                await self.deliver()
        finally:
            # here, not in a done callback: a command committed after this must start a
            # new dispatcher, not count on this one
            self._dispatcher = None
            self._leave()

    def _dispatcher_gone(self, task: asyncio.Task[None]) -> None:
        if self._dispatcher is task:  # cancelled before it first ran, so no finally ran
            self._dispatcher = None
            self._leave()

    async def deliver(self) -> int:
        """Send what is due in the outbox now. Failures stay queued for a later try. One loop
        runs at a time: a second caller waits for it, then looks again (what it queued meanwhile
        may still be due)."""
        async with self._delivering:
            try:
                delivered = await self.outbox.deliver()
            except Exception:
                log.exception("outbox delivery failed; will retry")
                return 0
            self._delivered += delivered
            return delivered

    # --- time ----------------------------------------------------------------------
    async def next_due(self) -> datetime | None:
        """The earliest moment something is waiting to run or go out, if anything is."""

        async def soonest(tx: UnitOfWork) -> list[int]:
            return [t for t in (await tx.outbox.next_due(), await tx.due.next()) if t is not None]

        times = await self.repo.read(soonest)
        return datetime.fromtimestamp(min(times), UTC) if times else None

    async def run_due(self, now: datetime) -> int:
        """Run every piece of scheduled work due at `now` and wait until what it queued (and
        anything else due) went out; returns how many messages went out. The console's clock
        and tests call this; the scheduler's tick calls `queue_due`, which does not wait."""
        async with self._working():
            delivered = self._delivered
            await self._run_due(now)
        await self.settle()
        return self._delivered - delivered

    async def queue_due(self, now: datetime) -> int:
        """The scheduler's tick: run the scheduled work due at `now`, queue what it sends and
        wake the dispatcher (for that, and for retries now due); never waits for delivery.
        Returns how many pieces of work ran."""
        async with self._working():
            return await self._run_due(now)

    @asynccontextmanager
    async def _working(self) -> AsyncIterator[None]:
        self._enter()
        try:
            yield
        finally:
            self._leave()

    def _enter(self) -> None:
        self._busy += 1
        self._idle.clear()

    def _leave(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self._idle.set()

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for commands and scheduled work in flight to finish (shutting down), so the
        database is not closed under them; what is still queued waits for the next start.
        Delivery stops after the message in hand: a backlog would outlast the timeout."""
        self.outbox.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.events.settle(), timeout)

    async def _run_due(self, now: datetime) -> int:
        """Run every piece of scheduled work due at `now`, oldest first, and wake the
        dispatcher for what it queued. Each row is claimed atomically and finished in the
        same transaction as the messages it queues, so a crash or a second process never
        runs it twice. Returns how many pieces of work ran."""
        ran = 0
        ts = int(now.timestamp())
        await self._housekeeping(ts)
        # a clock set back since: what it finished in its future is judged again
        await self.repo.atomic(lambda tx: _reopen_after_clock_step(tx, now))
        while True:
            items = await self.repo.atomic(
                lambda tx: tx.due.claim(ts, DUE_BATCH, ts - STALE_RUNNING_SECONDS)
            )
            ran += await self._run_batch(items, now)
            self.metrics.due_work_ran(items, now)
            if len(items) < DUE_BATCH:
                break
            # a reminder minute is many batches: the first groups' messages go out while the
            # later ones are still being written
            self.deliver_soon()
        if ran:
            log.info("ran %s piece(s) of scheduled work", ran)
        self.deliver_soon()  # what it queued, and retries now due
        return ran

    async def _housekeeping(self, ts: int) -> None:
        """Forget request keys, installers' states and the stored copies of messages old
        enough, and expired files: deletes any process may repeat. (Prospects' contact
        details are erased by due work, bot.retention, so exactly one worker does that.)"""
        if ts - self._swept_at < HOUSEKEEPING_EVERY:
            return
        self._swept_at = ts

        async def sweep(tx: UnitOfWork) -> None:
            await tx.requests.prune(ts - REQUESTS_KEPT)
            await tx.workspaces.prune_install_states(ts)  # installers' states never used

        await self.repo.atomic(sweep)
        sent_before = ts - self.settings.privacy.sent_messages_days * 86400
        pruned = PRUNE_BATCH
        while pruned == PRUNE_BATCH:
            pruned = await self.repo.atomic(lambda tx: tx.outbox.prune(sent_before, PRUNE_BATCH))
        files.prune(self.settings, ts - self.settings.privacy.files_days * 86400)
        await workspaces.erase_expired(self.repo, self.settings, ts)

    # --- workspaces the app leaves and comes back to -----------------------------------
    async def workspace_left(
        self, platform: str, workspace: str, reason: str, happened_at: int | None = None
    ) -> int | None:
        """The app was uninstalled from `workspace` (or its token revoked) at `happened_at`:
        forget its installation and drop what was queued there; its data is erased after the
        grace period. None when the event predates the current installation (bot.workspaces)."""
        now = int(self.clock.now().timestamp())
        return await workspaces.left(self.repo, platform, workspace, reason, now, happened_at)

    async def workspace_back(self, platform: str, workspace: str) -> bool:
        """The app was installed in `workspace` again: its data stays."""
        return await workspaces.back(self.repo, platform, workspace)

    async def _run_batch(self, items: list[DueItem], now: datetime) -> int:
        """Run claimed items together: each is its own unit of work, queued in order, so the
        repository commits them in a few transactions instead of one each; the group-level
        reads they share are made once (bot.batch)."""
        if self.repo.units_in_order:
            memo: dict[Hashable, Any] = {}
            return sum(await asyncio.gather(*(self._run_item(item, now, memo) for item in items)))
        # Units side by side, each in its own transaction: a unit could use what another
        # planned before that one committed (or failed). So a group's units run one after
        # another, sharing what they read; the groups run side by side.
        chapters: dict[int, list[DueItem]] = {}
        for item in items:
            chapters.setdefault(item.group_id, []).append(item)

        async def chapter(mine: list[DueItem]) -> int:
            shared: dict[Hashable, Any] = {}
            return sum([await self._run_item(item, now, shared) for item in mine])

        return sum(await asyncio.gather(*(chapter(mine) for mine in chapters.values())))

    async def _run_item(
        self, item: DueItem, now: datetime, memo: dict[Hashable, Any] | None = None
    ) -> int:

        async def unit(raw: UnitOfWork) -> tuple[Outcome, Work] | None:
            if memo is None:
                return await run(raw)
            try:
                return await run(cast(UnitOfWork, SharedReads(raw, memo)))
            except BaseException:
                memo.clear()  # its changes are rolled back; what the batch kept may rest on them
                raise

        async def run(tx: UnitOfWork) -> tuple[Outcome, Work] | None:
            group = await tx.groups.get(item.group_id)
            if group is None:
                await tx.due.finish(item, DueState.CANCELLED, int(now.timestamp()), "no group")
                return None
            work = Work(tx, SYSTEM, now, self.settings)
            outcome = await runner_for(item.kind)(work, item, group)
            if self.homes:
                await home.after(work, actor=False)  # a meeting held: the next one shows
            if outcome.state == DueState.POSTPONED:
                assert outcome.postpone_to is not None
                kept = await tx.due.postpone(item, outcome.postpone_to)
            else:
                kept = await tx.due.finish(item, outcome.state, work.ts, outcome.note)
            if not kept:  # another process reclaimed it: undo what we queued
                raise _LostClaim()
            return outcome, work

        try:
            done = await self.repo.atomic(unit)
            if done is None:
                return 0
            outcome, work = done
            self.events.publish(work.events)
            for job in work.after_commit:
                try:
                    # a chart takes ~200 ms to draw: on the event loop, a batch of recaps
                    # would hold up every platform's acks; one worker draws them in turn
                    then = await asyncio.get_running_loop().run_in_executor(self._slow, job)
                    if then is not None:
                        await self.repo.atomic(then)
                except Exception:
                    log.exception("due work %s: a follow-up step failed", item.id)
            return 1 if outcome.state == DueState.DONE else 0
        except _LostClaim:
            log.warning("due work %s was reclaimed by another process; left to it", item.id)
            return 0
        except Exception:
            log.exception("due work %s (%s) failed; it will be retried", item.id, item.kind)
            return 0


async def _reopen_after_clock_step(tx: UnitOfWork, now: datetime) -> int:
    """Work a clock since set back finished in its future: meeting work, then the month's."""
    return await reminders.reopen_after_clock_step(tx, now) + await monthly.reopen_after_clock_step(
        tx, now
    )


class _LostClaim(Exception):
    """Another process reclaimed a due row while this one worked on it."""
