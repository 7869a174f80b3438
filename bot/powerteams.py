"""Power teams: members whose trades serve the same clients (a contact sphere) refer each
other most. The sphere catalogue and where a member's trade sits in it, shared by the seats,
the monthly suggestions and `/rapport gaps` (bot/features/insight)."""

from __future__ import annotations

from functools import lru_cache

from bot.model import Member
from bot.spheres import Catalogue, Sphere, load_catalogue


@lru_cache(maxsize=4)
def catalogue(path: str) -> Catalogue:
    return load_catalogue(path or None)


@lru_cache(maxsize=4096)
def _placed(path: str, classification: str) -> tuple[str, str] | None:
    found = catalogue(path).match(classification)
    return (found[0].name, found[1]) if found else None


def place(path: str, member: Member) -> tuple[Sphere, str] | None:
    """The sphere and trade a member's classification falls in, if the catalogue knows it."""
    if not member.classification:
        return None
    found = _placed(path, member.classification)
    return (catalogue(path).sphere(found[0]), found[1]) if found else None
