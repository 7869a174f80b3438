"""Live numbers: stats, the leaderboard, each member's traffic light, and the gaps in a power team.

The leaderboard ranks by referrals and leads given, never by amounts, and adds shout-outs
(a first referral this quarter, the most improved) so the same names do not always win.
A light looks at a rolling window of meetings, says why it is the colour it is, and what
would move it, because a number without a next step changes nobody's week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from bot import messages, money
from bot.config import LightSettings
from bot.features.insight import messages as insight_messages
from bot.features.insight.commands import ShowGaps, ShowLeaderboard, ShowLights, ShowStats
from bot.model import Group, LightColour, Member, UserRef
from bot.out import OutMessage
from bot.powerteams import catalogue, place
from bot.schedule import (
    local_date,
    local_midnight,
    meetings_between,
    next_meeting,
    quarter_bounds,
    week_bounds,
)
from bot.work import Refusal, Work

GREEN, AMBER, RED, GREY = LightColour.GREEN, LightColour.AMBER, LightColour.RED, LightColour.GREY


def period_bounds(period: str, now: datetime, tz: str) -> tuple[datetime, datetime, datetime]:
    """(previous period's start, this period's start, this period's end)."""
    if period == "week":
        start, end = week_bounds(now, tz)
        return start - timedelta(days=7), start, end
    if period == "quarter":
        start, end = quarter_bounds(now, tz)
        prev, _ = quarter_bounds(start - timedelta(days=1), tz)
        return prev, start, end
    today = local_date(now, tz)
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    return local_midnight(before, tz), local_midnight(first, tz), local_midnight(following, tz)


async def leaderboard(w: Work, cmd: ShowLeaderboard) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    prev, start, end = period_bounds(cmd.period, w.now, group.tz)

    def ts(d: datetime) -> int:
        return int(d.timestamp())

    now_counts = {
        m: (r, ld) for m, r, ld in await w.tx.numbers.givers_between(group.id, ts(start), ts(end))
    }
    before = {
        m: r + ld for m, r, ld in await w.tx.numbers.givers_between(group.id, ts(prev), ts(start))
    }
    members = {m.id: m for m in await w.tx.members.of_group(group.id)}
    ranked = sorted(
        ((members[mid], r, ld) for mid, (r, ld) in now_counts.items() if mid in members),
        key=lambda x: (-(x[1] + x[2]), -x[1], x[0].name.casefold()),
    )
    # first referral this quarter: gave a referral this quarter, none in the quarter before
    q_prev, q_start, q_end = period_bounds("quarter", w.now, group.tz)
    this_q = {
        m for m, r, _ in await w.tx.numbers.givers_between(group.id, ts(q_start), ts(q_end)) if r
    }
    last_q = {
        m for m, r, _ in await w.tx.numbers.givers_between(group.id, ts(q_prev), ts(q_start)) if r
    }
    firsts = [
        members[m]
        for m in sorted(this_q - last_q)
        if m in members and members[m].joined_at < ts(q_start)
    ]
    gains = {mid: r + ld - before.get(mid, 0) for mid, (r, ld) in now_counts.items()}
    best = max((g for g in gains.values() if g > 0), default=0)
    improved = [
        members[m]
        for m, g in sorted(gains.items())
        if g == best and best > 0 and before.get(m, 0) > 0 and m in members
    ]
    quiet = len([m for m in members if m not in now_counts])
    return [insight_messages.leaderboard(cmd.period, ranked, firsts, improved, quiet)]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: float  # per meeting, or a share for attendance
    count: int  # the raw number behind it
    band: LightColour
    green_from: float
    amber_from: float
    per_meeting: bool


@dataclass(frozen=True)
class Advice:
    """`need` more of `key` before the next meeting keeps the light green (`to` None) or
    lifts that measure to `to`."""

    key: str
    need: int
    to: str | None


@dataclass(frozen=True)
class Light:
    member: Member
    colour: LightColour
    metrics: tuple[Metric, ...]
    meetings: int
    advice: Advice | None
    # grey: "new" in their first weeks, or "no_meetings" before the group has held one
    grey_because: str = "new"


def band(value: float, thresholds: tuple[float, float]) -> LightColour:
    return GREEN if value >= thresholds[0] else AMBER if value >= thresholds[1] else RED


POINTS = {GREEN: 2, AMBER: 1, RED: 0}


async def light_for(w: Work, group: Group, m: Member, cfg: LightSettings) -> Light:
    return (await lights_for(w, group, [m], cfg))[0]


async def lights_for(
    w: Work, group: Group, members: list[Member], cfg: LightSettings
) -> list[Light]:
    """Each member's light; the group's numbers are read once for all of them (a query per
    member was four network round trips each on a server database)."""
    first = await w.tx.groups.meeting_since(group.id)
    counted = bool(group.meeting) and first is not None
    skips = await w.tx.groups.skips(group.id) if counted else set()
    found: dict[int, Light] = {}
    windows: dict[int, tuple[datetime, int]] = {}
    for m in members:
        joined = datetime.fromtimestamp(m.joined_at, w.now.tzinfo)
        if w.now - joined < timedelta(days=cfg.grey_days):
            found[m.id] = Light(m, GREY, (), 0, None)
            continue
        since = max(w.now - timedelta(weeks=cfg.window_weeks), joined)
        # per meeting that took place: not the weeks before the meeting was set, nor skipped
        held = 0
        if group.meeting and first is not None:
            start = max(since, datetime.fromtimestamp(first, w.now.tzinfo))
            held = len(meetings_between(group.meeting, start, w.now, skips))
        if held == 0:
            found[m.id] = Light(m, GREY, (), 0, None, "no_meetings")
            continue
        windows[m.id] = (since, held)
    if windows:
        acts = await w.tx.numbers.activity(
            [(mid, int(since.timestamp())) for mid, (since, _) in windows.items()], w.ts
        )
        atts = await w.tx.attendance.of_members(
            [(mid, local_date(since, group.tz).isoformat()) for mid, (since, _) in windows.items()],
            local_date(w.now, group.tz).isoformat() + "~",
        )
        for m in members:
            if m.id in windows:
                found[m.id] = _light(m, windows[m.id][1], acts[m.id], atts[m.id], cfg)
    return [found[m.id] for m in members]


def _light(
    m: Member, held: int, act: dict[str, int], att: dict[str, int], cfg: LightSettings
) -> Light:
    metrics = []
    for key, label, thresholds in (
        ("given", "referrals and leads given", cfg.referrals_per_meeting),
        ("one_to_ones", "1-2-1s", cfg.one_to_ones_per_meeting),
        ("business", "closed business reported", cfg.business_per_meeting),
        ("visitors", "visitors invited", cfg.visitors_per_meeting),
    ):
        value = act[key] / held
        metrics.append(
            Metric(key, label, value, act[key], band(value, thresholds), *thresholds, True)
        )
    recorded = sum(n for status, n in att.items() if status != "medical")  # excused
    if recorded:
        attended = att.get("present", 0) + att.get("late", 0) + att.get("substitute", 0)
        share = attended / recorded
        metrics.append(
            Metric(
                "attendance",
                "attendance",
                share,
                attended,
                band(share, cfg.attendance),
                *cfg.attendance,
                False,
            )
        )
    colour = overall([x.band for x in metrics])
    return Light(m, colour, tuple(metrics), held, _advice(metrics, held, colour))


def overall(bands: list[LightColour]) -> LightColour:
    """Green 2 points, amber 1, red 0: at least 70% of the points is green, 40% amber."""
    score = sum(POINTS[b] for b in bands) / (2 * len(bands))
    return GREEN if score >= 0.7 else AMBER if score >= 0.4 else RED


def _at_next_meeting(metrics: list[Metric], held: int, extra: dict[str, int]) -> LightColour:
    """The light after one more meeting, with `extra` more of some measures."""
    bands = []
    for x in metrics:
        if x.per_meeting:
            value = (x.count + extra.get(x.key, 0)) / (held + 1)
            bands.append(band(value, (x.green_from, x.amber_from)))
        else:
            bands.append(x.band)
    return overall(bands)


def _advice(metrics: list[Metric], held: int, colour: str) -> Advice | None:
    """The smallest step before the next meeting that keeps the light green (only when it
    would otherwise drop, and only when that step really keeps it), or that lifts a measure."""
    # only what a member can do before the next meeting: not closed business, which the
    # clients decide
    counting = [x for x in metrics if x.per_meeting and x.key != "business"]
    if colour == GREEN:
        if _at_next_meeting(metrics, held, {}) == GREEN:
            return None
        for need in range(1, 6):
            for x in counting:
                if _at_next_meeting(metrics, held, {x.key: need}) == GREEN:
                    return Advice(x.key, need, None)
        return None
    options = []
    for order, x in enumerate(counting):
        target = x.amber_from if x.band == RED else x.green_from if x.band == AMBER else None
        if target is None:
            continue
        need = max(1, ceil(target * (held + 1) - 1e-9) - x.count)
        options.append((need, order, x.key, AMBER if x.band == RED else GREEN))
    if not options:
        return None
    need, _, key, to = min(options)  # the smallest step; on a tie, the earlier measure
    return Advice(key, need, to)


async def lights(w: Work, cmd: ShowLights) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    cfg = w.settings.lights
    skips = await w.tx.groups.skips(group.id)
    next_at = next_meeting(group.meeting, w.now, skips) if group.meeting else None
    if cmd.everyone:
        if not me.is_admin:
            raise Refusal(messages.admin_only("see everyone's lights"))
        every = await lights_for(w, group, await w.tx.members.of_group(group.id), cfg)
        return [insight_messages.lights_all(every)]
    return [insight_messages.own_light(await light_for(w, group, me, cfg), next_at, group.tz)]


async def show_stats(w: Work, cmd: ShowStats) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    who = me
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        who = await w.member_of(group, cmd.member)
    own = who.id == me.id
    wk = week_bounds(w.now, group.tz)
    q = quarter_bounds(w.now, group.tz)
    week = await w.tx.numbers.stats(
        group.id, who.id, int(wk[0].timestamp()), int(wk[1].timestamp())
    )
    quarter = await w.tx.numbers.stats(
        group.id, who.id, int(q[0].timestamp()), int(q[1].timestamp())
    )
    # a member's closed business amount is theirs alone
    return [
        insight_messages.stats(
            who.user, week, quarter, group.currency, own, own, locale=money.locale_of(group)
        )
    ]


async def gaps(w: Work, cmd: ShowGaps) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    path = w.settings.insight.spheres_file
    cat = catalogue(path)
    members = await w.tx.members.of_group(group.id)
    held: dict[str, list[Member]] = {}
    for m in members:
        spot = place(path, m)
        if spot:
            held.setdefault(spot[1], []).append(m)
    replies = []
    mine = place(path, me)
    if mine is None:
        replies.append(
            insight_messages.gaps_unplaced(me.classification, [s.name for s in cat.spheres])
        )
    else:
        sphere, trade = mine
        team = [
            (m, t) for t in sphere.trades if t != trade for m in held.get(t, []) if m.id != me.id
        ]
        open_seats = [t for t in sphere.trades if t not in held]
        replies.append(insight_messages.gaps_own(sphere.name, trade, team, open_seats))
    if me.is_admin:
        by_sphere = [(s.name, [t for t in s.trades if t not in held]) for s in cat.spheres]
        unplaced = [m for m in members if m.classification and place(path, m) is None]
        replies.append(insight_messages.gaps_all(by_sphere, unplaced))
    return replies
