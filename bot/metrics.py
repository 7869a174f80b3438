"""The core's gauge for operators: what it counts as it works, through a port the adapters
implement (Prometheus, in adapters/metrics.py). The core never imports a metrics library;
without one wired in, `NO_METRICS` counts nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.ports import DueItem

# what became of a command: carried out, refused by a rule (said why), not understood
# (usage shown), or failed on a bug (apologised)
COMMAND_OUTCOMES = ("ok", "refused", "unparsed", "failed")
# what became of one attempt at a message: taken by the platform, to be tried again, given up
OUTBOX_OUTCOMES = ("delivered", "retried", "failed")


class Metrics(Protocol):
    def command_handled(self, command: str, outcome: str) -> None:
        """A command (its class name, or "unparsed") ended in one of COMMAND_OUTCOMES."""

    def referral_logged(self, kind: str) -> None:
        """A referral ("referral") or a lead ("lead") was logged (a platform's retry of the
        same request is not counted again)."""

    def outbox_outcome(self, platform: str, outcome: str) -> None:
        """One delivery attempt to `platform` ended in one of OUTBOX_OUTCOMES."""

    def due_work_ran(self, items: Sequence[DueItem], now: datetime) -> None:
        """These claimed rows of scheduled work were run at `now` (each was due at its
        `due_at`: how late they ran is the due-work lag)."""

    def scheduler_ticked(self) -> None:
        """The scheduler's polling tick ran."""


class NoMetrics:
    """Counts nothing: the default when no adapter wired a Metrics in."""

    def command_handled(self, command: str, outcome: str) -> None:
        pass

    def referral_logged(self, kind: str) -> None:
        pass

    def outbox_outcome(self, platform: str, outcome: str) -> None:
        pass

    def due_work_ran(self, items: Sequence[DueItem], now: datetime) -> None:
        pass

    def scheduler_ticked(self) -> None:
        pass


NO_METRICS: Metrics = NoMetrics()
