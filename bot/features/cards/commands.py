"""The card case's commands: a member's card, the group's cards, and what goes on one's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import Who


@dataclass(frozen=True)
class ShowCard:
    """`/rapport card [@member]`: a member's card (one's own without a member)."""

    member: Who | None = None


@dataclass(frozen=True)
class AllCards:
    """`/rapport cards`: every member's card in one vCard file."""


@dataclass(frozen=True)
class SetCardPhone:
    """`/rapport profile phone <number>|none`: the business phone on the member's card, as
    typed (read in the group's country by the handler); None takes it off."""

    phone: str | None


@dataclass(frozen=True)
class SetCardWebsite:
    """`/rapport profile website <url>|none`: an http(s) URL; None takes it off."""

    website: str | None


@dataclass(frozen=True)
class ShareCardEmail:
    """`/rapport profile share email on|off`: the profile email on the card too, or not."""

    share: bool
