"""The monthly recap as the channel sees it: weeks in the group's own calendar, none from
before the group existed, a chart whose text is plain text, and a post that never names a
file that was not written.

A London group set up on Wed 30 Sep 2026. Its first monthly recap is on Sun 1 Nov at 09:00
(the first of the month four weeks after setup), the next on Tue 1 Dec. The clocks went
back on Sun 25 Oct, so the weeks before it began at 00:00 BST (23:00 UTC on the Sunday).
"""

from __future__ import annotations

import errno
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib.figure import Figure

from bot import chart, monthly
from bot.chart import WeekNumbers, weekly_chart
from bot.service import Core
from tests.conftest import Chat
from tests.fakes import FakeClock, RecordingMessenger, Sent

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


async def london_group(chat: Chat, clock: FakeClock, name: str = "Thames Breakfast Club") -> None:
    clock.set(london(2026, 9, 30, 10))
    assert "set up" in await chat("alice", f"/rapport setup {name}")
    assert "Welcome" in await chat("alice", "/rapport join Commercial insurance")
    assert "Welcome" in await chat("bob", "/rapport join Roofing")
    assert "Saved" in await chat("alice", "/rapport meeting set wed 07:00 Europe/London")


async def monthly_post(core: Core, clock: FakeClock, messenger: RecordingMessenger) -> Sent:
    messenger.clear()
    await core.run_due(clock.now())
    await core.settle()
    [post] = [s for s in messenger.posts() if s.message.kind == "recap.monthly"]
    return post


async def test_the_weeks_are_the_groups_local_weeks_and_none_before_it_existed(
    chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await london_group(chat, clock)
    # Monday 19 Oct at 00:30 BST is Sunday 23:30 UTC: it belongs to the week of 19 Oct
    clock.set(london(2026, 10, 19, 0, 30))
    await chat("alice", "/referral @bob Jane Roe jane@roe.example")
    clock.set(london(2026, 11, 1, 9, 0))
    post = await monthly_post(core, clock, messenger)
    # four weeks: from the week the group was set up in, to the last whole week
    assert post.text.splitlines() == [
        "📈 Thames Breakfast Club, the last 4 weeks (referrals, leads, closed business):",
        "w/c 28 Sep: 0 referrals, 0 leads, £0.00",
        "w/c 5 Oct: 0 referrals, 0 leads, £0.00",
        "w/c 12 Oct: 0 referrals, 0 leads, £0.00",
        "w/c 19 Oct: 1 referral, 0 leads, £0.00",
    ]
    clock.set(london(2026, 12, 1, 9, 0))
    post = await monthly_post(core, clock, messenger)
    lines = post.text.splitlines()
    assert lines[0].startswith("📈 Thames Breakfast Club, the last 9 weeks")
    # every week starts on a Monday in London, either side of the clock change
    assert [line.split(":")[0] for line in lines[1:]] == [
        f"w/c {d}"
        for d in (
            "28 Sep",
            "5 Oct",
            "12 Oct",
            "19 Oct",
            "26 Oct",
            "2 Nov",
            "9 Nov",
            "16 Nov",
            "23 Nov",
        )
    ]
    assert lines[4] == "w/c 19 Oct: 1 referral, 0 leads, £0.00"


async def test_a_dollar_sign_in_the_group_name_neither_breaks_the_chart_nor_italicises(
    chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    await london_group(chat, clock, name="Make $$ Club")
    clock.set(london(2026, 11, 1, 9, 0))
    post = await monthly_post(core, clock, messenger)
    [path] = post.message.attachments
    assert Path(path).read_bytes().startswith(b"\x89PNG")
    assert post.text.startswith("📈 Make $$ Club, the last 4 weeks")


def test_chart_text_is_plain_text_not_maths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Figure] = []
    save = Figure.savefig

    def keep(self: Figure, *args: object, **kwargs: object) -> None:
        drawn.append(self)
        save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    weeks = [WeekNumbers(datetime(2026, 11, 2).date(), 1, 2, 150_000)]
    assert weekly_chart(weeks, tmp_path / "c.png", "$5 Breakfast $ Club", "USD") is not None
    [figure] = drawn
    counts, closed = figure.axes
    # what matplotlib will show, and that it is not typeset as maths (italics)
    assert counts.title._preprocess_math(counts.title.get_text()) == ("$5 Breakfast $ Club", False)
    tick = closed.yaxis.get_major_formatter()(1500.0, 0)
    assert counts.title._preprocess_math(tick) == ("$1,500.00", False)


async def test_a_chart_that_cannot_be_drawn_is_not_named_and_leaves_no_file(
    chat: Chat,
    core: Core,
    clock: FakeClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def disk_full(
        weeks: object, path: Path, title: str, currency: str, locale: str | None = None
    ) -> Path:
        Path(path).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(monthly, "weekly_chart", disk_full)
    await london_group(chat, clock)
    clock.set(london(2026, 11, 1, 9, 0))
    post = await monthly_post(core, clock, messenger)
    assert post.message.attachments == ()
    assert "File:" not in post.text
    assert post.text.splitlines()[1] == "w/c 28 Sep: 0 referrals, 0 leads, £0.00"
    folder = Path(core.settings.privacy.files_dir)
    assert list(folder.rglob("*.png")) == []


async def test_the_recap_waits_for_its_chart_and_names_it_once_written(
    chat: Chat,
    core: Core,
    clock: FakeClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the chart is drawn the post is held back: a delivery in between sends nothing."""
    seen_while_drawing: list[int] = []

    def draw(
        weeks: list[WeekNumbers], path: Path, title: str, currency: str, locale: str | None = None
    ) -> Path | None:
        seen_while_drawing.append(len(messenger.posts()))
        return chart.weekly_chart(weeks, path, title, currency, locale)

    monkeypatch.setattr(monthly, "weekly_chart", draw)
    await london_group(chat, clock)
    clock.set(london(2026, 11, 1, 9, 0))
    post = await monthly_post(core, clock, messenger)
    assert seen_while_drawing == [0]
    [path] = post.message.attachments
    assert Path(path).exists()


# --- a wall clock that jumps across the first, then is put right -------------------------------
# Mon 1 Feb 2027: the month's work is due at 09:00 London (GMT, so 09:00Z); the day before is a
# Sunday, the last day of the week of 25 January, the last whole week the recap shows.
FEB = london(2027, 2, 1, 9, 0)


async def caught_up(chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger) -> None:
    """The London group on Sun 31 Jan 2027 at 10:00, its work up to then done."""
    await london_group(chat, clock)
    clock.set(london(2027, 1, 31, 10, 0))
    await core.run_due(clock.now())
    await core.settle()
    messenger.clear()


async def month_rows(core: Core) -> list[tuple[str, str, str, int]]:
    async with core.repo.transaction() as tx:
        rows = await tx._all(
            "SELECT kind, occurrence, state, due_at FROM due_work"
            " WHERE kind IN ('recap.monthly', 'suggest.one_to_one') ORDER BY occurrence, kind"
        )
    return [tuple(r) for r in rows]


def monthly_sent(messenger: RecordingMessenger) -> list[tuple[str, str]]:
    return [
        (s.message.kind, getattr(s.to, "user_id", "#general"))
        for s in messenger.sent
        if s.message.kind in ("recap.monthly", "suggest.one_to_one")
    ]


async def jump(core: Core, clock: FakeClock, to: datetime) -> None:
    clock.set(to)
    await core.run_due(clock.now())
    await core.settle()


async def test_monthly_work_run_early_by_a_jumped_clock_is_planned_again_and_not_posted_twice(
    chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    """Sunday 10:00 the clock jumps a day: February's recap and 1-2-1 suggestions go out a
    day early (nothing can tell, then). Put right, the month's work is planned again for its
    real time; at 09:00 on the first nothing has changed since, so nothing is posted twice."""
    await caught_up(chat, core, clock, messenger)
    await jump(core, clock, london(2027, 2, 1, 10, 0))
    early = monthly_sent(messenger)
    assert sorted(early) == [("recap.monthly", "#general"), ("suggest.one_to_one", "alice"),
                             ("suggest.one_to_one", "bob")]  # fmt: skip
    messenger.clear()

    await jump(core, clock, london(2027, 1, 31, 10, 1))  # NTP puts it right

    assert [r for r in await month_rows(core) if r[1] == "2027-02"] == [
        ("recap.monthly", "2027-02", "pending", int(FEB.timestamp())),
        ("suggest.one_to_one", "2027-02", "pending", int(FEB.timestamp())),
    ]
    await jump(core, clock, FEB)
    assert monthly_sent(messenger) == []
    assert {(k, o, s) for k, o, s, _ in await month_rows(core)} >= {
        ("recap.monthly", "2027-02", "done"),
        ("suggest.one_to_one", "2027-02", "done"),
        ("recap.monthly", "2027-03", "pending"),
    }
    await jump(core, clock, london(2027, 3, 1, 9, 0))  # and the month after comes as planned
    assert ("recap.monthly", "#general") in monthly_sent(messenger)


async def test_a_recap_run_early_that_missed_the_last_day_of_its_week_is_posted_again_whole(
    chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    """The early recap was posted on the real Sunday morning; bob gave a referral that
    afternoon, in the last week the recap shows. At 09:00 on the first the recap is posted
    again with it; the suggestions are not made twice."""
    await caught_up(chat, core, clock, messenger)
    await jump(core, clock, london(2027, 2, 1, 10, 0))
    [first] = [s for s in messenger.posts() if s.message.kind == "recap.monthly"]
    assert first.text.splitlines()[-1] == "w/c 25 Jan: 0 referrals, 0 leads, £0.00"
    messenger.clear()
    await jump(core, clock, london(2027, 1, 31, 10, 1))
    clock.set(london(2027, 1, 31, 15, 0))
    await chat("bob", "/referral @alice Jane Roe jane@roe.example")
    messenger.clear()

    await jump(core, clock, FEB)

    assert monthly_sent(messenger) == [("recap.monthly", "#general")]
    [again] = messenger.posts()
    assert again.text.splitlines()[0] == first.text.splitlines()[0]
    assert again.text.splitlines()[-1] == "w/c 25 Jan: 1 referral, 0 leads, £0.00"


async def test_monthly_work_dropped_as_late_by_a_clock_far_ahead_goes_at_its_real_time(
    chat: Chat, core: Core, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    """Ten days ahead, February's work looks more than a week late and is dropped. Put
    right, it is not late at all: it goes at 09:00 on the first, once."""
    await caught_up(chat, core, clock, messenger)
    await jump(core, clock, london(2027, 2, 10, 10, 0))
    assert monthly_sent(messenger) == []
    await jump(core, clock, london(2027, 1, 31, 10, 1))

    await jump(core, clock, FEB)

    assert sorted(monthly_sent(messenger)) == [
        ("recap.monthly", "#general"),
        ("suggest.one_to_one", "alice"),
        ("suggest.one_to_one", "bob"),
    ]
