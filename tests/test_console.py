"""The console transcript is a contract: other tests, the demo and people read it.

Every block's first line starts with exactly one of `[#general] `, `[DM @name] `,
`[@name only] `, an echoed `name> …` or `-- now `/`-- line N: `; the rest of a block is
indented two spaces."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console.runner import main

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo.txt"
START = "2026-11-30 08:00"  # a Monday, in Johannesburg
SAST = "Africa/Johannesburg"

BLOCK_KINDS = {
    "channel": re.compile(r"^\[#general\] "),
    "dm": re.compile(r"^\[DM @[A-Za-z0-9._-]+\] "),
    "only": re.compile(r"^\[@[A-Za-z0-9._-]+ only\] "),
    "echo": re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*> "),
    "now": re.compile(r"^-- now "),
    "notice": re.compile(r"^-- line \d+: "),
}

# a script that makes every kind of block, with comments, blank lines and mistakes
WEEK = """\
# Monday: the group starts
alice> /rapport setup Breakfast Club
alice> /rapport join Commercial insurance

bob> /rapport join Residential plumbing
   # an indented comment
alice> /referral @bob Jane Roe jane@roe.example 082 555 1234 -- needs a geyser heat:4
bob> /referrals update 1 contacted
alice> /rapport help
this line is not a command
:advance 25h
carol> /rapport join Roofing
:at 2026-12-02 07:00
bob> /rapport stats
"""


async def play(
    settings, tmp_path: Path, script: str, *, db: str = "x.db", now: str = START, tz: str = SAST
) -> str:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    out = io.StringIO()
    rc = await main(settings, db=str(tmp_path / db), script=str(path), now=now, tz=tz, out=out)
    assert rc == 0
    return out.getvalue()


def blocks(transcript: str) -> list[list[str]]:
    """The transcript cut into blocks: a first line, then its indented continuation lines."""
    out: list[list[str]] = []
    for line in transcript.splitlines():
        if line.startswith("  "):
            assert out, f"a continuation line opens the transcript: {line!r}"
            out[-1].append(line)
        else:
            out.append([line])
    return out


def kind(first_line: str) -> str:
    kinds = [k for k, rx in BLOCK_KINDS.items() if rx.match(first_line)]
    assert len(kinds) == 1, f"{first_line!r} starts {len(kinds)} kinds of block: {kinds}"
    return kinds[0]


def block_after(transcript: str, first_line_start: str) -> list[str]:
    [found] = [b for b in blocks(transcript) if b[0].startswith(first_line_start)]
    return found


def replies_to(transcript: str, echo: str) -> list[list[str]]:
    """The blocks printed after the echoed line `echo`, up to the next echo or clock line."""
    bs = blocks(transcript)
    start = [i for i, b in enumerate(bs) if b[0] == echo]
    assert len(start) == 1, f"{echo!r} echoed {len(start)} times"
    out = []
    for b in bs[start[0] + 1 :]:
        if kind(b[0]) in ("echo", "now", "notice"):
            break
        out.append(b)
    return out


# --- the shape of the transcript -----------------------------------------------------------
async def test_every_block_starts_with_exactly_one_known_prefix(settings, tmp_path):
    transcript = await play(settings, tmp_path, WEEK)
    assert transcript.endswith("\n")
    seen = {kind(b[0]) for b in blocks(transcript)}
    assert seen == set(BLOCK_KINDS)
    for line in transcript.splitlines():
        assert line.strip(), "no blank lines in a transcript"
        assert not line.startswith((" \t", "\t")) and not re.match(r"^ \S", line), line
    # multi-line replies keep their lines in the block, indented
    [help_block] = replies_to(transcript, "alice> /rapport help")
    assert help_block[0] == "[@alice only] Rapport keeps your group's referrals moving. Commands:"
    assert "  /referral — pass a referral: someone who expects the member's call" in help_block
    assert len(help_block) >= 12


async def test_inputs_are_echoed_and_followed_by_what_each_person_sees(settings, tmp_path):
    transcript = await play(settings, tmp_path, WEEK)
    echoes = [b[0] for b in blocks(transcript) if kind(b[0]) == "echo"]
    assert echoes == [
        "alice> /rapport setup Breakfast Club",
        "alice> /rapport join Commercial insurance",
        "bob> /rapport join Residential plumbing",
        "alice> /referral @bob Jane Roe jane@roe.example 082 555 1234 -- needs a geyser heat:4",
        "bob> /referrals update 1 contacted",
        "alice> /rapport help",
        "carol> /rapport join Roofing",
        "bob> /rapport stats",
    ]
    after = replies_to(
        transcript,
        "alice> /referral @bob Jane Roe jane@roe.example 082 555 1234 -- needs a geyser heat:4",
    )
    assert [b[0].split("] ")[0] + "]" for b in after] == [
        "[@alice only]",
        "[DM @bob]",
        "[#general]",
    ]
    assert after[0][0].startswith("[@alice only] Referral #1 to @bob is logged: Jane Roe.")
    assert after[2] == ["[#general] @alice passed a referral to @bob."]
    # the prospect's details go to bob alone
    for b in blocks(transcript):
        if b[0].startswith("[#general]"):
            assert not any("jane@roe.example" in line or "555 1234" in line for line in b)


async def test_fields_and_actions_render_as_indented_lines(settings, tmp_path):
    transcript = await play(settings, tmp_path, WEEK)
    dm = block_after(transcript, "[DM @bob] @alice passed you a referral")
    # fields first, then one line per action: its label, then the command that does the same
    assert dm[1:7] == [
        "  Prospect: Jane Roe",
        "  Email: jane@roe.example",
        "  Phone: 082 555 1234",
        "  Need: needs a geyser",
        "  Heat: 4/5 (hot)",
        "  Id: #1",
    ]
    actions = dm[7:]
    assert actions[:4] == [
        "  [Contacted] /referrals update 1 contacted · :click ref:1:contacted",
        "  [Meeting booked] /referrals update 1 meeting · :click ref:1:meeting",
        "  [Won] /referrals update 1 won · :click ref:1:won",
        "  [No sale] /referrals update 1 lost · :click ref:1:lost",
    ]
    for line in actions:
        assert re.fullmatch(r"  \[[^\]\n]+\] /\S.* · :click \S+", line), line


async def test_the_click_id_beside_a_button_presses_it_in_a_script(settings, tmp_path):
    transcript = await play(settings, tmp_path, WEEK)
    dm = block_after(transcript, "[DM @bob] @alice passed you a referral")
    won = next(line for line in dm if line.startswith("  [Won] "))
    click = won.split(" · ")[1]
    assert click == ":click ref:1:won"
    again = await play(settings, tmp_path, WEEK + f"bob> {click}\n", db="again.db")
    [reply] = replies_to(again, f"bob> {click}")[:1]
    assert reply[0].startswith("[@bob only] #1 is now won.")


# --- the clock -----------------------------------------------------------------------------
async def test_advance_and_at_print_the_new_local_time(settings, tmp_path):
    transcript = await play(settings, tmp_path, WEEK)
    nows = [b for b in blocks(transcript) if kind(b[0]) == "now"]
    assert nows == [
        ["-- now Tue 2026-12-01 09:00 (Africa/Johannesburg)"],  # 08:00 Monday + 25h
        ["-- now Wed 2026-12-02 07:00 (Africa/Johannesburg)"],
    ]


async def test_work_due_at_the_target_is_printed_under_its_now_line(settings, tmp_path):
    # heat 4: the follow-up is due 24 h after the referral, exactly at the second target
    transcript = await play(
        settings,
        tmp_path,
        "alice> /rapport setup Breakfast Club\n"
        "alice> /rapport join Commercial insurance\n"
        "bob> /rapport join Residential plumbing\n"
        "alice> /referral @bob Jane Roe jane@roe.example -- roof heat:4\n"
        ":advance 1h\n"
        ":advance 23h\n",
    )
    lines = transcript.splitlines()
    now = lines.index("-- now Tue 2026-12-01 08:00 (Africa/Johannesburg)")
    nudge = next(i for i, x in enumerate(lines) if x.startswith("[DM @bob] Follow up now"))
    assert now < nudge


async def test_the_clock_really_moves(settings, tmp_path):
    transcript = await play(
        settings,
        tmp_path,
        "alice> /rapport setup Breakfast Club\n"
        "alice> /rapport meeting set wed 07:00\n"
        "alice> /rapport meeting\n"
        ":at 2026-12-02 07:00\n"
        "alice> /rapport meeting\n"
        ":advance 90m\n",
    )
    lines = transcript.splitlines()
    i = lines.index("-- now Wed 2026-12-02 07:00 (Africa/Johannesburg)")
    before, after = "\n".join(lines[:i]), "\n".join(lines[i:])
    assert "Next meeting: Wed 2 Dec 07:00." in before
    assert "Next meeting: Wed 9 Dec 07:00." in after
    assert "-- now Wed 2026-12-02 08:30 (Africa/Johannesburg)" in lines


async def test_time_is_local_to_the_tz_given_across_daylight_saving(settings, tmp_path):
    # New York springs forward on Sunday 2027-03-14: 08:00 EST + 24h is 09:00 EDT
    transcript = await play(
        settings,
        tmp_path,
        ":advance 24h\n:advance 2d\n:at 2027-11-07 01:30\n:advance 1h\n",
        now="2027-03-13 08:00",
        tz="America/New_York",
    )
    assert transcript.splitlines() == [
        "-- now Sun 2027-03-14 09:00 (America/New_York)",
        "-- now Tue 2027-03-16 09:00 (America/New_York)",
        "-- now Sun 2027-11-07 01:30 (America/New_York)",
        # the autumn change repeats 01:00-02:00: an hour after the first 01:30 is 01:30 again
        "-- now Sun 2027-11-07 01:30 (America/New_York)",
    ]


async def test_advance_takes_weeks_and_spelt_out_units(settings, tmp_path):
    transcript = await play(
        settings,
        tmp_path,
        ":advance 1w\n:advance 2 days\n:advance 3 hours\n:advance 30 minutes\n:advance 1 Week\n",
    )
    assert transcript.splitlines() == [
        "-- now Mon 2026-12-07 08:00 (Africa/Johannesburg)",
        "-- now Wed 2026-12-09 08:00 (Africa/Johannesburg)",
        "-- now Wed 2026-12-09 11:00 (Africa/Johannesburg)",
        "-- now Wed 2026-12-09 11:30 (Africa/Johannesburg)",
        "-- now Wed 2026-12-16 11:30 (Africa/Johannesburg)",
    ]
    assert (await play(settings, tmp_path, ":advance 2 fortnights\n", db="y.db")).startswith(
        "-- line 1: not understood"
    )


async def test_at_in_the_past_is_refused_and_the_clock_stays(settings, tmp_path):
    transcript = await play(
        settings, tmp_path, ":at 2026-11-30 07:59\n:at 2026-11-29 12:00\n:advance 1m\n"
    )
    assert transcript.splitlines() == [
        "-- line 1: 2026-11-30 07:59 is in the past; the clock only moves forward",
        "-- line 2: 2026-11-29 12:00 is in the past; the clock only moves forward",
        "-- now Mon 2026-11-30 08:01 (Africa/Johannesburg)",
    ]


# --- lines the console skips or does not understand --------------------------------------
async def test_blank_and_comment_lines_print_nothing(settings, tmp_path):
    transcript = await play(settings, tmp_path, "\n# a comment\n   \n  # indented\n\t\n")
    assert transcript == ""


async def test_a_garbled_line_gets_a_one_line_notice_and_the_run_goes_on(settings, tmp_path):
    transcript = await play(
        settings,
        tmp_path,
        "# line 1\n"
        "\n"
        "alice> /rapport setup Breakfast Club\n"
        "hello there\n"
        ":advance soon\n"
        ":at tomorrow\n"
        "alice> /rapport join Commercial insurance\n",
    )
    lines = transcript.splitlines()
    notices = [line for line in lines if line.startswith("-- line ")]
    assert [n.split(":")[0] for n in notices] == ["-- line 4", "-- line 5", "-- line 6"]
    for n in notices:
        i = lines.index(n)
        assert not lines[i + 1].startswith("  "), "a notice is one line"
    # the run went on past them
    after = replies_to(transcript, "alice> /rapport join Commercial insurance")
    assert after[0][0].startswith(
        "[@alice only] Welcome to Breakfast Club! You hold the Commercial insurance seat."
    )
    assert after[1] == [
        "[#general] Please welcome @alice, who takes the Commercial insurance seat!"
    ]
    assert "Traceback" not in transcript


async def test_a_bad_command_is_a_reply_not_a_notice(settings, tmp_path):
    transcript = await play(settings, tmp_path, "alice> /frobnicate\nbob>\n")
    [reply] = replies_to(transcript, "alice> /frobnicate")
    assert reply[0].startswith("[@alice only] ")
    assert "/rapport help" in reply[0]
    [reply] = replies_to(transcript, "bob> ")
    assert reply[0].startswith("[@bob only] ")
    assert "-- line" not in transcript


# --- clicks ------------------------------------------------------------------------------
REFERRAL_TO_ALICE = """\
alice> /rapport setup Breakfast Club
alice> /rapport join Commercial insurance
bob> /rapport join Residential plumbing
bob> /referral @alice Jane Roe jane@roe.example
"""


async def test_click_works_like_the_typed_command(settings, tmp_path):
    clicked = await play(
        settings, tmp_path, REFERRAL_TO_ALICE + "alice> :click ref:1:contacted\n", db="a.db"
    )
    typed = await play(
        settings, tmp_path, REFERRAL_TO_ALICE + "alice> /referrals update 1 contacted\n", db="b.db"
    )
    after_click = replies_to(clicked, "alice> :click ref:1:contacted")
    assert after_click == replies_to(typed, "alice> /referrals update 1 contacted")
    assert after_click == [
        ["[@alice only] #1 is now contacted. I've let @bob know."],
        ["[DM @bob] @alice marked your referral for Jane Roe (#1) as contacted."],
    ]


async def test_a_click_on_a_button_that_no_longer_applies(settings, tmp_path):
    transcript = await play(settings, tmp_path, REFERRAL_TO_ALICE + "alice> :click nothing:here\n")
    [reply] = replies_to(transcript, "alice> :click nothing:here")
    assert reply[0].startswith("[@alice only] That button no longer applies")


# --- storage -----------------------------------------------------------------------------
async def test_data_persists_across_runs_on_the_same_file(settings, tmp_path):
    first = await play(
        settings, tmp_path, REFERRAL_TO_ALICE + "alice> /rapport meeting set wed 07:00\n"
    )
    assert "Referral #1 to @alice is logged" in first
    second = await play(
        settings,
        tmp_path,
        "alice> /referrals\n"
        "carol> /rapport setup Lunch Club\n"
        "carol> /rapport join Residential Plumbing\n"
        "bob> /rapport meeting\n"
        "bob> /referral @alice Ann Lee ann@lee.example\n",
        now="2026-12-01 08:00",
    )
    assert replies_to(second, "alice> /referrals") == [
        [
            "[@alice only] Your referrals and leads (newest first):",
            "  #1 referral from @bob: Jane Roe — open",
        ]
    ]
    assert replies_to(second, "carol> /rapport setup Lunch Club") == [
        ["[@carol only] This channel is already home to Breakfast Club (admin: @alice)."]
    ]
    [taken] = replies_to(second, "carol> /rapport join Residential Plumbing")
    assert "The Residential plumbing seat is taken by @bob" in taken[0]
    [meeting] = replies_to(second, "bob> /rapport meeting")
    assert "Next meeting: Wed 2 Dec 07:00." in meeting[0]
    assert "Referral #2 to @alice is logged" in second


# --- the command line ----------------------------------------------------------------------
def cli(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    config = config or REPO / "examples" / "demo.toml"
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "console", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_cli_plays_a_script_to_stdout(settings, tmp_path):
    script = tmp_path / "week.txt"
    script.write_text(WEEK, encoding="utf-8")
    config = tmp_path / "rapport.toml"  # the demo's settings, files where the fixture puts them
    demo = (REPO / "examples" / "demo.toml").read_text(encoding="utf-8")
    assert 'files_dir = ".demo-files"' in demo
    config.write_text(
        demo.replace('".demo-files"', repr(settings.privacy.files_dir)), encoding="utf-8"
    )
    run = cli(
        "--db",
        str(tmp_path / "cli.db"),
        "--script",
        str(script),
        "--now",
        START,
        "--tz",
        SAST,
        config=config,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    # the same transcript as the console itself prints
    assert run.stdout == await play(settings, tmp_path, WEEK, db="inproc.db")
    assert "-- now Wed 2026-12-02 07:00 (Africa/Johannesburg)" in run.stdout.splitlines()


def test_the_config_may_follow_the_adapter_and_the_version_is_shown(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("alice> /rapport help gaps\n", encoding="utf-8")
    config = tmp_path / "bad.toml"
    config.write_text('[defaults]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    # `rapport console --config x`: the file is read (here, refused for its bad zone)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(config), "--script", str(script)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.startswith(f"rapport: {config}: defaults.timezone:"), run.stderr
    version = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0
    assert re.fullmatch(r"rapport \d+\.\d+\.\d+\S*\n", version.stdout), version.stdout


def assert_refused(run: subprocess.CompletedProcess[str], flag: str) -> None:
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"rapport: {flag}: ")
    assert run.stdout == ""


# "America/Argentina" is a folder of zones (America/Argentina/Salta …), not a zone
@pytest.mark.parametrize("tz", ["Mars/Olympus", "Johannesburg", "America/Argentina"])
def test_the_cli_refuses_an_unknown_time_zone(tmp_path, tz):
    script = tmp_path / "s.txt"
    script.write_text("alice> /rapport help\n", encoding="utf-8")
    run = cli("--db", str(tmp_path / "x.db"), "--script", str(script), "--tz", tz)
    assert_refused(run, "--tz")
    assert tz in run.stderr
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "now", ["2026-11-31 08:00", "tomorrow", "2026-11-30T08:00", "2026-11-30 25:00"]
)
def test_the_cli_refuses_a_bad_start_time(tmp_path, now):
    script = tmp_path / "s.txt"
    script.write_text("alice> /rapport help\n", encoding="utf-8")
    run = cli("--db", str(tmp_path / "x.db"), "--script", str(script), "--now", now)
    assert_refused(run, "--now")
    assert now in run.stderr
    assert not (tmp_path / "x.db").exists()


def test_the_cli_refuses_a_missing_script(tmp_path):
    missing = tmp_path / "nope.txt"
    run = cli("--db", str(tmp_path / "x.db"), "--script", str(missing), "--now", START)
    assert_refused(run, "--script")
    assert str(missing) in run.stderr
    assert not (tmp_path / "x.db").exists()


# --- the demo --------------------------------------------------------------------------------
async def test_the_demo_plays_cleanly(settings, tmp_path):
    out = io.StringIO()
    rc = await main(
        settings, db=str(tmp_path / "demo.db"), script=str(DEMO), now=START, tz=SAST, out=out
    )
    assert rc == 0
    transcript = out.getvalue()
    kinds = [kind(b[0]) for b in blocks(transcript)]
    for k in ("channel", "dm", "only", "echo", "now"):
        assert k in kinds, k
    for line in transcript.splitlines():
        assert "Traceback" not in line
        assert "something went wrong" not in line.casefold()
    assert "-- line" not in transcript, "the demo has no line the console cannot read"
    # every command line in the demo is echoed, in order, and answered
    commands = [
        f"{m[1]}> {m[2].strip()}"
        for line in DEMO.read_text(encoding="utf-8").splitlines()
        if (m := re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)>(.*)$", line))
    ]
    assert commands
    echoes = [b[0] for b in blocks(transcript) if kind(b[0]) == "echo"]
    assert echoes == commands
    for echo in set(commands):
        if commands.count(echo) == 1:
            assert replies_to(transcript, echo), f"nothing answered {echo!r}"


async def test_the_demo_shows_a_second_admin_and_a_seat_held_back_as_the_same_trade(
    settings, tmp_path
):
    out = io.StringIO()
    await main(
        settings, db=str(tmp_path / "demo.db"), script=str(DEMO), now=START, tz=SAST, out=out
    )
    transcript = out.getvalue()
    [held] = replies_to(transcript, "erin> /rapport join Plumbing and gas fitting")[:1]
    assert held[0].startswith(
        "[@erin only] Plumbing and gas fitting is the same trade as @bob's Residential"
        " plumbing seat (plumber)"
    )
    [made] = replies_to(transcript, "thandi> /rapport admin add @carol")[1:]
    assert made == ["[#general] @thandi made @carol an admin of Cape Town Breakfast Club."]
    [saved] = replies_to(transcript, "carol> /rapport attendance confirm present @thandi @frank")
    assert saved[0] == "[@carol only] Attendance saved for 2026-12-02."


async def test_the_groups_wording_as_the_transcript_shows_it(settings, tmp_path):
    transcript = await play(
        settings,
        tmp_path,
        "maggie> /rapport setup Lawyers Club\n"
        "maggie> /rapport join Commercial law\n"
        "maggie> /rapport settings reminder before 2\n"
        "maggie> /rapport meeting set wed 07:00\n"
        "maggie> /rapport rsvp absent\n"
        "ann> /rapport join Solicitor\n"
        "maggie> /rapport roster\n",
    )
    assert replies_to(transcript, "maggie> /rapport join Commercial law")[1] == [
        "[#general] Please welcome @maggie, who takes the Commercial law seat!"
    ]
    assert replies_to(transcript, "maggie> /rapport settings reminder before 2")[0] == [
        "[@maggie only] Saved: a reminder 2 hours before the meeting. Upcoming reminders"
        " follow the new setting."
    ]
    assert replies_to(transcript, "maggie> /rapport rsvp absent")[0] == [
        "[@maggie only] Thanks for letting us know: you can't make it on 2026-12-02."
        " We'll miss you."
    ]
    held, told = replies_to(transcript, "ann> /rapport join Solicitor")
    assert held[0].startswith("[@ann only] Solicitor is the same trade as @maggie's Commercial")
    assert told[-1] == "  [Allow the seat] /rapport seat allow @ann · :click seat:allow:1"
    [roster] = replies_to(transcript, "maggie> /rapport roster")
    assert roster[:2] == [
        "[@maggie only] Lawyers Club's roster: 1 member.",
        "  • @maggie — Commercial law, joined 30 Nov 2026, admin",
    ]
# --- records a chapter can trust (issue 11), as a person reads them --------------------------
RECORDS = """\
alice> /rapport setup Breakfast Club
alice> /rapport join Commercial insurance
bob> /rapport join Residential plumbing
alice> /referral @bob Jane Roe jane@roe.example -- a geyser
alice> /referral @bob Jane Roe jane@roe.example
alice> /referral @bob J. Roe 082 555 1234 -- her cell
alice> /referrals withdraw 2 -- a duplicate of #1
alice> /referrals
bob> /referrals update 1 won R18,500
bob> /referrals amount 1 R16 500 -- one tap was under guarantee
bob> /thanks @alice 12
bob> /referrals update 1 won $300
"""


async def test_the_transcript_shows_rand_a_corrected_amount_and_a_withdrawn_duplicate(
    settings, tmp_path
):
    lines = (await play(settings, tmp_path, RECORDS)).splitlines()
    nbsp = "\u00a0"
    assert any(
        line.startswith("[@alice only] Breakfast Club is set up")
        and f"Amounts are in ZAR (R), written like R1{nbsp}500,00" in line
        for line in lines
    )
    assert (
        f"[@bob only] Closed business for #1 is now R16{nbsp}500,00 (was R18{nbsp}500,00)."
        " The old amount and your reason are kept in its history, and the group's totals"
        " follow. I've told @alice it was corrected, without the amount."
    ) in lines
    assert (
        "[DM @alice] @bob corrected the closed business recorded for your referral Jane Roe"
        " (#1). Amounts stay private to @bob and the group's totals."
    ) in lines
    assert any(
        line.startswith("[@alice only] You already passed Jane Roe to @bob as #1") for line in lines
    )
    assert (
        "[DM @bob] @alice withdrew the referral J. Roe (#2): a duplicate of #1. It no longer"
        " counts, and you won't be reminded about it." in lines
    )
    assert "  #2 referral to @bob: J. Roe — withdrawn" in lines
    assert any(
        line.startswith("[@bob only] I can't tell what “12” means, so nothing is posted yet.")
        for line in lines
    )
    assert (
        "[@bob only] “$300” is not in this group's currency: amounts here are in ZAR."
        f" Write it like R1{nbsp}500,00 or 1500. (The admin changes the currency with"
        " /rapport settings currency <code>.)"
    ) in lines
