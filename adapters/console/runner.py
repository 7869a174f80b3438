"""The console adapter: script or stdin lines in, transcript out.

  alice> /referral @bob Jane Roe jane@roe.example -- needs a new roof
  :advance 25h        (m, h, d, w; or minutes, hours, days, weeks: `:advance 2 days`)
  :at 2026-12-02 06:55
  :jump -1h           (m, h, d; the machine's clock is set, as NTP does: nothing in between runs)
  # comments and blank lines are ignored

Users exist on first appearance with their handle as display name; there is one channel,
#general. The clock is the script's: due work runs, in time order, as the clock moves.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console import render
from adapters.console.clock import ConsoleClock
from bot.app import App, build
from bot.config import Settings
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.work import Context

PLATFORM = "console"
WORKSPACE = "local"
CHANNEL = ChannelRef(PLATFORM, WORKSPACE, "general", "#general")

HANDLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
SPEAKER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,31})>\s?(.*)$")
ADVANCE = re.compile(
    r"^:advance\s+(\d+)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$",
    re.IGNORECASE,
)
AT = re.compile(r"^:at\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2})$")
CLICK = re.compile(r"^:click\s+(\S+)$")
JUMP = re.compile(r"^:jump\s+([+-])(\d+)\s*([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def user(handle: str) -> UserRef:
    return UserRef(PLATFORM, WORKSPACE, handle, handle)


class ConsoleMessenger:
    """Delivers by rendering transcript blocks; the console prints them after the reply of
    the command that caused them, so a transcript reads in the order people would see it."""

    def __init__(self) -> None:
        self.delivered: list[str] = []

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.delivered.append(render.message(f"[DM @{to.display_name}] ", message))

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.delivered.append(render.message(f"[{channel.name}] ", message))

    def take(self) -> list[str]:
        out, self.delivered = self.delivered, []
        return out


class ConsoleResolver:
    """`@bob` is console user bob; anything else is not a console mention."""

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        name = raw[1:] if raw.startswith("@") else ""
        return user(name) if HANDLE.fullmatch(name) else None


class Console:
    def __init__(
        self, app: App, messenger: ConsoleMessenger, clock: ConsoleClock, tz: str, out: TextIO
    ) -> None:
        self.app = app
        self.messenger = messenger
        self.clock = clock
        self.tz = tz
        self.out = out

    def say(self, line: str) -> None:
        self.out.write(line + "\n")

    def say_delivered(self) -> None:
        for block in self.messenger.take():
            self.say(block)

    async def line(self, raw: str, number: int = 0) -> None:
        s = raw.rstrip("\n")
        stripped = s.strip()
        if not stripped or stripped.startswith("#"):
            return
        if m := ADVANCE.match(stripped):
            try:
                unit = UNITS[m.group(2)[0].casefold()]
                target = self.clock.now() + timedelta(**{unit: int(m.group(1))})
            except (OverflowError, ValueError):
                self.say(f"-- line {number}: {stripped} is further than the calendar goes")
                return
            await self.advance_to(target)
            return
        if m := AT.match(stripped):
            try:
                local = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(
                    tzinfo=ZoneInfo(self.tz)
                )
            except ValueError:
                self.say(f"-- line {number}: {m.group(1)} is not a real date and time")
                return
            if local < self.clock.now():
                self.say(
                    f"-- line {number}: {m.group(1)} is in the past; the clock only moves forward"
                )
                return
            await self.advance_to(local)
            return
        if m := JUMP.match(stripped):
            await self.jump(m.group(1), int(m.group(2)), m.group(3), number, stripped)
            return
        if m := SPEAKER.match(stripped):
            handle, command = m.group(1), m.group(2).strip()
            self.say(f"{handle}> {render.one_line(command)}")
            ctx = Context(user(handle), CHANNEL)
            if c := CLICK.match(command):
                replies = await self.app.core.click(ctx, c.group(1))
            else:
                replies = await self.app.core.handle(ctx, command)
            for r in replies:
                self.say(render.message(f"[@{handle} only] ", r))
            await self.app.core.settle()  # a transcript shows what the command sent under it
            self.say_delivered()
            return
        self.say(
            f"-- line {number}: not understood; write `name> /command`, `:advance 2h` or"
            " `:at YYYY-MM-DD HH:MM`"
        )

    async def advance_to(self, target: datetime) -> None:
        """Move the clock to `target`, running every piece of due work in time order; what
        goes out at a moment in between is printed under that moment's `-- now` line, and
        what is due at `target` itself under the target's."""
        while True:
            due = await self.app.core.next_due()
            if due is None or due >= target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.app.core.run_due(self.clock.now())
            if self.clock.now() < target and self.messenger.delivered:
                self.say_now(self.clock.now())
            self.say_delivered()
            if await self.app.core.next_due() == due:  # nothing moved: avoid spinning
                break
        self.clock.set(target)
        await self.app.core.run_due(target)
        self.say_now(target)
        self.say_delivered()

    async def jump(self, sign: str, amount: int, unit: str, number: int, line: str) -> None:
        """The machine's clock is set forward or back at once, as NTP corrects a clock:
        what fell due in between is not run moment by moment; the next tick sees the new
        time, whatever it finds due then."""
        try:
            step = timedelta(**{UNITS[unit]: amount})
            target = self.clock.now() + step if sign == "+" else self.clock.now() - step
        except (OverflowError, ValueError):
            self.say(f"-- line {number}: {line} is further than the calendar goes")
            return
        self.clock.set(target)
        await self.app.core.run_due(target)
        self.say_now(target)
        self.say_delivered()

    def say_now(self, at: datetime) -> None:
        local = at.astimezone(ZoneInfo(self.tz))
        self.say(f"-- now {local:%a %Y-%m-%d %H:%M} ({self.tz})")

    async def run(self, lines: Iterable[str]) -> None:
        for number, raw in enumerate(lines, 1):
            await self.line(raw, number)
            self.out.flush()


async def main(
    settings: Settings,
    *,
    db: str,
    script: str | None,
    now: str | None,
    tz: str | None,
    out: TextIO = sys.stdout,
    inp: TextIO = sys.stdin,
) -> int:
    zone = tz or settings.timezone
    start = None
    if now:
        start = datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))
    clock = ConsoleClock(start)
    if tz:
        settings = type(settings)(**{**settings.__dict__, "timezone": tz})
    messenger = ConsoleMessenger()
    app = await build(
        settings, messenger=messenger, resolver=ConsoleResolver(), clock=clock, database=db
    )
    console = Console(app, messenger, clock, zone, out)
    try:
        if script:
            with open(script, encoding="utf-8") as f:
                await console.run(f)
        else:
            if inp.isatty():
                out.write("Rapport console. Type `alice> /rapport help`; Ctrl-D to leave.\n")
            await console.run(inp)
    finally:
        await app.close()
    return 0
