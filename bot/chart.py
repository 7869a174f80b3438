"""The group's last twelve weeks as a picture: referrals and leads as bars, closed business as
a line, plus the same numbers as text for screen readers, previews and plain-text chats.

matplotlib is optional: a chapter that never asks for charts need not install it, so
`weekly_chart` imports it only when called and returns None when it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.files import open_private
from bot.messages import count, money

WEEKS_SHOWN = 12
# 10 x 5 inches at 100 dpi: 1000 x 500 pixels, wide enough for twelve labelled weeks and
# small enough to preview inline in Slack and Discord.
_SIZE_INCHES = (10.0, 5.0)
_DPI = 100
_REFERRAL_COLOUR = "#2b6cb0"
_LEAD_COLOUR = "#90cdf4"
_CLOSED_COLOUR = "#dd6b20"


@dataclass(frozen=True)
class WeekNumbers:
    """One week of a group's activity; `week_start` is the first day of the meeting week."""

    week_start: date
    referrals: int
    leads: int
    closed_business_cents: int


def _last_weeks(weeks: Sequence[WeekNumbers]) -> list[WeekNumbers]:
    """The most recent weeks, oldest first, so the chart and its text always agree."""
    if not weeks:
        raise ValueError("no weeks to chart")
    return sorted(weeks, key=lambda week: week.week_start)[-WEEKS_SHOWN:]


def _day_month(day: date) -> str:
    return f"{day.day} {day:%b}"


def _plain(text: str) -> str:
    """Text for matplotlib as it reads: matplotlib takes text between two `$` for maths
    (a group called "Make $$ Club" broke the chart, "$5 Breakfast $ Club" came out in
    italics); an escaped `\\$` is always a dollar sign."""
    return text.replace("$", r"\$")


def can_draw() -> bool:
    """Whether matplotlib (the optional `charts` extra) is installed."""
    import importlib.util

    try:
        return importlib.util.find_spec("matplotlib") is not None
    except ValueError:  # a test replaced the module with None
        return False


def weekly_chart(
    weeks: list[WeekNumbers],
    path: str | Path,
    title: str,
    currency: str,
    locale: str | None = None,
) -> Path | None:
    """Draw the last twelve weeks to a PNG at `path` and return that path.

    Returns None, writing nothing, when matplotlib is not installed, so callers can fall
    back to `chart_numbers_text` alone. Raises ValueError for an empty list: there is
    nothing to draw, and saying so is the caller's sentence, not the chart's.
    """
    shown = _last_weeks(weeks)
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # no display on a server; never open a window
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # A bare Figure, not pyplot: nothing lingers in global state between charts.
    figure = Figure(figsize=_SIZE_INCHES, dpi=_DPI, layout="constrained")
    counts = figure.add_subplot()
    slots = range(len(shown))
    width = 0.38
    counts.bar(
        [x - width / 2 for x in slots],
        [week.referrals for week in shown],
        width,
        label="Referrals",
        color=_REFERRAL_COLOUR,
    )
    counts.bar(
        [x + width / 2 for x in slots],
        [week.leads for week in shown],
        width,
        label="Leads",
        color=_LEAD_COLOUR,
    )
    counts.set_xticks(list(slots), [_day_month(week.week_start) for week in shown])
    counts.set_xlabel("Week commencing")
    counts.set_ylabel("Referrals and leads")
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    tallest = max(max(week.referrals, week.leads) for week in shown)
    counts.set_ylim(0, max(tallest, 1) * 1.1)  # a quiet week still gets whole-number ticks

    closed = counts.twinx()
    closed.plot(
        list(slots),
        [week.closed_business_cents / 100 for week in shown],
        marker="o",
        label="Closed business",
        color=_CLOSED_COLOUR,
    )
    closed.set_ylabel(_plain(f"Closed business ({currency})"))
    closed.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: _plain(money(round(value * 100), currency, locale)))
    )
    biggest = max(week.closed_business_cents for week in shown) / 100
    closed.set_ylim(0, max(biggest, 1) * 1.1)

    bars, bar_labels = counts.get_legend_handles_labels()
    line, line_labels = closed.get_legend_handles_labels()
    # Below the plot, so it never hides a bar.
    figure.legend(bars + line, bar_labels + line_labels, loc="outside lower center", ncols=3)
    counts.set_title(_plain(title))

    out = Path(path)
    with open_private(out, "wb") as f:  # owner-only, whatever the umask
        figure.savefig(f, format="png")
    return out


def chart_numbers_text(weeks: list[WeekNumbers], currency: str, locale: str | None = None) -> str:
    """The chart's numbers as lines of text, one per week, oldest first.

    Sent beside the image so the numbers are readable without it: screen readers, chat
    previews, and groups without matplotlib. Raises ValueError for an empty list, as
    `weekly_chart` does.
    """
    return "\n".join(
        f"w/c {_day_month(week.week_start)}: {count(week.referrals, 'referral')},"
        f" {count(week.leads, 'lead')}, {money(week.closed_business_cents, currency, locale)}"
        for week in _last_weeks(weeks)
    )
