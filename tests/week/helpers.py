"""What the leadership team's week tests share: the clock in Johannesburg, and a loop that
runs every piece of due work at its instant (as the console's `:at` does)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.service import Core
from tests.fakes import FakeClock

JNB = ZoneInfo("Africa/Johannesburg")


def sast(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=JNB).astimezone(UTC)


async def run_until(core: Core, clock: FakeClock, target: datetime) -> None:
    """Move the clock to `target`, running every piece of due work at its instant."""
    assert target >= clock.now()
    for _ in range(1000):
        due = await core.next_due()
        if due is None or due > target:
            break
        if due > clock.now():
            clock.set(due)
        await core.run_due(clock.now())
        after = await core.next_due()
        assert after is None or after > clock.now(), "due work did not run"
    else:
        raise AssertionError("the clock never reached the target")
    clock.set(target)
    await core.run_due(target)
    await core.settle()
