"""A prospect's email and phone go to the member who will call them, never to a channel: not in
the whole demo (as `make demo` plays it), not when a DM cannot be delivered, and not in any
channel post the other fault tests made (their `channel_posts` fixture checks each one)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console.clock import ConsoleClock
from adapters.console.runner import Console, ConsoleMessenger, ConsoleResolver
from bot import contacts
from bot.app import build
from bot.config import Settings
from bot.features.referrals.commands import LogReferral
from bot.model import ChannelRef, UserRef
from bot.out import Field, OutMessage
from bot.registry import parse
from bot.text import lit
from tests.conftest import Chat
from tests.fakes import RecordingMessenger, Sent, channel, user
from tests.faults.support import (
    ChannelPosts,
    discord_problems,
    slack_texts,
    transcript_blocks,
)

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.txt"
START = "2026-11-02 08:00"  # as `make demo` plays it
TZ = "Africa/Johannesburg"


class RecordingConsole(ConsoleMessenger):
    """The console's messenger, also keeping each message as the core sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[tuple[UserRef | ChannelRef, OutMessage]] = []

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self.raw.append((to, message))
        await super().send_dm(to, message)

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self.raw.append((channel, message))
        await super().post(channel, message)


def demo_contacts() -> set[str]:
    """Every email and phone number the demo's members type for a prospect."""
    found = set()
    for line in DEMO.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*[a-z]+> (/referral .*)$", line)
        if m:
            cmd = parse(m.group(1))
            if isinstance(cmd, LogReferral):  # as the core reads it in a South African group
                taken = contacts.take(cmd.prospect, cmd.need, "ZA")
                found.update(v for v in (taken.email, taken.phone, taken.phone_typed) if v)
    return found


def holds(text: str, contact: str) -> bool:
    digits = re.sub(r"\D", "", contact)
    squeezed = re.sub(r"[\s().\-/+]", "", text)
    return contact in text or ("@" not in contact and digits in squeezed)


async def play_demo(settings: Settings, db: Path) -> tuple[str, RecordingConsole]:
    out = io.StringIO()
    messenger = RecordingConsole()
    clock = ConsoleClock(datetime.strptime(START, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(TZ)))
    app = await build(
        settings, messenger=messenger, resolver=ConsoleResolver(), clock=clock, database=str(db)
    )
    try:
        with DEMO.open(encoding="utf-8") as script:
            await Console(app, messenger, clock, TZ, out).run(script)
    finally:
        await app.close()
    return out.getvalue(), messenger


async def test_no_channel_post_of_the_demo_holds_a_prospects_email_or_phone(
    settings: Settings, tmp_path: Path, channel_posts: ChannelPosts
) -> None:
    transcript, console = await play_demo(settings, tmp_path / "demo.db")
    channel_posts.watch_transcript(transcript)
    contacts = demo_contacts()
    # Jane's email and phone, Mandla's phone, Pieter's email and cell (the duplicate Carol
    # withdraws), and Carol's referral to herself
    assert len(contacts) == 6

    blocks = transcript_blocks(transcript)
    posts = ["\n".join(b) for b in blocks if b[0].startswith("[#general] ")]
    dms = ["\n".join(b) for b in blocks if b[0].startswith("[DM @")]
    assert len(posts) > 20 and len(dms) > 20  # the demo's weeks really played
    for post in posts:
        assert not [c for c in contacts if holds(post, c)], post
    # the details did reach the members they were for, so the check above looked for them
    delivered = {c for c in contacts if any(c in dm for dm in dms)}
    assert delivered == contacts - {"me@example.com"}  # the refused one went nowhere
    assert channel_posts.seen().contacts >= delivered

    # as the core handed them over, and as Slack and Discord would show them
    channel = [m for to, m in console.raw if isinstance(to, ChannelRef)]
    assert len(channel) == len(posts)
    for message in channel:
        shown = [message.to_json(), *slack_texts(message)]
        assert not discord_problems(message)
        for text in shown:
            assert not [c for c in contacts if holds(text, c)], (message.kind, text)
        assert message.fields == () or message.kind in ("recap.monthly",), message.kind


async def test_a_referral_whose_dm_cannot_be_delivered_never_falls_back_to_the_channel(
    group: Chat, messenger: RecordingMessenger, channel_posts: ChannelPosts
) -> None:
    messenger.unreachable.add("bob")
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- geyser")
    await group("carol", "/lead @bob Acme Roofing -- roof")
    messenger.fail_next = 3
    await group("alice", "/referral @carol Tom Lee tom@lee.example -- tap")
    await group.core.run_due(group.core.clock.now())
    channel_posts.secret("jane@roe.example", "082 555 1234", "tom@lee.example")

    posts = messenger.posts()
    assert posts and all("jane@roe" not in s.message.to_json() for s in posts)
    told = [s.text for s in messenger.dms_to("alice")]
    assert any("couldn't" in t or "could not" in t or "can't" in t for t in told), told
    # the giver hears privately; nothing about it, or the prospect, is posted
    assert all("Jane Roe" not in s.message.to_json() for s in posts)


def test_the_channel_check_finds_a_leak_when_there_is_one() -> None:
    """The fixture that checks every fault test would catch a post carrying a phone number,
    however it is spaced."""
    messenger = RecordingMessenger()
    posts = ChannelPosts()
    posts.watch(messenger)
    dm = OutMessage(text=lit("details"), fields=(Field("Phone", lit("082 555 1234")),))
    messenger.sent.append(Sent(user("bob"), dm))
    assert posts.leaks() == []
    leak = OutMessage(text=lit("call 0825551234 today"))
    messenger.sent.append(Sent(channel(), leak))
    assert [(c, where) for where, c, _ in posts.leaks()] == [("082 555 1234", "test #general")]
