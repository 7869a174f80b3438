"""A workspace the app was taken out of: what was queued for it is dropped, a message the
platform can no longer take there is dropped quietly (nobody is told, nobody is marked
unreachable), its groups' data is erased once the grace period is over, and a return
before then keeps everything."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import workspaces
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import WorkspaceGone
from bot.work import Context
from tests.fakes import PLATFORM, WORKSPACE, RecordingMessenger, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases


@dataclass
class LeavingMessenger(RecordingMessenger):
    """Refuses every message to a workspace in `gone`, as a messenger without its token does."""

    gone: set[str] = field(default_factory=set)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        if to.workspace in self.gone:
            raise WorkspaceGone(f"not installed in {to.workspace}")
        await super().send_dm(to, message, key=key)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        if channel.workspace in self.gone:
            raise WorkspaceGone(f"not installed in {channel.workspace}")
        await super().post(channel, message, key=key)


async def outbox(repo, after: int = 0) -> list[tuple[str, str | None]]:
    async with repo.transaction() as tx:
        rows = await tx._all(
            "SELECT state, last_error FROM outbox WHERE id > ? ORDER BY id", (after,)
        )
    return [(r["state"], r["last_error"]) for r in rows]


async def last_id(repo) -> int:
    async with repo.transaction() as tx:
        row = await tx._one("SELECT COALESCE(max(id), 0) FROM outbox")
    return int(row[0])


async def test_a_message_to_a_workspace_without_the_app_is_dropped_quietly(
    group, core, repo, clock, settings
):
    messenger = LeavingMessenger(gone={WORKSPACE})
    core.outbox.messenger = messenger
    before = await last_id(repo)
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- a roof")
    await core.run_due(clock.advance(hours=1))
    assert messenger.sent == []
    rows = await outbox(repo, before)
    assert rows and all(
        (state, error) == ("failed", f"dropped: not installed in {WORKSPACE}")
        for state, error in rows
    )
    # not the member's fault: Bob is not marked unreachable, and no admin is told
    async with repo.transaction() as tx:
        bob = await tx._one("SELECT dm_unreachable_at FROM members WHERE user_id = 'bob'")
    assert bob["dm_unreachable_at"] is None


async def test_left_drops_the_queue_erases_after_the_grace_period_and_a_return_keeps_all(
    group, core, repo, messenger, clock, settings
):
    other = channel("club", "W-OTHER")
    replies = await core.handle(Context(user("dave", "W-OTHER"), other), "/rapport setup Club")
    assert "set up" in replies[0].fallback()
    messenger.fail_next = 100  # the platform is failing: what is sent now waits for a retry
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- a roof")
    assert messenger.dms_to("bob") == []
    # another workspace has its own "bob" (the same id and name): none of this touches him
    other_bob = Context(user("bob", "W-OTHER"), other)
    assert "Welcome" in (await core.handle(other_bob, "/rapport join Plumbing"))[0].fallback()
    waiting = "SELECT count(*) FROM outbox WHERE state = 'pending' AND lane LIKE '%:W-OTHER:%'"
    async with repo.transaction() as tx:
        [[other_queued]] = await tx._all(waiting)
    assert other_queued >= 1

    dropped = await core.workspace_left(PLATFORM, WORKSPACE, workspaces.UNINSTALLED)
    assert dropped >= 1
    assert ("failed", workspaces.UNINSTALLED) in await outbox(repo)

    grace = settings.slack.uninstall_grace_days
    await core.run_due(clock.advance(days=grace, seconds=-60))
    names = "SELECT display_name FROM members WHERE workspace = ? ORDER BY id"
    async with repo.transaction() as tx:
        assert [r[0] for r in await tx._all(names, (WORKSPACE,))] == ["alice", "bob", "carol"]

    await core.run_due(clock.advance(hours=2))
    async with repo.transaction() as tx:
        assert [r[0] for r in await tx._all(names, (WORKSPACE,))] == ["former member"] * 3
        [prospect] = await tx._all("SELECT prospect, email FROM referrals")
        assert tuple(prospect) == ("erased", None)
        assert [r[0] for r in await tx._all(names, ("W-OTHER",))] == ["dave", "bob"]
        assert [tuple(r) for r in await tx._all(waiting)] == [(other_queued,)]
        assert await tx._all("SELECT * FROM workspace_departures") == []


async def test_coming_back_within_the_grace_period_keeps_the_groups_data(
    group, core, repo, clock, settings
):
    await core.workspace_left(PLATFORM, WORKSPACE, workspaces.REVOKED)
    clock.advance(days=3)
    assert await core.workspace_back(PLATFORM, WORKSPACE) is True
    assert await core.workspace_back(PLATFORM, WORKSPACE) is False  # nothing left to cancel
    await core.run_due(clock.advance(days=settings.slack.uninstall_grace_days + 1))
    async with repo.transaction() as tx:
        rows = await tx._all("SELECT display_name FROM members ORDER BY id")
    assert [r[0] for r in rows] == ["alice", "bob", "carol"]


async def test_an_erased_workspaces_group_is_never_sent_its_weekly_work_again(
    group, core, repo, messenger, clock, settings
):
    """A worker that died holding the group's due work (or one still running it) must not
    plan the next meeting or month once the group is erased: reminders and recaps would go
    on being queued there every week, for a workspace nobody is in any more."""
    assert "Saved" in await group("alice", "/rapport meeting set wed 07:00")
    messenger.clear()
    await core.workspace_left(PLATFORM, WORKSPACE, workspaces.UNINSTALLED)
    now = clock.advance(days=settings.slack.uninstall_grace_days, hours=1)
    ts = int(now.timestamp())
    async with repo.transaction() as tx:  # another worker claims what is due, and dies
        assert await tx.due.claim(ts, 100, ts - 300)

    await core.run_due(now)  # the grace period is over: erased
    for _ in range(70):
        await core.run_due(clock.advance(days=1))

    assert messenger.sent == []
    async with repo.transaction() as tx:
        assert await tx._all("SELECT * FROM due_work WHERE state IN ('pending', 'running')") == []
        [[meeting]] = await tx._all("SELECT meeting_weekday FROM groups")
    assert meeting is None
