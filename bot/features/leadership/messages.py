"""The leadership slice's usage lines, for the registry's checks and /rapport help (its
wording is in wording.py)."""

from __future__ import annotations

from bot.features.leadership.wording import USAGE

__all__ = ["USAGE"]
