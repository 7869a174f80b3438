"""Each kind of due work has its runner: what bot.due plans, the core knows how to run; a row
of a kind this version does not know is closed with a note saying so, and the group's other
work still runs."""

from __future__ import annotations

from bot import due, retention
from bot.features.keep_in_touch import handlers as keep_in_touch
from bot.features.renewals import due as renewals
from bot.features.visitors import schedule as visitors
from bot.runners import RUNNERS
from bot.service import Core
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, channel


def test_every_kind_bot_due_plans_has_a_runner() -> None:
    planned = {
        *due.MEETING_KINDS,
        *due.MONTHLY_KINDS,
        *due.REFERRAL_KINDS,
        due.REPLAN,
        keep_in_touch.KIND,
        *visitors.VISITOR_KINDS,  # planned per visitor, not per meeting
        renewals.RENEWAL_NOTICE,  # planned per member's renewal date
        retention.RETENTION,  # planned by bot.retention, beside its runner
    }
    assert set(RUNNERS) == planned


async def test_a_kind_no_runner_knows_is_closed_with_a_note_and_the_rest_runs(
    group: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- geyser")
    messenger.clear()
    now = int(clock.now().timestamp())
    async with core.repo.transaction() as tx:
        g = await tx.groups.by_channel(channel())
        assert g is not None
        await tx.due.add(g.id, "visitor.welcome", 0, "2026-12", now)

    clock.advance(days=3)  # past the referral's first follow-up
    await core.run_due(clock.now())

    async with core.repo.transaction() as tx:
        rows = await tx._all(  # type: ignore[attr-defined]
            "SELECT state, note FROM due_work WHERE kind = 'visitor.welcome'", ()
        )
    assert [tuple(r) for r in rows] == [("cancelled", "unknown kind visitor.welcome")]
    assert any(s.message.kind == due.FOLLOW_UP for s in messenger.sent)  # Bob was nudged
