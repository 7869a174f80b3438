"""A synthetic population, written straight into a SQLite file through Rapport's real schema.

10,000 groups, 250,000 members, 1,000,000 referrals and leads over two years, with the rows
the bot itself would have left behind: referral events, closed business, thanks, 1-2-1s,
visitors, the due work of every referral (follow-ups, progress and thank nudges) and of
every group's meetings and months, and a fortnight of delivered outbox rows.

The file is migrated once by `SqliteRepository.open` (so it has exactly the product's tables
and indexes), then filled with stdlib sqlite3 `executemany` in big transactions. A fixed seed
makes it the same file every time; it is cached under bench/.cache/, keyed by the generator's
version, its sizes and the migrations' text, so a rerun only copies it.

The moment the history ends (`NOW`) is a Tuesday at midnight UTC; everything due before it
has run, as if the bot had been up. Every group meets on Wednesdays at 07:00 in a UTC+2 zone
without daylight saving, so on Tuesday at 16:00 UTC (18:00 local) all 10,000 groups' evening
reminders and accountability nudges fall due in the same minute.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import due
from bot.config import Settings
from bot.features.referrals import messages as referrals_messages
from bot.model import Meeting, seat_key
from bot.schedule import local_date, next_meeting
from storage.sqlite import SqliteRepository, migrations

log = logging.getLogger(__name__)

GENERATOR_VERSION = 1
SEED = 20261103

CACHE = Path(__file__).resolve().parent / ".cache"

NOW = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # a Tuesday: the history ends here
DAY = 86400
HISTORY_DAYS = 730
OUTBOX_HISTORY_DAYS = 14  # delivered outbox rows kept in the file (see README: Performance)

# UTC+2 all year (no daylight saving): every group's Wednesday 07:00 is the same instant
ZONES = (
    ("Africa/Johannesburg", "ZAR"),
    ("Africa/Maputo", "MZN"),
    ("Africa/Harare", "USD"),
    ("Africa/Lusaka", "ZMW"),
    ("Africa/Gaborone", "BWP"),
)
MEETING = (2, "07:00")  # Wednesday, 07:00 local

SLACK_GROUPS = 100  # groups 1..100 live in one Slack workspace (the HTTP and RSS benchmarks)
SLACK_TEAM = "T0BENCH"

CLASSIFICATIONS = (
    "Accountant", "Architect", "Attorney", "Auto repair", "Bakery", "Banker", "Bookkeeper",
    "Builder", "Business coach", "Caterer", "Carpet cleaning", "Chiropractor", "Commercial insurance",
    "Commercial property", "Copywriter", "Dentist", "Dietitian", "Electrician", "Estate agent",
    "Event planner", "Financial planner", "Florist", "Garden services", "Graphic designer",
    "Hair salon", "Home insurance", "HR consultant", "Interior designer", "IT support",
    "Life insurance", "Locksmith", "Marketing", "Mortgage broker", "Mover", "Optometrist",
    "Painter", "Payroll", "Personal trainer", "Pest control", "Photographer", "Physiotherapist",
    "Plumber", "Printer", "Recruiter", "Residential plumbing", "Roofing", "Security systems",
    "Signage", "Solar installer", "Solicitor", "Tax advisor", "Travel agent", "Tutor",
    "Veterinarian", "Videographer", "Web developer", "Wedding planner", "Window cleaning",
    "Wine merchant", "Yoga studio",
)  # fmt: skip
NEEDS = (
    "needs a new roof", "wants a website", "moving office in March", "looking for cover",
    "expanding the team", "kitchen renovation", "year-end accounts", "a wedding in June",
    None, None,
)  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    groups: int = 10_000
    members: int = 250_000
    referrals: int = 1_000_000
    one_to_ones: int = 500_000
    visitors: int = 30_000

    def scaled(self, factor: float) -> Sizes:
        return Sizes(*(max(SLACK_GROUPS + 10, int(v * factor)) for v in vars(self).values()))


@dataclass(frozen=True)
class Moments:
    """The instants the benchmarks use, all derived from the population's timeline."""

    now: int  # the history ends; nothing before it is still due
    reminders: int  # every group's evening reminder and accountability nudge fall due
    follow_ups: int  # a tick half a day on: the follow-up nudges due since `now`
    meeting_day: str  # the meeting those reminders are for (local date)

    def as_dict(self) -> dict[str, str]:
        return {
            k: v if isinstance(v, str) else datetime.fromtimestamp(v, UTC).isoformat()
            for k, v in vars(self).items()
        }


def moments() -> Moments:
    tz = ZONES[0][0]
    meeting = Meeting(MEETING[0], MEETING[1], tz)
    at = next_meeting(meeting, NOW)
    assert at is not None
    times = due.meeting_times(due.group_schedule(Settings(), {}), at, tz, local_date(at, tz))
    return Moments(
        now=int(NOW.timestamp()),
        reminders=int(times[due.REMINDER_EVENING].timestamp()),
        follow_ups=int(NOW.timestamp()) + 12 * 3600,
        meeting_day=local_date(at, tz).isoformat(),
    )


def cache_path(sizes: Sizes) -> Path:
    h = hashlib.sha256()
    h.update(json.dumps([GENERATOR_VERSION, SEED, vars(sizes)]).encode())
    for number, script in migrations():
        h.update(f"{number}:{script}".encode())
    return CACHE / f"population-{sizes.referrals}r-v{GENERATOR_VERSION}-{h.hexdigest()[:10]}.db"


def ensure(sizes: Sizes, say=print) -> tuple[Path, float | None]:
    """The cached population file for `sizes`, generated when missing. Returns the path and
    the seconds generation took (None when it came from the cache)."""
    path = cache_path(sizes)
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"population-{sizes.referrals}r-*"):  # an older generator's
        stale.unlink()
    tmp = path.with_suffix(".partial")
    for leftover in CACHE.glob(tmp.name + "*"):
        leftover.unlink()
    say(f"generating the population ({sizes.referrals:,} referrals and leads) into {path.name} …")
    started = time.perf_counter()
    counts = generate(tmp, sizes, say)
    tmp.rename(path)
    took = time.perf_counter() - started
    say(f"  generated in {took:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return path, took


# --- generation --------------------------------------------------------------------------------
def generate(path: Path, sizes: Sizes, say=print) -> dict[str, int]:
    asyncio.run(_migrate(str(path)))
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a bulk load into a file nobody else reads
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -500000")
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA foreign_keys = OFF")
        counts = _Generator(db, sizes, say).run()
        db.execute("PRAGMA journal_mode = WAL")  # as the repository leaves it
    finally:
        db.close()
    return counts


async def _migrate(path: str) -> None:
    repo = await SqliteRepository.open(path)
    await repo.close()


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class _Generator:
    def __init__(self, db: sqlite3.Connection, sizes: Sizes, say) -> None:
        self.db = db
        self.sizes = sizes
        self.say = say
        self.rnd = random.Random(SEED)
        self.m = moments()
        self.counts: dict[str, int] = {}
        self.settings = Settings()

    def insert(self, table: str, columns: str, rows: list[tuple]) -> None:
        if not rows:
            return
        marks = ", ".join("?" for _ in columns.split(","))
        self.db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def run(self) -> dict[str, int]:
        # the product's own indexes, dropped for the load and built again from their own SQL
        # afterwards (sorting once is far faster than 8M random inserts into each)
        indexes = self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        steps = (
            self.groups,
            self.members,
            self.referrals,
            self.one_to_ones,
            self.visitors,
            self.meeting_work,
        )
        for step in steps:
            started = time.perf_counter()
            self.db.execute("BEGIN")
            step()
            self.db.execute("COMMIT")
            self.say(f"  {step.__name__}: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        self.db.execute("BEGIN")
        for _, sql in indexes:
            self.db.execute(sql)
        self.db.execute("COMMIT")
        self.say(f"  indexes: {time.perf_counter() - started:.1f} s")
        return self.counts

    # --- groups and members ---------------------------------------------------------------
    def groups(self) -> None:
        rnd, n = self.rnd, self.sizes.groups
        start = self.m.now - HISTORY_DAYS * DAY
        self.group_created: list[int] = [0]
        self.group_zone: list[str] = [""]
        self.group_factor: list[float] = [0.0]
        rows = []
        for g in range(1, n + 1):
            if rnd.random() < 0.85:  # most chapters predate the two years
                created = start - rnd.randrange(365 * DAY)
            else:
                created = start + rnd.randrange((HISTORY_DAYS - 90) * DAY)
            tz, currency = ZONES[g % len(ZONES)]
            slack = g <= SLACK_GROUPS
            rows.append(
                (
                    g,
                    "slack" if slack else "bench",
                    SLACK_TEAM if slack else f"B{(g - 1) // 10:05d}",
                    f"C{g:08d}",
                    f"chapter-{g}",
                    f"Chapter {g}",
                    tz,
                    currency,
                    MEETING[0],
                    MEETING[1],
                    "The Oaks" if g % 3 else None,
                    created,
                )
            )
            self.group_created.append(created)
            self.group_zone.append(tz)
            # some chapters are far busier than others
            self.group_factor.append(min(rnd.lognormvariate(0, 0.6), 6.0))
        self.insert(
            "groups",
            "id, platform, workspace, channel_id, channel_name, name, tz, currency,"
            " meeting_weekday, meeting_time, meeting_where, created_at",
            rows,
        )
        wanted = []
        for g in range(1, n + 1):
            if rnd.random() < 0.2:
                for c in rnd.sample(CLASSIFICATIONS, rnd.randint(1, 3)):
                    wanted.append((g, seat_key(c) + " (open)", c + " (open)"))
        self.insert("wanted_seats", "group_id, seat_key, classification", wanted)

    def members(self) -> None:
        rnd, n, total = self.rnd, self.sizes.groups, self.sizes.members
        # group sizes between 10 and 45, summing to exactly `total`
        sizes = [total // n] * n
        for i in range(total - sum(sizes)):
            sizes[i % n] += 1
        for _ in range(n * 3):
            a, b = rnd.randrange(n), rnd.randrange(n)
            k = rnd.randint(1, 6)
            if sizes[a] - k >= 10 and sizes[b] + k <= 45:
                sizes[a] -= k
                sizes[b] += k
        self.first = [0] * (n + 2)  # members of group g: ids first[g] .. first[g+1]-1
        self.joined = [0] * (total + 1)
        self.member_group = [0] * (total + 1)
        weights = [0.0] * (total + 1)
        rows = []
        mid = 1
        for g in range(1, n + 1):
            self.first[g] = mid
            created = self.group_created[g]
            seats = rnd.sample(CLASSIFICATIONS, min(sizes[g - 1], len(CLASSIFICATIONS)))
            for i in range(sizes[g - 1]):
                if i < len(seats):
                    classification = seats[i]
                else:
                    classification = f"{rnd.choice(CLASSIFICATIONS)} {i}"
                if i < sizes[g - 1] * 0.7:
                    joined = created + rnd.randrange(14 * DAY)
                else:
                    joined = rnd.randrange(created, self.m.now - 7 * DAY)
                active = rnd.random() > 0.04
                slack = g <= SLACK_GROUPS
                rows.append(
                    (
                        mid,
                        g,
                        "slack" if slack else "bench",
                        SLACK_TEAM if slack else f"B{(g - 1) // 10:05d}",
                        f"U{mid:08d}",
                        f"Member {mid}",
                        classification,
                        seat_key(classification) if active else None,
                        f"Introductions to {rnd.choice(CLASSIFICATIONS).lower()} clients"
                        if rnd.random() < 0.6
                        else None,
                        f"member{mid}@example.com" if rnd.random() < 0.5 else None,
                        None,
                        None,
                        int(rnd.random() > 0.05),
                        int(i == 0),
                        int(active),
                        joined,
                    )
                )
                self.joined[mid] = joined
                self.member_group[mid] = g
                # a few members give far more than the rest (Pareto, capped)
                weights[mid] = min(rnd.paretovariate(1.4), 80.0) * (1.0 if active else 0.3)
                mid += 1
            if len(rows) >= 50_000:
                self._members_out(rows)
                rows = []
        self._members_out(rows)
        self.first[n + 1] = mid
        self.member_weight = weights

    def _members_out(self, rows: list[tuple]) -> None:
        self.insert(
            "members",
            "id, group_id, platform, workspace, user_id, display_name, classification, seat_key,"
            " ask, email, tz, quiet_hours, dm_enabled, is_admin, active, joined_at",
            rows,
        )

    def _other_member(self, g: int, giver: int) -> int:
        lo, hi = self.first[g], self.first[g + 1]
        j = self.rnd.randrange(lo, hi - 1)
        return j + 1 if j >= giver else j

    # --- referrals and everything they leave behind -----------------------------------------
    def referrals(self) -> None:
        rnd, total = self.rnd, self.sizes.referrals
        now = self.m.now
        start = now - HISTORY_DAYS * DAY
        weights = [
            w * self.group_factor[self.member_group[i]] if i else 0.0
            for i, w in enumerate(self.member_weight)
        ]
        cum = _cumulative(weights)
        givers = rnd.choices(range(len(weights)), cum_weights=cum, k=total)
        del cum, weights
        stamps = []
        for giver in givers:
            g = self.member_group[giver]
            receiver = self._other_member(g, giver)
            lo = max(start, self.group_created[g], self.joined[giver], self.joined[receiver])
            stamps.append((rnd.randrange(lo, now), giver, receiver, g))
        stamps.sort()  # ids follow time, as they do in a live database
        del givers
        nudges = self.settings.nudges
        heats = (1, 2, 3, 4, 5)
        heat_weights = (10, 15, 40, 20, 15)
        payload_dm, payload_post = _outbox_payloads()
        refs, events, work, business, thanks, outbox = [], [], [], [], [], []
        retention = now - self.settings.privacy.retention_days * DAY
        outbox_since = now - OUTBOX_HISTORY_DAYS * DAY
        for rid, (created, giver, receiver, g) in enumerate(stamps, start=1):
            age = now - created
            r = rnd.random()
            kind = "referral" if r < 0.62 else "lead"
            heat = rnd.choices(heats, heat_weights)[0]
            status = _status(rnd, age)
            moved = created + rnd.randrange(max(1, min(age, 30 * DAY)))  # last status change
            updated = created if status == "open" else moved
            email = phone = None
            if kind == "referral":
                if rnd.random() < 0.85:
                    email = f"prospect{rid}@example.org"
                if email is None or rnd.random() < 0.5:
                    phone = f"+27 82 {rid % 1000:03d} {rid % 10000:04d}"
                if status in ("won", "lost") and updated < retention:
                    email = phone = None  # the retention sweep has erased them
            amount = None
            thanked = None
            if status == "won":
                if rnd.random() < 0.6:
                    amount = int(rnd.lognormvariate(12, 1.0)) + 100
                if rnd.random() < 0.7:
                    thanked = min(updated + rnd.randrange(3 * DAY), now - 1)
            refs.append(
                (
                    rid,
                    g,
                    giver,
                    receiver,
                    kind,
                    f"Prospect {rid} Ltd",
                    email,
                    phone,
                    rnd.choice(NEEDS),
                    heat,
                    int(rnd.random() < 0.05),
                    status,
                    amount,
                    created,
                    updated,
                    thanked,
                )
            )
            # the receiver's updates on the way to the status it has now
            if status != "open":
                path = _path(rnd, status)
                step = max(1, (updated - created) // len(path))
                for i, s in enumerate(path):
                    at = updated if i == len(path) - 1 else created + step * (i + 1)
                    events.append((rid, receiver, s, None, at))
            if amount:
                business.append((g, rid, giver, receiver, amount, "ZAR", None, updated))
            if thanked:
                thanks.append((g, receiver, giver, rid, None, thanked))
            if kind == "referral":
                _referral_work(work, rid, g, created, updated, status, heat, thanked, now, nudges)
            if created >= outbox_since:
                sent = created + 1
                outbox.append(
                    (
                        g,
                        _dm_target(receiver, g),
                        payload_dm,
                        "sent",
                        1,
                        created,
                        created,
                        created,
                        sent,
                    )
                )
                outbox.append(
                    (g, _post_target(g), payload_post, "sent", 1, created, created, created, sent)
                )
            if len(refs) >= 100_000:
                self._referrals_out(refs, events, work, business, thanks, outbox)
                refs, events, work, business, thanks, outbox = [], [], [], [], [], []
        self._referrals_out(refs, events, work, business, thanks, outbox)
        # closed business and thanks reported without a referral
        extra_b, extra_t = [], []
        for _ in range(total // 40):
            giver = rnd.randrange(1, len(self.member_group))
            g = self.member_group[giver]
            receiver = self._other_member(g, giver)
            at = rnd.randrange(max(start, self.joined[giver], self.joined[receiver]), now)
            amount = int(rnd.lognormvariate(11, 1.0)) + 100
            extra_b.append((g, None, giver, receiver, amount, "ZAR", "repeat business", at))
            extra_t.append((g, receiver, giver, None, "thanks for the repeat business", at))
        self.insert("closed_business", _BUSINESS, extra_b)
        self.insert("thanks", _THANKS, extra_t)

    def _referrals_out(self, refs, events, work, business, thanks, outbox) -> None:
        self.insert(
            "referrals",
            "id, group_id, giver_id, receiver_id, kind, prospect, email, phone, need, heat,"
            " inside, status, amount_cents, created_at, updated_at, thanked_at",
            refs,
        )
        self.insert("referral_events", "referral_id, member_id, status, note, at", events)
        self.insert("due_work", _WORK, work)
        self.insert("closed_business", _BUSINESS, business)
        self.insert("thanks", _THANKS, thanks)
        self.insert(
            "outbox",
            "group_id, target, payload, state, attempts, next_attempt_at, claimed_at,"
            " created_at, sent_at",
            outbox,
        )

    # --- 1-2-1s and visitors ----------------------------------------------------------------
    def one_to_ones(self) -> None:
        rnd, now = self.rnd, self.m.now
        start = now - HISTORY_DAYS * DAY
        rows = []
        n_members = len(self.member_group) - 1
        for _ in range(self.sizes.one_to_ones):
            a = rnd.randint(1, n_members)
            g = self.member_group[a]
            b = self._other_member(g, a)
            lo, hi = min(a, b), max(a, b)
            met = rnd.randrange(max(start, self.joined[a], self.joined[b]), now)
            rows.append((g, lo, hi, rnd.choice((lo, hi)), int(rnd.random() < 0.6), None, met))
        rows.sort(key=lambda r: r[-1])
        self.insert(
            "one_to_ones",
            "group_id, member_a, member_b, logged_by, confirmed, note, met_at",
            rows,
        )

    def visitors(self) -> None:
        rnd, now = self.rnd, self.m.now
        start = now - HISTORY_DAYS * DAY
        rows = []
        for i in range(self.sizes.visitors):
            g = rnd.randint(1, self.sizes.groups)
            by = rnd.randrange(self.first[g], self.first[g + 1]) if rnd.random() < 0.8 else None
            rows.append(
                (g, f"Visitor {i}", by, rnd.randrange(max(start, self.group_created[g]), now))
            )
        rows.sort(key=lambda r: r[-1])
        self.insert("visitors", "group_id, name, invited_by, at", rows)

    # --- every group's meetings and months --------------------------------------------------
    def meeting_work(self) -> None:
        """Two years of weekly meeting work (done), the coming meeting's (pending: due from
        Tuesday 18:00 local), and the monthly recap and 1-2-1 suggestions."""
        now_dt = datetime.fromtimestamp(self.m.now, UTC)
        sched = due.group_schedule(self.settings, {})
        weeks: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {}
        for tz, _ in ZONES:
            meeting = Meeting(MEETING[0], MEETING[1], tz)
            at = next_meeting(meeting, now_dt)
            assert at is not None
            plan = []
            for back in range(0, HISTORY_DAYS // 7 + 60):
                when = at - timedelta(weeks=back)
                times = due.meeting_times(sched, when, tz, local_date(when, tz))
                plan.append(
                    (
                        due.meeting_key(when),
                        [(k, int(v.timestamp())) for k, v in times.items()],
                    )
                )
            weeks[tz] = plan
        # history in the unique index's order (cheap to insert; nothing hot reads it), the
        # coming week's rows last, in time order, as the planner wrote them
        rows: list[tuple] = []
        coming: list[tuple] = []
        for g in range(1, self.sizes.groups + 1):
            created = self.group_created[g]
            for occurrence, times in weeks[self.group_zone[g]]:
                if max(t for _, t in times) < created:
                    break
                for kind, t in times:
                    if t < created:
                        continue
                    if t < self.m.now:
                        rows.append((g, kind, 0, occurrence, t, "done", t, t + 2, None))
                    else:
                        coming.append((g, kind, 0, occurrence, t, "pending", None, None, None))
            for month, t in _months(self.group_zone[g], created + 28 * DAY, self.m.now):
                for kind in due.MONTHLY_KINDS:
                    if t < self.m.now:
                        rows.append((g, kind, 0, month, t, "done", t, t + 5, None))
                    else:
                        coming.append((g, kind, 0, month, t, "pending", None, None, None))
            if len(rows) >= 500_000:
                rows.sort(key=lambda r: (r[1], r[0], r[3]))
                self.insert("due_work", _WORK, rows)
                rows = []
        rows.sort(key=lambda r: (r[1], r[0], r[3]))
        self.insert("due_work", _WORK, rows)
        coming.sort(key=lambda r: (r[4], r[0]))
        self.insert("due_work", _WORK, coming)


_WORK = "group_id, kind, target_id, occurrence, due_at, state, claimed_at, done_at, note"
_BUSINESS = "group_id, referral_id, giver_id, receiver_id, amount_cents, currency, note, at"
_THANKS = "group_id, from_id, to_id, referral_id, note, at"


def _status(rnd: random.Random, age: int) -> str:
    if age < 2 * DAY:
        table = (("open", 0.8), ("contacted", 1.0))
    elif age < 14 * DAY:
        table = (
            ("open", 0.45),
            ("contacted", 0.7),
            ("meeting", 0.85),
            ("won", 0.93),
            ("lost", 1.0),
        )
    else:
        table = (
            ("open", 0.15),
            ("contacted", 0.22),
            ("meeting", 0.27),
            ("won", 0.6),
            ("lost", 1.0),
        )
    r = rnd.random()
    return next(s for s, p in table if r < p)


def _path(rnd: random.Random, status: str) -> list[str]:
    before = {
        "contacted": [],
        "meeting": ["contacted"],
        "won": ["contacted", "meeting"],
        "lost": ["contacted"],
    }[status]
    return [s for s in before if rnd.random() < 0.6] + [status]


def _referral_work(work, rid, g, created, updated, status, heat, thanked, now, nudges) -> None:
    """The rows the real planner leaves for one referral (due.py and nudges.py): follow-ups
    every `repeat_hours` until the receiver moves it on, then the giver's notice; a progress
    nudge while contacted or meeting; a thank nudge once won."""
    moved = status != "open"
    due_at = created + nudges.follow_up_hours[heat] * 3600
    chain = [(due.FOLLOW_UP, str(k)) for k in range(1, nudges.max_follow_ups + 1)]
    chain.append((due.NOT_CONTACTED, "1"))
    for kind, occurrence in chain:
        if moved and due_at > updated:
            work.append((g, kind, rid, occurrence, due_at, "cancelled", None, updated, None))
            break
        if due_at >= now:
            work.append((g, kind, rid, occurrence, due_at, "pending", None, None, None))
            break
        work.append((g, kind, rid, occurrence, due_at, "done", due_at, due_at + 1, None))
        due_at += nudges.repeat_hours * 3600
    if status in ("contacted", "meeting"):
        at = updated + nudges.progress_days * DAY
        state = "done" if at < now else "pending"
        work.append((g, due.PROGRESS, rid, f"{status}@{updated}", at, state, None, None, None))
    if status == "won":
        at = updated + nudges.thank_hours * 3600
        if thanked is not None and thanked < at:
            work.append((g, due.THANK, rid, "1", at, "cancelled", None, thanked, None))
        elif at < now:
            work.append((g, due.THANK, rid, "1", at, "done", at, at + 1, None))
        else:
            work.append((g, due.THANK, rid, "1", at, "pending", None, None, None))


def _months(tz: str, after: int, now: int) -> Iterator[tuple[str, int]]:
    """The first of each month at 09:00 local from `after`, up to the first one after `now`."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    day = datetime.fromtimestamp(after, zone).date().replace(day=1)
    while True:
        day = (day + timedelta(days=32)).replace(day=1)
        t = int(datetime.combine(day, due.MONTHLY_AT, zone).timestamp())
        yield f"{day:%Y-%m}", t
        if t >= now:
            return


def _dm_target(member: int, g: int) -> str:
    platform, ws = (
        ("slack", SLACK_TEAM) if g <= SLACK_GROUPS else ("bench", f"B{(g - 1) // 10:05d}")
    )
    return json.dumps({"dm": [platform, ws, f"U{member:08d}", f"Member {member}"]})


def _post_target(g: int) -> str:
    platform, ws = (
        ("slack", SLACK_TEAM) if g <= SLACK_GROUPS else ("bench", f"B{(g - 1) // 10:05d}")
    )
    return json.dumps({"post": [platform, ws, f"C{g:08d}", f"chapter-{g}"]})


def _outbox_payloads() -> tuple[str, str]:
    """Real message payloads (what the core queues for a referral), reused for every row."""
    from bot.model import Kind, Referral, Status, UserRef

    giver = UserRef("bench", "B00000", "U00000001", "Member 1")
    receiver = UserRef("bench", "B00000", "U00000002", "Member 2")
    r = Referral(
        id=1,
        group_id=1,
        giver_id=1,
        receiver_id=2,
        kind=Kind.REFERRAL,
        prospect="Prospect 1 Ltd",
        email="prospect1@example.org",
        phone="+27 82 001 0001",
        need="needs a new roof",
        heat=3,
        inside=False,
        status=Status.OPEN,
        amount_cents=None,
        created_at=0,
        updated_at=0,
        thanked_at=None,
    )
    return (
        referrals_messages.referral_received_dm(r, giver).to_json(),
        referrals_messages.referral_post(r, giver, receiver).to_json(),
    )
