"""Test doubles for the core's ports: a clock you move by hand, a Messenger that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, RecipientUnreachable

PLATFORM = "test"
WORKSPACE = "w1"


def user(handle: str, workspace: str = WORKSPACE) -> UserRef:
    return UserRef(PLATFORM, workspace, handle, handle)


def channel(cid: str = "general", workspace: str = WORKSPACE) -> ChannelRef:
    return ChannelRef(PLATFORM, workspace, cid, f"#{cid}")


DM = ChannelRef(PLATFORM, WORKSPACE, None, "")


class FakeMonotonic:
    """A monotonic clock and a sleep that only moves it: an adapter's pacing, checked without
    waiting for it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at


@dataclass
class Sent:
    to: UserRef | ChannelRef
    message: OutMessage
    key: str | None = None  # the outbox's delivery key

    @property
    def text(self) -> str:
        return self.message.fallback()


@dataclass
class RecordingMessenger:
    """Records every delivery. Set `fail_next` to make the next N deliveries fail, or add a
    user id to `unreachable` to refuse their DMs for good."""

    sent: list[Sent] = field(default_factory=list)
    fail_next: int = 0
    unreachable: set[str] = field(default_factory=set)

    async def send_dm(self, to: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        self._maybe_fail(to.user_id)
        self.sent.append(Sent(to, message, key))

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        self._maybe_fail(None)
        self.sent.append(Sent(channel, message, key))

    def _maybe_fail(self, user_id: str | None) -> None:
        if user_id is not None and user_id in self.unreachable:
            raise RecipientUnreachable(f"{user_id} does not accept DMs")
        if self.fail_next > 0:
            self.fail_next -= 1
            raise DeliveryError("platform unavailable")

    def dms_to(self, handle: str) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.to, UserRef) and s.to.user_id == handle]

    def posts(self) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.to, ChannelRef)]

    def clear(self) -> None:
        self.sent.clear()


class FakeResolver:
    """`@name` is user `name` in the workspace asked about; anything else is unresolvable."""

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        if raw.startswith("@") and len(raw) > 1 and raw[1:].isidentifier():
            return user(raw[1:], workspace)
        return None
