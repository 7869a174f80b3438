"""The weekly chart: a PNG of the last twelve weeks, and the same numbers as text.

matplotlib is in the dev extra, so these tests expect it; only the "not installed" test
hides it, to prove the bot degrades to text instead of failing.
"""

from __future__ import annotations

import struct
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.chart import WeekNumbers, chart_numbers_text, weekly_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fourteen_weeks() -> list[WeekNumbers]:
    """A chapter's autumn: fourteen Monday-started weeks, the first two too old to show."""
    first = date(2025, 9, 29)
    return [
        WeekNumbers(
            week_start=first + timedelta(weeks=i),
            referrals=i % 5 + 1,
            leads=i % 3,
            closed_business_cents=i * 250_000,
        )
        for i in range(14)
    ]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format requires to come first."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", header[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_chart_is_a_png_of_sensible_size(tmp_path: Path) -> None:
    path = tmp_path / "charts" / "week.png"
    path.parent.mkdir()
    written = weekly_chart(fourteen_weeks(), path, "Cape Town Breakfast Club", "ZAR")
    assert written is not None, (
        "matplotlib is missing: install the dev extra (pip install -e .[dev])"
    )
    assert written == path
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    width, height = png_size(path)
    assert 600 <= width <= 2000
    assert 300 <= height <= 1200
    assert width > height  # twelve weeks side by side want a wide picture


def test_the_chart_accepts_a_string_path_and_a_quiet_single_week(tmp_path: Path) -> None:
    path = tmp_path / "quiet.png"
    written = weekly_chart([WeekNumbers(date(2025, 12, 1), 0, 0, 0)], str(path), "Quiet", "XYZ")
    assert written == path
    assert png_size(path)[0] > 0


def test_the_text_gives_the_last_twelve_weeks_oldest_first() -> None:
    # amounts as a Cape Town group writes them (Babel, en_ZA)
    lines = chart_numbers_text(fourteen_weeks(), "ZAR", "en_ZA").splitlines()
    assert len(lines) == 12
    assert lines[0] == "w/c 13 Oct: 3 referrals, 2 leads, R5\u00a0000,00"
    assert lines[1] == "w/c 20 Oct: 4 referrals, 0 leads, R7\u00a0500,00"
    assert lines[4] == "w/c 10 Nov: 2 referrals, 0 leads, R15\u00a0000,00"
    assert lines[-1] == "w/c 29 Dec: 4 referrals, 1 lead, R32\u00a0500,00"


def test_the_text_matches_the_input_numbers_week_by_week() -> None:
    weeks = fourteen_weeks()[-12:]
    for week, line in zip(weeks, chart_numbers_text(weeks, "GBP", "en_GB").splitlines(), strict=True):
        assert line.startswith(f"w/c {week.week_start.day} {week.week_start:%b}: ")
        assert f"{week.referrals} referral" in line
        assert f"{week.leads} lead" in line
        assert line.endswith(f"£{week.closed_business_cents / 100:,.2f}")


def test_one_referral_and_one_lead_read_as_singular_and_weeks_are_put_in_order() -> None:
    later = WeekNumbers(date(2025, 12, 14), 1, 1, 1_850_000)
    earlier = WeekNumbers(date(2025, 12, 7), 3, 1, 1_850_000)
    assert chart_numbers_text([later, earlier], "ZAR", "en_ZA") == (
        "w/c 7 Dec: 3 referrals, 1 lead, R18\u00a0500,00"
        "\nw/c 14 Dec: 1 referral, 1 lead, R18\u00a0500,00"
    )


def test_a_currency_without_a_sign_is_written_by_its_code() -> None:
    week = WeekNumbers(date(2025, 12, 7), 2, 0, 123_456)
    assert chart_numbers_text([week], "CHF") == "w/c 7 Dec: 2 referrals, 0 leads, CHF1,234.56"
    # and in the group's own locale, its own way
    assert chart_numbers_text([week], "CHF", "de_CH").endswith("CHF\u00a01'234.56")


def test_without_matplotlib_there_is_no_chart_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    path = tmp_path / "week.png"
    assert weekly_chart(fourteen_weeks(), path, "Cape Town Breakfast Club", "ZAR") is None
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    # The numbers still reach the group as text.
    assert len(chart_numbers_text(fourteen_weeks(), "ZAR").splitlines()) == 12


def test_no_weeks_is_the_callers_sentence_to_write(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no weeks"):
        weekly_chart([], tmp_path / "none.png", "Nothing yet", "ZAR")
    with pytest.raises(ValueError, match="no weeks"):
        chart_numbers_text([], "ZAR")
    assert not (tmp_path / "none.png").exists()
