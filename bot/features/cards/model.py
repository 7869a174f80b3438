"""What a member chose to put on their card, besides their seat and ask."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardDetails:
    """The business contact details a member shares on their card. Nothing is on it until
    they add it: the phone (E.164) and website by giving them, the profile email by saying
    `profile share email on`."""

    phone: str | None = None
    website: str | None = None
    share_email: bool = False
