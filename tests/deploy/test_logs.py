"""What `rapport -v` writes to its log, in both formats, through a run full of faults: signed
referrals carrying prospects' emails and phones, forged and stale requests carrying them too
(with newlines that would start a forged record), a timestamp that is not a number, a body
that is not JSON, Slack failing a DM, a response_url that expired, and a command that
crashes. The log must hold none of the prospects' details, no token or secret, no request
body, and every line must be one of the bot's own records."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from adapters.logs import configure
from bot import service
from bot.features.referrals.commands import LogReferral
from tests.slack.conftest import ALICE, BOB, GROUP, Workspace
from tests.slack.payloads import SIGNING_SECRET, encode_form, signed_headers, slash_form
from tests.slack.test_cli import BOT_TOKEN, a_group_in, post

ROOT = Path(__file__).resolve().parents[2]

# name, email, phone as typed, the phone's digits
PROSPECTS = [
    ("Zebulon Quartermaine", "zebulon@quartermaine.example", "082 555 0134", "0825550134"),
    ("Philippa Tregothnan", "p.tregothnan@cornwall.example", "+44 20 7946 0958", "442079460958"),
    ("Ottoline Marchbanks", "ottoline@marchbanks.example", "(011) 555-0199", "0115550199"),
]
FORGED = "2026-12-02 07:00:00,000 ERROR bot.service: forged record"
VERIFICATION_TOKEN = "vErIfIcAtIoNtOkEn0123"
RECORD = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [^ ]+: "
)


def referral_line(name: str, email: str, phone: str) -> str:
    return f"/referral <@U0BOB|bob> {name} {email} {phone} -- a new roof\n{FORGED}"


def forged_body(name: str, email: str, phone: str) -> str:
    form = slash_form(
        "/referral",
        f"<@U0BOB|bob> {name} {email} {phone}\n{FORGED}",
        user=ALICE,
        channel_id=GROUP[0],
        channel_name=GROUP[1],
        response_url="https://hooks.slack.test/commands/T0/forged/SeCrEtHoOk",
    )
    form["token"] = VERIFICATION_TOKEN
    return encode_form(form) + f"\n{FORGED}\n"


async def raw_post(url: str, body: str | bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as s, s.post(url, data=body, headers=headers) as r:
        await r.read()
        return r.status


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def leaks(log: str, *also: str) -> list[str]:
    """Every prospect detail, secret or piece of a request body found in the log."""
    found = []
    lines = log.replace("\\n", "\n").replace("\\r", "\n").splitlines()
    for name, email, phone, phone_digits in PROSPECTS:
        for detail in (name, *name.split(), email, email.split("@")[0] + "@", phone):
            if detail.lower() in log.lower():
                found.append(detail)
        # the phone written any other way (its separators dropped or escaped)
        if any(phone_digits in digits(line) for line in lines):
            found.append(phone)
    for secret in (BOT_TOKEN, SIGNING_SECRET, VERIFICATION_TOKEN, "SeCrEtHoOk", *also):
        if secret in log:
            found.append(secret)
    return found


def check_lines(log: str, fmt: str, ready_lines: int) -> list[dict[str, str]]:
    """Every line is one of the bot's records (or a traceback's indented line); returns the
    records. No line is the forged one."""
    records: list[dict[str, str]] = []
    plain = 0
    for line in log.splitlines():
        assert not line.startswith(FORGED[:23]), f"a forged record: {line!r}"
        if line.startswith("rapport: "):  # the CLI's own status line, not a log record
            plain += 1
            continue
        if fmt == "json":
            record = json.loads(line)
            assert set(record) <= {"time", "level", "logger", "message", "error"}, record
            assert record["message"] != FORGED.split(": ", 1)[1]
            records.append(record)
        elif RECORD.match(line):
            level, rest = line[24:].split(" ", 1)
            logger, message = rest.split(": ", 1)
            records.append({"level": level, "logger": logger, "message": message})
        else:
            assert line.startswith("    "), f"not a record, nor a traceback's line: {line!r}"
    assert plain == ready_lines
    return records


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_a_fault_run_logs_no_prospect_no_secret_and_no_forged_line(
    fake, settings, clock, tmp_path, fmt
):
    db = tmp_path / "rapport.db"
    await a_group_in(db, fake, settings, clock)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    env.pop("RAPPORT_DATABASE", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "-v",
        "--log-format",
        fmt,
        "slack",
        "--http",
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--db",
        str(db),
        cwd=ROOT,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    try:
        said = []  # what it logged while starting
        while True:
            ready = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
            assert ready, "".join(said)  # it stopped before it was ready
            if ready.startswith("rapport: Slack adapter running (HTTP on "):
                break
            said.append(ready)
        url = ready.split("HTTP on ")[1].split(")")[0]

        # signed referrals, the first DM refused by a failing Slack (retried later)
        fake.fail("chat.postMessage", "internal_error", status=500)
        for n, (name, email, phone, _) in enumerate(PROSPECTS):
            await post(url, ALICE, referral_line(name, email, phone), fake, f"ok{n}")
        await fake.until(lambda: len(fake.responses("ok2")) == 1)
        await fake.until(lambda: len(fake.dms_to(BOB["id"])) >= 2)

        # an answer whose response_url expired
        fake.fail("response_url", "expired_url")
        await post(url, ALICE, "/referrals", fake, "expired")

        # forged and stale requests carrying a prospect and a newline
        name, email, phone, _ = PROSPECTS[0]
        body = forged_body(name, email, phone)
        headers = {"content-type": "application/x-www-form-urlencoded"}
        assert await raw_post(url, body, headers) == 401  # unsigned
        stale = signed_headers(body, timestamp=int(time.time()) - 301)
        assert await raw_post(url, body, stale) == 401
        wrong = {**signed_headers(body), "x-slack-signature": "v0=" + "0" * 64}
        assert await raw_post(url, body, wrong) == 401
        for timestamp in ("1x", "", "1.7e9"):
            bad_time = {**signed_headers(body), "x-slack-request-timestamp": timestamp}
            assert await raw_post(url, body, bad_time) == 401
        not_json = f"payload=%7B%22user%22%3A%22{email}%22%0A{FORGED}"
        assert await raw_post(url, not_json, headers) == 400
        assert await raw_post(url, b"payload=\xff\xfe" + FORGED.encode(), headers) == 400
        as_json = json.dumps({"type": "event_callback", "text": f"{email}\n{FORGED}"})
        assert await raw_post(url, as_json, {"content-type": "application/json"}) == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
        log = "".join(said) + (await proc.stderr.read()).decode()
    assert code == 0, log
    answered_at = [fake.response_url(k) for k in ("ok0", "ok1", "ok2", "expired")]
    assert leaks(log, *answered_at, "hooks.slack.test") == []
    records = check_lines(log, fmt, ready_lines=0)
    said = "\n".join(r["message"] + "\n" + r.get("error", "") for r in records)
    # the run was logged: the refusals, the failed DM, the expired answer
    assert said.count("refused a request not signed with the signing secret") >= 4, said
    assert said.count("refused a request whose body is not a Slack payload") == 2, said
    assert "Traceback" not in log  # nothing here is a bug
    assert "delivery failed" in said
    assert "the response_url refused the answer" in said
    assert {r["level"] for r in records} >= {"INFO", "WARNING"}


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_a_crash_logs_its_traceback_indented_or_in_json_with_nothing_forged(
    fake, pace, settings, clock, monkeypatch, fmt
):
    from tests.slack.conftest import offline_bot

    stream = io.StringIO()
    handler = configure(verbose=True, fmt=fmt, stream=stream, secrets=[BOT_TOKEN])
    try:
        name, email, phone, _ = PROSPECTS[1]

        async def crash(w, cmd):
            raise RuntimeError(f"disk I/O error writing {email}\n{FORGED}\r{BOT_TOKEN}")

        monkeypatch.setitem(service.HANDLERS, LogReferral, crash)
        bot = await offline_bot(settings, clock, fake, pace)
        try:
            ws = Workspace(bot, fake)
            await ws.type(ALICE, "/rapport setup Breakfast Club")
            await ws.type(ALICE, "/rapport join Commercial insurance")
            await ws.type(BOB, "/rapport join Roofing")
            answer = await ws.type(ALICE, f"/referral <@U0BOB|bob> {name} {email} {phone}")
            assert "Sorry, something went wrong on my side" in answer.text
            logging.getLogger("slack_bolt.AsyncApp").info(
                "Request body: {'text': '%s %s', 'token': '%s'}", email, phone, VERIFICATION_TOKEN
            )
        finally:
            await bot.close()
    finally:
        logging.getLogger().removeHandler(handler)
    log = stream.getvalue()
    assert leaks(log) == []
    records = check_lines(log, fmt, ready_lines=0)
    [crashed] = [r for r in records if r["message"] == "command failed: LogReferral"]
    if fmt == "json":  # the traceback in the record, its newlines and \r escaped by JSON
        assert crashed["error"].startswith("Traceback (most recent call last):\n")
        assert (
            f"RuntimeError: disk I/O error writing [email]\n{FORGED}\r[secret]" in crashed["error"]
        )
    else:  # the traceback's lines follow the record, indented, the \r written as \\r
        trace = log.split("command failed: LogReferral\n", 1)[1].splitlines()
        assert trace[0] == "    Traceback (most recent call last):"
        at = trace.index("    RuntimeError: disk I/O error writing [email]")
        assert trace[at + 1] == f"    {FORGED}\\r[secret]"
    [bolt] = [r for r in records if r["logger"] == "slack_bolt.AsyncApp"]
    assert bolt["message"] == "(request body not logged)"
