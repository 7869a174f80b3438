"""Every button's id, built and read in one place: each kind of button is a small frozen value
whose `action_id` is what the platform sends back on a click, and whose `parse` reads it again.
A click's id is untrusted (forged or stale): what does not read back is no button at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.model import Status

if TYPE_CHECKING:
    from bot.features.attendance.commands import Rsvp
    from bot.features.referrals.commands import SnoozeReferral, Thank, UpdateReferral

# The words a button carries are the typed grammar's (bot.commands), read when a click comes:
# bot.commands imports bot.messages, which builds the buttons with this module.


def _num(word: str) -> int | None:
    # an id as the typed grammar takes it: a forged or stale button with a huge number is a
    # button that no longer applies, not a number SQLite cannot hold
    from bot.grammar import ID

    return int(word) if ID.fullmatch(word) and word.isdigit() else None


@dataclass(frozen=True)
class ReferralStatus:
    """ "Contacted", "Meeting booked", "Won", "No sale" on a referral's DM."""

    referral_id: int
    status: Status

    @property
    def action_id(self) -> str:
        return f"ref:{self.referral_id}:{self.status.value}"

    @staticmethod
    def parse(parts: list[str]) -> ReferralStatus | None:
        from bot.grammar import STATUS_WORDS

        if len(parts) == 3 and parts[0] == "ref" and parts[2] in STATUS_WORDS:
            rid = _num(parts[1])
            return None if rid is None else ReferralStatus(rid, STATUS_WORDS[parts[2]])
        return None

    def command(self) -> UpdateReferral:
        from bot.features.referrals.commands import UpdateReferral

        return UpdateReferral(self.referral_id, self.status)


@dataclass(frozen=True)
class ReferralSnooze:
    """ "Snooze 1 day" on a follow-up nudge; `period` is the typed word (1h, 1d, 3d, 1w)."""

    referral_id: int
    period: str

    @property
    def action_id(self) -> str:
        return f"ref:{self.referral_id}:snooze:{self.period}"

    @staticmethod
    def parse(parts: list[str]) -> ReferralSnooze | None:
        from bot.grammar import SNOOZES

        if len(parts) == 4 and parts[0] == "ref" and parts[2] == "snooze" and parts[3] in SNOOZES:
            rid = _num(parts[1])
            return None if rid is None else ReferralSnooze(rid, parts[3])
        return None

    def command(self) -> SnoozeReferral:
        from bot.features.referrals.commands import SnoozeReferral
        from bot.grammar import SNOOZES

        return SnoozeReferral(self.referral_id, SNOOZES[self.period])


@dataclass(frozen=True)
class RsvpAnswer:
    """ "Attending", "Sending a substitute", "Can't make it" for one meeting's date."""

    day: date
    answer: str  # attending | substitute | absent

    @property
    def action_id(self) -> str:
        return f"rsvp:{self.day.isoformat()}:{self.answer}"

    @staticmethod
    def parse(parts: list[str]) -> RsvpAnswer | None:
        from bot.grammar import RSVP_WORDS

        if len(parts) == 3 and parts[0] == "rsvp" and parts[2] in RSVP_WORDS:
            try:
                day = date.fromisoformat(parts[1])
            except ValueError:
                return None
            return RsvpAnswer(day, RSVP_WORDS[parts[2]])
        return None

    def command(self) -> Rsvp:
        from bot.features.attendance.commands import Rsvp

        return Rsvp(self.answer, self.day)


@dataclass(frozen=True)
class ThankGiver:
    """ "Thank Alice" for the referral she gave."""

    referral_id: int

    @property
    def action_id(self) -> str:
        return f"thank:{self.referral_id}"

    @staticmethod
    def parse(parts: list[str]) -> ThankGiver | None:
        if len(parts) == 2 and parts[0] == "thank":
            rid = _num(parts[1])
            return None if rid is None else ThankGiver(rid)
        return None

    def command(self) -> Thank:
        from bot.features.referrals.commands import Thank

        return Thank(member=None, referral_id=self.referral_id)


@dataclass(frozen=True)
class AllowSeat:
    """An admin's "Allow the seat" on a seat request. The request names the member and the
    group, so the core looks it up (and checks the clicker belongs there) before acting."""

    request_id: int

    @property
    def action_id(self) -> str:
        return f"seat:allow:{self.request_id}"

    @staticmethod
    def parse(parts: list[str]) -> AllowSeat | None:
        if len(parts) == 3 and parts[:2] == ["seat", "allow"]:
            qid = _num(parts[2])
            return AllowSeat(qid) if qid else None  # (no request is numbered 0)
        return None


@dataclass(frozen=True)
class LogOneToOne:
    """ "Log it too" on a 1-2-1 someone logged with you: the member is looked up by id, in a
    group the clicker must belong to."""

    member_id: int

    @property
    def action_id(self) -> str:
        return f"121:{self.member_id}"

    @staticmethod
    def parse(parts: list[str]) -> LogOneToOne | None:
        if len(parts) == 2 and parts[0] == "121":
            mid = _num(parts[1])
            return None if mid is None else LogOneToOne(mid)
        return None


Button = ReferralStatus | ReferralSnooze | RsvpAnswer | ThankGiver | AllowSeat | LogOneToOne
KINDS = (ReferralStatus, ReferralSnooze, RsvpAnswer, ThankGiver, AllowSeat, LogOneToOne)


def parse(action_id: str) -> Button | None:
    """The button a click's id names, or None for one that no longer applies (or never did)."""
    parts = action_id.split(":")
    for kind in KINDS:
        button = kind.parse(parts)
        if button is not None:
            return button
    return None
