"""Running a group's monthly work: the recap people would rather look at than read (a chart
of the last twelve weeks, with the numbers beside it), and each member's 1-2-1 suggestion.
Each run plans next month's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot import due, files, messages
from bot.chart import WeekNumbers, can_draw, chart_numbers_text, weekly_chart
from bot.model import Group
from bot.money import locale_of
from bot.ports import DueItem
from bot.powerteams import place
from bot.reminders import Outcome
from bot.schedule import local_date, week_bounds
from bot.spheres import Sphere
from bot.work import Work

WEEKS = 12


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    await due.plan_month(w.tx, group, w.now)
    if w.now.timestamp() - item.due_at > 7 * 86400:
        return Outcome("dropped", "more than a week late")
    if item.kind == due.RECAP_MONTHLY:
        await _recap(w, group, item.occurrence)
        return Outcome("done")
    if item.kind == due.SUGGEST_ONE_TO_ONE:
        if w.settings.insight.suggestions:
            await _suggest(w, group)
        return Outcome("done")
    return Outcome("cancelled", f"unknown kind {item.kind}")


async def _recap(w: Work, group: Group, month: str) -> None:
    this_week, _ = week_bounds(w.now, group.tz)
    starts = [this_week - timedelta(weeks=WEEKS - i) for i in range(WEEKS)]
    numbers = await w.tx.weekly_numbers(group.id, [int(s.timestamp()) for s in starts])
    weeks = [
        WeekNumbers(local_date(s, group.tz), r, ld, c)
        for s, (r, ld, c) in zip(starts, numbers, strict=True)
    ]
    locale = locale_of(group)
    folder = files.group_folder(w.settings, group.id)
    chart = folder / f"chart-{month}.png" if can_draw() else None
    if chart is not None:
        title = f"{group.name}: the last {WEEKS} weeks"

        def draw(chart: Path = chart, ts: int = w.ts) -> None:
            folder.mkdir(parents=True, exist_ok=True)
            if weekly_chart(weeks, chart, title, group.currency, locale) is not None:
                files.stamp(chart, ts)

        w.after_commit.append(draw)  # drawing takes a while: not under the write lock
    text = chart_numbers_text(weeks, group.currency, locale)
    await w.post(group, messages.monthly_recap(group, text, str(chart) if chart else None))


def _same_sphere(a: tuple[Sphere, str] | None, b: tuple[Sphere, str] | None) -> bool:
    return bool(a and b and a[0].name == b[0].name)


async def _suggest(w: Work, group: Group) -> None:
    """One member to meet: someone not met recently, from their own sphere when possible,
    never the same suggestion twice in a row."""
    members = await w.tx.members(group.id)
    path = w.settings.insight.spheres_file
    recent = w.ts - w.settings.insight.suggest_after_days * 86400
    for m in members:
        if not m.suggestions:
            continue
        met = await w.tx.last_met(m.id)
        last = await w.tx.last_suggestion(m.id)
        mine = place(path, m)
        candidates = sorted(
            (o for o in members if o.id != m.id and o.id != last and met.get(o.id, 0) < recent),
            key=lambda o, mine=mine, met=met: (  # type: ignore[misc]
                0 if _same_sphere(mine, place(path, o)) else 1,
                met.get(o.id, 0),
                o.id,
            ),
        )
        if not candidates:
            continue
        pick = candidates[0]
        same_sphere = _same_sphere(mine, place(path, pick))
        await w.tx.add_suggestion(group.id, m.id, pick.id, w.ts)
        await w.dm(
            group,
            m,
            messages.one_to_one_suggestion(
                pick, same_sphere, mine[0].name if mine else None, pick.id in met
            ),
        )
