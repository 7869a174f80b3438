"""Review: `/rapport palms [from YYYY-MM-DD] [to YYYY-MM-DD]` drops the words from/to and
takes the first date as the start, so "palms to 2026-11-18" (the week ending on the 18th, as
Discord's /leadership palms to:… gets it) reports 2026-11-18 up to today instead."""

from __future__ import annotations

from tests.conftest import Chat
from tests.leadership.test_palms_report import week  # noqa: F401 (fixture)

BACKENDS = ("sqlite",)


async def test_palms_to_a_day_is_the_week_ending_that_day(week: Chat) -> None:  # noqa: F811
    reply = await week("alice", "/rapport palms to 2026-11-18")
    assert reply.startswith("PALMS 2026-11-12 to 2026-11-18, Breakfast Club")


async def test_palms_from_a_day_and_two_plain_dates_still_read_as_before(week: Chat) -> None:  # noqa: F811
    reply = await week("alice", "/rapport palms from 2026-11-12 to 2026-11-18")
    assert reply.startswith("PALMS 2026-11-12 to 2026-11-18, Breakfast Club")
    reply = await week("alice", "/rapport palms 2026-11-12 2026-11-18")
    assert reply.startswith("PALMS 2026-11-12 to 2026-11-18, Breakfast Club")
    assert "Put a date after “to”" in await week("alice", "/rapport palms 2026-11-12 to")
