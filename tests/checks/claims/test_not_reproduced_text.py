"""The report says "the research note did not reproduce this statement" only where a note is cited for it."""

from __future__ import annotations

from iclverify.checks.claims import CheckKind, Claim, ControlOutcome, Evidence, Verdict, all_claims
from iclverify.report import content
from iclverify.report.model import ClaimResult

NOTE_TEXT = "the research note did not reproduce this statement"


def _result(verdict, expected=True, cited=""):
    c = Claim(id="p.x", paper="p", label="RECONSTRUCTED", statement="s", formula="a = b", check=CheckKind.TRAINED,
              run=lambda cfg: None, controls=("c",), expected=expected, not_reproduced_in=cited)
    return ClaimResult(c, Evidence(verdict, "because", controls=[ControlOutcome("c", True)]), c.command)


def _text(r) -> str:
    return " ".join(content.limitations(r)) + " " + " ".join(f.value for f in content.claim_fields(r)) + " " + \
        r.outcome_text


def test_note_text_only_with_a_citation():
    assert NOTE_TEXT not in _text(_result(Verdict.REFUTED, expected=False))
    cited = _text(_result(Verdict.REFUTED, expected=False, cited="note.md §6 C9"))
    assert NOTE_TEXT in cited and "§6 C9" in cited


def test_not_reproduced_verdict_is_a_finding_not_a_note_claim():
    r = _result(Verdict.NOT_REPRODUCED)
    assert r.outcome == "not-reproduced" and not r.fails_run
    t = _text(r)
    assert NOTE_TEXT not in t and "our reconstruction" in t


def test_registered_expected_false_claims_cite_their_note():
    for c in all_claims():
        if c.paper in ("li2024_nonlinear", "liu_zhou_2026") and not c.expected:
            assert c.not_reproduced_in, c.id
