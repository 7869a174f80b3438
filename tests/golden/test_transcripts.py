"""Every console script's transcript is what its golden file says: the wording people read
does not change by accident (see transcripts.py for how to change it on purpose)."""

from __future__ import annotations

import pytest

from tests.golden.transcripts import EXAMPLES, SCRIPTS, Script, normalised, play


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.name)
def test_the_transcript_is_the_golden_one(script: Script) -> None:
    expected = script.golden.read_text(encoding="utf-8")
    assert play(script) == expected


def test_every_script_in_examples_has_a_golden_transcript() -> None:
    scripts = {p.stem for p in EXAMPLES.glob("*.txt")}
    assert scripts == {s.name for s in SCRIPTS}
    for s in SCRIPTS:
        assert s.golden.exists(), f"run python -m tests.golden.transcripts for {s.name}"


def test_only_the_random_part_of_an_export_name_is_normalised() -> None:
    line = "  File: .demo-files/group-1/export-20261217-120000-2f8abf-referrals.csv"
    assert normalised(line) == (
        "  File: .demo-files/group-1/export-20261217-120000-XXXXXX-referrals.csv"
    )
    assert normalised("Referral #2f8abf to @bob") == "Referral #2f8abf to @bob"
