"""The group's world in its own words: groups, members, referrals, leads, thanks, 1-2-1s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.names import plain_name


@dataclass(frozen=True)
class UserRef:
    """A person on a chat platform. The core never looks inside `user_id`."""

    platform: str
    workspace: str
    user_id: str
    display_name: str

    def __post_init__(self) -> None:
        # where a platform's names enter the core: no control characters (bot/names.py)
        name = plain_name(self.display_name)
        if name is not self.display_name:
            object.__setattr__(self, "display_name", name)


@dataclass(frozen=True)
class ChannelRef:
    """Where a command was typed. `channel_id` is None for a direct message."""

    platform: str
    workspace: str
    channel_id: str | None
    name: str = ""

    def __post_init__(self) -> None:
        name = plain_name(self.name)
        if name is not self.name:
            object.__setattr__(self, "name", name)


class Kind(StrEnum):
    REFERRAL = "referral"
    LEAD = "lead"


class Status(StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    MEETING = "meeting"
    WON = "won"
    LOST = "lost"

    @property
    def closed(self) -> bool:
        return self in (Status.WON, Status.LOST)


class DueState(StrEnum):
    """What became of a piece of scheduled work once it ran (stored on its row)."""

    DONE = "done"
    DROPPED = "dropped"  # too late to be of use
    CANCELLED = "cancelled"  # no longer applies
    POSTPONED = "postponed"  # runs again later (its row goes back to pending)


class LightColour(StrEnum):
    """A member's traffic light, and the band each of its measures falls in."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"  # too new, or the group has held no meeting yet


# Forward order of a referral's life; won and lost are both ends.
STATUS_RANK = {
    Status.OPEN: 0,
    Status.CONTACTED: 1,
    Status.MEETING: 2,
    Status.WON: 3,
    Status.LOST: 3,
}

STATUS_LABEL = {
    Status.OPEN: "open",
    Status.CONTACTED: "contacted",
    Status.MEETING: "meeting booked",
    Status.WON: "won",
    Status.LOST: "no sale",
}


@dataclass(frozen=True)
class Meeting:
    """The group's weekly meeting: weekday 0 = Monday, local time in `tz`."""

    weekday: int
    time: str  # "HH:MM"
    tz: str
    where: str = ""


@dataclass(frozen=True)
class Group:
    id: int
    platform: str
    workspace: str
    channel_id: str
    channel_name: str
    name: str
    tz: str
    currency: str
    meeting: Meeting | None
    created_at: int
    locale: str | None = None  # how amounts are written; None: the time zone's way (bot.money)

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef(self.platform, self.workspace, self.channel_id, self.channel_name)


@dataclass(frozen=True)
class Member:
    id: int
    group_id: int
    user: UserRef
    classification: str | None
    ask: str | None
    email: str | None  # the member's own business address, for introductions
    tz: str | None
    quiet_hours: str | None
    dm_enabled: bool
    is_admin: bool
    active: bool
    joined_at: int
    suggestions: bool = True  # a monthly 1-2-1 suggestion by DM
    forgotten: bool = False  # erased at their request: an anonymous former member

    @property
    def name(self) -> str:
        return self.user.display_name


@dataclass(frozen=True)
class Referral:
    """A referral (warm, with contact details and consent) or a lead (a name, no contact)."""

    id: int
    group_id: int
    giver_id: int
    receiver_id: int
    kind: Kind
    prospect: str
    email: str | None
    phone: str | None
    need: str | None
    heat: int
    inside: bool
    status: Status
    amount_cents: int | None
    created_at: int
    updated_at: int
    thanked_at: int | None
    heat_given: bool = True  # False: the giver gave no heat; `heat` only times the follow-ups
    ended: str | None = None  # "withdrawn" (counts nowhere) or "receiver_forgotten"
    ended_at: int | None = None

    @property
    def open(self) -> bool:
        """Still being worked: not won or lost, not withdrawn, its receiver still here."""
        return not self.status.closed and self.ended is None

    @property
    def withdrawn(self) -> bool:
        return self.ended == WITHDRAWN


WITHDRAWN = "withdrawn"
RECEIVER_FORGOTTEN = "receiver_forgotten"


@dataclass(frozen=True)
class ClosedBusiness:
    """Business a receiver reported, with a referral (won) or with a /thanks alone. It is
    stored only while it counts: a referral no longer won, or an amount taken out, deletes
    it, and its history (business_events) keeps what it was. Amounts in hundredths of the
    currency's unit, whatever its own minor unit (¥5,000 is 500000)."""

    id: int
    group_id: int
    referral_id: int | None
    giver_id: int | None
    receiver_id: int
    amount_cents: int
    currency: str
    repeat: bool
    at: int

    @property
    def label(self) -> str:
        """How a member names it in a command: a referral's id, or B and its own."""
        return str(self.referral_id) if self.referral_id is not None else f"B{self.id}"


@dataclass(frozen=True)
class BusinessChange:
    """A line of closed business's history: an amount corrected (or taken out: `new_cents`
    None), new or repeat changed, and why."""

    at: int
    old_cents: int
    new_cents: int | None
    old_repeat: bool
    new_repeat: bool | None
    note: str | None


@dataclass(frozen=True)
class Stats:
    """Counts for one member or a whole group over a period. Amounts in minor units."""

    referrals_given: int = 0
    referrals_received: int = 0
    leads_given: int = 0
    leads_received: int = 0
    closed_business_cents: int = 0
    repeat_business_cents: int = 0  # the part of closed_business_cents that is repeat business
    one_to_ones: int = 0


_SPACE = re.compile(r"\s+")


def seat_key(classification: str) -> str:
    """One seat per classification: "Residential  Plumbing" and "residential plumbing" collide."""
    return _SPACE.sub(" ", classification).strip().casefold()
