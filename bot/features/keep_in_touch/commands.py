"""Keep-in-touch's commands: the member's own list of people outside the group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListKeepInTouch:
    """`/rapport keep-in-touch`: whom the member keeps in touch with, and when each is due."""


@dataclass(frozen=True)
class AddKeepInTouch:
    """`/rapport keep-in-touch add <name> every <N> weeks`."""

    name: str
    every_weeks: int


@dataclass(frozen=True)
class RemoveKeepInTouch:
    """`/rapport keep-in-touch remove <id|name>`."""

    who: str


@dataclass(frozen=True)
class DoneKeepInTouch:
    """`/rapport keep-in-touch done <id|name>`: in touch now; the next reminder is N weeks on."""

    who: str
