"""`python -m bench`: generate (or reuse) the population, measure every figure, print the table
and write bench/results.json. Options: --quick (fewer repetitions), --scale F (a smaller
population, for trying the benchmark itself), --keep (leave the working copies), --only
FIGURE (one delivery-at-scale figure of bench.fanout, printed and not recorded: `--only due`
is the reminder minute's due work alone, the figure to watch when changing how it is built;
`--only postgres` the PostgreSQL rows beside SQLite's, on their own small population).
The table ends with PostgreSQL's rows (bench/postgres.py), or a line saying why none."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench import plans as plans_mod
from bench import postgres as postgres_mod
from bench import slack as slack_mod
from bench.core import CoreBench
from bench.population import CACHE, Sizes, ensure, moments
from bench.scheduler import SchedulerBench
from bot.config import PrivacySettings, Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
CROWD = 32  # members typing /referral at once, for the group-commit figure


def say(line: str = "") -> None:
    print(line, flush=True)


def _copy(src: Path, dst: Path) -> None:
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    # written back now, not by the first checkpoint's fsync in the middle of a measurement
    with open(dst, "rb+") as f:
        os.fsync(f.fileno())


def _drop(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = "unknown (no /proc/cpuinfo)"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "aiosqlite": version("aiosqlite"),
        "slack_bolt": version("slack_bolt"),
        "aiohttp": version("aiohttp"),
    }


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = ("groups", "members", "referrals", "due_work", "outbox", "one_to_ones")
        out = {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}
    finally:
        conn.close()
    out["file_mb"] = round(db.stat().st_size / 2**20)
    return out


def fanout_child(population: Path, figure: str, groups: int) -> dict[str, Any]:
    """One figure of bench.fanout, in a process of its own, on a fresh copy (it changes it)."""
    db = CACHE / "fanout.db"
    _copy(population, db)
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.fanout",
                figure,
                "--db",
                str(db),
                "--groups",
                str(groups),
            ],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
            timeout=3600,
        )
    finally:
        _drop(db)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.fanout {figure} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fanout(population: Path, groups: int) -> dict[str, Any]:
    """The delivery-at-scale figures (bench/fanout.py), each on its own copy."""
    out: dict[str, Any] = {}
    say("\nDelivery at scale (bench.fanout), each figure on a fresh copy:")
    out["due"] = fanout_child(population, "due", groups)
    say(f"  running due work: {out['due']}")
    for n in sorted({min(1000, groups), groups}):
        out[f"core_{n}"] = fanout_child(population, "core", n)
        say(f"  core, {n} groups: {out[f'core_{n}']}")
    out["slack"] = fanout_child(population, "slack", min(1000, groups))
    say(f"  Slack adapter: {out['slack']}")
    out["discord"] = fanout_child(population, "discord", 100)
    say(f"  Discord messenger: {out['discord']}")
    return out


def rss_child(db: Path, tick: str, commands: int) -> dict[str, Any]:
    """The bot process's peak RSS, measured in a process of its own."""
    command = [sys.executable, "-m", "bench.rss", "--db", str(db), "--tick", tick]
    proc = subprocess.run(
        [*command, "--commands", str(commands)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench.rss failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


async def measure(work: Path, settings: Settings, reps: dict[str, int]) -> dict[str, Any]:
    m = moments()
    out: dict[str, Any] = {}

    say("EXPLAIN QUERY PLAN (the repository's own SQL, busiest group and member):")
    plans = await plans_mod.collect(work)
    plans_mod.show(plans, say)
    out["plans"] = [p.as_dict() for p in plans]

    say("\n/referral through the core, beside raw aiosqlite insert+commit:")
    core = CoreBench(work, m.now, settings, say)
    await core.open()
    try:
        out["referral"] = await core.throughput(
            CACHE / "raw-insert.db",
            reps["rounds"],
            reps["per_round"],
            reps["raw_per_round"],
            CROWD,
        )
        out["referral"]["per_command"] = await core.statements_per_referral()
        out["referral"]["sql_alone"] = await core.sql_alone(reps["rounds"])
        say("reading commands (Core.handle):")
        out["reads"] = await core.latencies(reps["reads"])
    finally:
        await core.close()

    say("\nSlack HTTP mode: signed /referral POST → ack, Rapport beside a no-op bolt app …")
    out["slack"] = await slack_mod.run(work, m.now, settings, reps["slack"], say)

    say("\nScheduler:")
    sched = SchedulerBench(work, m, settings, say)
    await sched.open()
    try:
        out["scheduler"] = await sched.run(reps["repeat"], reps["sample"])
    finally:
        await sched.close()
    return out


def table(r: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    ref, reads, sl, sc = r["referral"], r["reads"], r["slack"], r["scheduler"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    def lat(s: dict[str, float]) -> str:
        return f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f} ms"

    lt, board = ref["latency"], reads["leaderboard"]
    rem, fu = sc["reminders"], sc["follow_ups"]
    slack_ok = sl["p50_ratio"] <= 2 and sl["p99_ratio"] <= 2
    rss = r["rss"]["peak_rss_mb"]
    alone = ref["sql_alone"]["referral_sql_per_s"]
    return [
        (
            "/referral through the core, one at a time, per second",
            f"{ref['referral_per_s']:,.0f} /s",
            "≥ 0.5 × raw",
            f"{ref['ratio']:.3f} × raw: {verdict(ref['ratio'] >= 0.5)}",
        ),
        (
            f"/referral through the core, {ref['crowd']} in flight, per second",
            f"{ref['crowd_per_s']:,.0f} /s",
            "≥ 0.5 × raw",
            f"{ref['crowd_ratio']:.3f} × raw: {verdict(ref['crowd_ratio'] >= 0.5)}",
        ),
        (
            "raw aiosqlite insert + commit, per second",
            f"{ref['raw_insert_commit_per_s']:,.0f} /s",
            "reference",
            "",
        ),
        (
            "a /referral's SQL alone (sqlite3, no bot code), per second",
            f"{alone:,.0f} /s",
            "ceiling",
            f"{alone / ref['raw_insert_commit_per_s']:.3f} × raw",
        ),
        ("/referral p50 / p99", lat(lt), "p99 ≤ 10 ms", verdict(lt["p99_ms"] <= 10)),
        ("/referrals p50 / p99", lat(reads["/referrals"]), "none set", ""),
        ("/rapport stats p50 / p99", lat(reads["/rapport stats"]), "none set", ""),
        (
            "leaderboard (week, month, quarter) p50 / p99",
            lat(board),
            "p99 ≤ 50 ms",
            verdict(board["p99_ms"] <= 50),
        ),
        (
            "Slack HTTP: signed /referral POST → ack, p50 / p99",
            lat(sl["rapport_ack"]),
            "≤ 2 × no-op",
            f"{sl['p50_ratio']:.2f} / {sl['p99_ratio']:.2f} × no-op: {verdict(slack_ok)}",
        ),
        ("no-op slack-bolt app, POST → ack, p50 / p99", lat(sl["noop_ack"]), "reference", ""),
        (
            f"scheduler: claim the {rem['claimed']:,} rows due in one minute"
            f" ({rem['groups']:,} groups' reminders)",
            f"{rem['claim']['p50_ms']:,.0f} ms (worst {rem['claim']['max_ms']:,.0f})",
            "≤ 1 s",
            verdict(rem["claim"]["max_ms"] <= 1000),
        ),
        (
            f"scheduler: follow-up scan, claim the {fu['claimed']:,} nudges due"
            f" among {sc['due_work_rows'] / 1e6:.1f}M due_work rows",
            f"{fu['claim']['p50_ms']:,.0f} ms (worst {fu['claim']['max_ms']:,.0f})",
            "≤ 1 s",
            verdict(fu["claim"]["max_ms"] <= 1000),
        ),
        ("peak RSS of the bot process", f"{rss:.0f} MB", "≤ 150 MB", verdict(rss <= 150)),
        *fanout_rows(r["fanout"]),
        *postgres_mod.rows(r["postgres"]),
    ]


# running the 20,000-row minute: before issue 14 built it in batches, and after (README)
OLD_DUE_S = {"before issue 14": 45, "after it": 24.2}


def fanout_rows(f: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    due, sl, dc = f["due"], f["slack"], f["discord"]
    rows = [
        (
            f"running due work: claim + build + queue the {due['rows']:,}-row minute"
            f" ({due['queued']:,} messages)",
            f"{due['wall_s']:.1f} s (CPU {due['cpu_s']:.1f} s, SQLite {due.get('sql_s', 0):.1f} s;"
            f" was ~{OLD_DUE_S['before issue 14']:.0f} s, then {OLD_DUE_S['after it']} s)",
            "a few seconds (≤ 5 s)",
            verdict(due["wall_s"] <= 5),
        )
    ]
    for key in sorted((k for k in f if k.startswith("core_")), key=lambda k: int(k[5:])):
        c = f[key]
        rows.append(
            (
                f"fan-out through the core: {c['groups']:,} groups' reminder minute,"
                f" {c['messages']:,} messages, platform answers in 100 ms",
                f"{c['wall_s']:,.0f} s (one at a time: {c['one_at_a_time_s']:,.0f} s)",
                "≤ 0.02 × one at a time",
                f"{c['ratio']:.4f}: {verdict(c['ratio'] <= 0.02)}",
            )
        )
    rows += [
        (
            f"fan-out through the Slack adapter: {sl['groups']:,} groups' reminder minute"
            f" over {sl.get('workspaces', 1)} workspaces, {sl['messages']:,} messages,"
            " until the last is taken",
            f"{sl['last_taken_s']:.1f} s (floor {sl['floor_s']:.1f} s;"
            f" {sl.get('concurrency', 64)} in flight × 100 ms: {sl.get('in_flight_floor_s', 0):.1f} s)",
            "≤ 2 × the platform's floor",
            f"{sl['ratio_to_floor']:.2f} × floor: {verdict(sl['ratio_to_floor'] <= 2)}",
        ),
        (
            "peak RSS of that Slack fan-out's process",
            f"{sl['peak_rss_mb']:.0f} MB",
            "≤ 150 MB",
            verdict(sl["peak_rss_mb"] <= 150),
        ),
        (
            f"fan-out through the Discord messenger: {dc['groups']} groups,"
            f" {dc['delivered']:,} messages, requests per second",
            f"{dc['requests_per_s']:.1f} /s ({dc['refused_429']:,} of"
            f" {dc['requests'] + dc['refused_429'] - dc.get('refused_429_by_route', 0):,} answered 429;"
            f" {dc.get('not_sent', 0)} messages left for a retry)",
            f"≥ 0.8 × {dc['ceiling_per_s']} /s",
            f"{dc['ratio_to_ceiling']:.2f} × ceiling: {verdict(dc['ratio_to_ceiling'] >= 0.8)}",
        ),
    ]
    return rows


def notes(r: dict[str, Any]) -> list[str]:
    """What explains the table: the lines printed under it."""
    ref, sl, sc, p = r["referral"], r["slack"], r["scheduler"], r["population"]
    per = ref["per_command"]
    rem, fu, ob = sc["reminders"], sc["follow_ups"], sc["outbox_backlog"]
    bad = [x["name"] for x in r["plans"] if not x["ok"]]
    mc = r["machine"]
    due = r["fanout"]["due"]
    return [
        f"Machine: {mc['cpus']} CPUs ({mc['cpu'] or 'unknown'}), {mc['platform']}, Python"
        f" {mc['python']}, SQLite {mc['sqlite']}, load average {mc['load_average'][0]} at the"
        f" start, {mc['date']}.",
        f"Population: {p['groups']:,} groups, {p['members']:,} members, {p['referrals']:,}"
        f" referrals and leads, {p['due_work']:,} due_work rows, {p['file_mb']:,} MB.",
        f"One /referral = {per['statements']:.0f} SQL statements in {per['transactions']:.1f}"
        " transactions (its own, and its share of the dispatcher's claims and 'sent' marks),"
        " each transaction one hop to aiosqlite's thread; raw = 2 hops. Rates count until"
        " every message the commands queued was delivered.",
        f"Slack: the /referral's answer reaches its response_url after"
        f" {sl['rapport_answer']['p50_ms']:.1f} / {sl['rapport_answer']['p99_ms']:.1f} ms"
        " (p50 / p99); both apps ack from bolt's 10 ms poll.",
        f"Running what was claimed (sample of {rem['run_sample']['ran']}):"
        f" {rem['run_sample']['per_item_ms']:.1f} ms a reminder or accountability nudge, so"
        f" ~{rem['run_sample']['all_claimed_would_take_s']:.0f} s for all {rem['claimed']:,};"
        f" {fu['run_sample']['per_item_ms']:.1f} ms a follow-up nudge.",
        f"Running due work: {due['sql_s']:.1f} s of its {due['wall_s']:.1f} s inside SQLite"
        f" ({due['sql_statements']:,} calls on the writer's connection), the rest"
        f" {due['wall_s'] - due['sql_s']:.1f} s Rapport's Python (building the messages and their"
        f" JSON, planning, the unit-of-work machinery): {1e6 * due['wall_s'] / due['queued']:.0f}"
        " µs a queued message in all.",
        f"Outbox after that minute: {ob['waiting']:,} messages; one claim of 100 takes"
        f" {ob['claim']['p50_ms']:.1f} ms ({ob['claims_to_drain']:,} claims to drain it).",
        f"Query plans: {len(r['plans']) - len(bad)} of {len(r['plans'])} as expected"
        + (f"; WRONG: {', '.join(bad)}" if bad else "")
        + " (python -m bench.plans prints them).",
        postgres_note(r["postgres"]),
    ]


def postgres_note(pg: dict[str, Any]) -> str:
    """What the PostgreSQL rows are, or why there are none."""
    if "not_measured" in pg:
        return str(pg["not_measured"])
    size = pg["population"]
    return (
        f"PostgreSQL rows (bench.postgres): {size['groups']} groups of {size['members']} members"
        f" loaded into a SQLite file and into PostgreSQL at {pg['server']} (a schema of its own),"
        " each figure measured on both in this run; its SQLite reference is that small file,"
        " not the full population above."
    )


def render(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("figure", "value", "target", "ratio / verdict")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def postgres_population(args: argparse.Namespace) -> postgres_mod.Population:
    """The small population PostgreSQL and SQLite are compared on: smaller with --quick."""
    return postgres_mod.QUICK if args.quick else postgres_mod.Population()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--scale", type=float, default=1.0, help="population size factor")
    parser.add_argument("--keep", action="store_true", help="keep the working copies")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--only",
        choices=("due", "core", "slack", "discord", "postgres"),
        help="run one figure of bench.fanout on the population (or the PostgreSQL rows);"
        " print it, record nothing",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    reps = {
        "rounds": 3,
        "per_round": 500,
        "raw_per_round": 3000,
        "reads": 900,
        "slack": 300,
        "repeat": 5,
        "sample": 200,
        "rss_commands": 400,
    }
    if args.quick:
        reps = {
            "rounds": 2,
            "per_round": 150,
            "raw_per_round": 1000,
            "reads": 150,
            "slack": 60,
            "repeat": 2,
            "sample": 50,
            "rss_commands": 80,
        }
    sizes = Sizes() if args.scale == 1 else Sizes().scaled(args.scale)
    info = machine()
    say(
        f"Rapport benchmarks: {info['cpus']} CPUs ({info['cpu'] or 'unknown'}), Python "
        f"{info['python']}, SQLite {info['sqlite']}, load {info['load_average']}"
    )
    if args.only == "postgres":  # its own small population: nothing to generate
        pg = postgres_mod.compare(postgres_population(args), say=say)
        say(render(postgres_mod.rows(pg)) if "postgresql" in pg else "")
        say(postgres_note(pg))
        return
    population, generated = ensure(sizes, say)
    if generated is None:
        say(f"population: cached {population.name}")
    if args.only:
        sized = {"due": sizes.groups, "core": sizes.groups, "slack": min(1000, sizes.groups)}
        groups = sized.get(args.only, 100)
        say(f"{args.only}: {fanout_child(population, args.only, groups)}")
        return
    work = CACHE / "work.db"
    files = tempfile.mkdtemp(prefix="rapport-bench-files-")
    settings = Settings(privacy=PrivacySettings(files_dir=files))
    m = moments()
    results: dict[str, Any] = {"machine": info, "repetitions": reps, "moments": m.as_dict()}
    try:
        _copy(population, work)
        results["population"] = counts(work) | {
            "generated_s": None if generated is None else round(generated, 1)
        }
        results |= asyncio.run(measure(work, settings, reps))
        if not args.keep:
            _drop(work)
        say("\nPeak RSS: the Slack bot process (bench.rss) on a fresh copy …")
        rss_db = CACHE / "rss.db"
        _copy(population, rss_db)
        try:
            results["rss"] = rss_child(rss_db, m.as_dict()["follow_ups"], reps["rss_commands"])
        finally:
            if not args.keep:
                _drop(rss_db)
        say(f"  {results['rss']}")
        results["fanout"] = fanout(population, results["population"]["groups"])
        say("")
        results["postgres"] = postgres_mod.compare(postgres_population(args), say=say)
    finally:
        shutil.rmtree(files, ignore_errors=True)
    results["benchmark_process_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    rows = table(results)
    results["table"] = [
        dict(zip(("figure", "value", "target", "verdict"), r, strict=True)) for r in rows
    ]
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["notes"] = notes(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    say("")
    say(render(rows))
    for line in results["notes"]:
        say(line)
    say(
        f"Results in {args.out.relative_to(HERE.parent) if args.out.is_relative_to(HERE.parent) else args.out};"
        f" whole run {results['total_s']:.0f} s."
    )


if __name__ == "__main__":
    main()
