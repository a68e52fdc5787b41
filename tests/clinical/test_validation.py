"""The clinical validation set (issue 8): its shape, its figures, its report and its targets.

The target tests at the end state the issue's goals (every emergency caught, no unsafe
answer, agreement of at least 85%, over-triage of ordinary pain under 10%). They fail until
the rules reach them; they are not to be weakened, skipped or marked xfail.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from upperback.cli import main
from upperback.clinical import assess, knowledge_base_version
from upperback.clinical.contract import Intake
from upperback.clinical.fields import FIELDS
from upperback.clinical.summary import text_summary
from upperback.clinical.validation import (
    CASES_FILE,
    Case,
    CasesError,
    Evaluation,
    Outcome,
    evaluate,
    load_cases,
    parse_cases,
    validation_markdown,
)
from upperback.clinical.validation.metrics import outcome_of

DOCS_VALIDATION = Path(__file__).resolve().parents[2] / "docs" / "validation.md"

# Every cause CLINICAL.md names, as the cases' `topic`.
TOPICS = {
    "heart",
    "aorta",
    "pulmonary-embolism",
    "pneumothorax",
    "cord-compression",
    "cauda-equina",
    "metastatic-compression",
    "epidural-haematoma",
    "epidural-abscess",
    "spinal-infection",
    "spinal-cancer",
    "fragility-fracture",
    "major-trauma",
    "shingles",
    "inflammatory",
    "deformity",
    "thoracic-disc",
    "radiculopathy",
    "kidney-infection",
    "kidney-stone",
    "gallbladder",
    "peptic-ulcer",
    "age-edges",
    "pregnancy",
    "mechanical",
    "screening-incomplete",
    # CLINICAL.md third review (issue 20): chest pain qualified by its follow-ups, and the
    # psychosocial strata.
    "chest-wall",
    "stratified-care",
}


@cache
def _evaluation() -> Evaluation:
    return evaluate(load_cases())


def _raw_cases() -> list[dict[str, object]]:
    raw = yaml.load(
        CASES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    assert isinstance(raw, list)
    return raw


def _case(case_id: str) -> Case:
    return next(case for case in load_cases() if case.id == case_id)


def _ids(outcomes: tuple[Outcome, ...]) -> list[str]:
    return [f"{o.case.id} ({'; '.join(o.reasons())})" for o in outcomes]


# --- The set ---


def test_the_set_loads_and_every_intake_validates_against_the_contract() -> None:
    validator = jsonschema.Draft202012Validator(Intake.model_json_schema())
    raw = _raw_cases()
    assert len(raw) == len(load_cases())
    for item in raw:
        assert isinstance(item, dict)
        intake = item["intake"]
        assert isinstance(intake, dict)
        assert intake["contract"] == "1"
        Intake.model_validate(intake)
        validator.validate(intake)


def test_it_holds_at_least_80_cases() -> None:
    assert len(load_cases()) >= 80


def test_at_least_a_quarter_of_the_cases_are_ordinary_mechanical_pain() -> None:
    cases = load_cases()
    ordinary = [case for case in cases if case.kind == "ordinary"]
    assert len(ordinary) >= 25
    assert len(ordinary) * 4 >= len(cases)


def test_every_case_cites_a_source_with_a_year() -> None:
    for case in load_cases():
        assert re.search(r"\b(19|20)\d\d\b", case.source), case.id


def test_every_cause_of_clinical_md_is_covered() -> None:
    assert {case.topic for case in load_cases()} == TOPICS


def test_every_kind_of_case_is_present_and_emergencies_are_expected_emergencies() -> None:
    cases = load_cases()
    assert {case.kind for case in cases} == {"emergency", "serious", "ordinary"}
    for case in cases:
        assert (case.kind == "emergency") == (case.expected == "emergency"), case.id
        if case.kind == "serious":
            assert case.expected in ("urgent", "soon"), case.id


def test_most_cases_answer_the_screen_and_a_few_leave_it_incomplete_on_purpose() -> None:
    cases = load_cases()
    incomplete = [
        case
        for case in cases
        if None in (case.intake.symptoms, case.intake.history, case.intake.medications)
    ]
    assert 3 <= len(incomplete) <= len(cases) // 10
    for case in incomplete:
        assert case.lowest_safe not in ("routine", "self_care"), case.id


def test_over_triage_bait_is_in_the_ordinary_cases() -> None:
    ordinary = [case for case in load_cases() if case.kind == "ordinary"]
    assert any("nausea" in (case.intake.symptoms or []) for case in ordinary)
    assert any(case.intake.pain.trigger == "major_trauma" for case in ordinary)
    assert any(case.intake.pain.trigger == "lifting" for case in ordinary)


def test_a_broken_case_is_refused_naming_the_case_and_the_field() -> None:
    text = CASES_FILE.read_text(encoding="utf-8").replace("sex: female", "sex: woman", 1)
    with pytest.raises(CasesError, match=r"case heart-woman-interscapular-nausea: intake\.sex"):
        parse_cases(text)


def test_a_lowest_safe_level_above_the_expected_one_is_refused() -> None:
    text = CASES_FILE.read_text(encoding="utf-8").replace(
        "expected: self_care\n  lowest_safe: self_care",
        "expected: self_care\n  lowest_safe: soon",
        1,
    )
    with pytest.raises(CasesError, match="lowest_safe soon is above expected self_care"):
        parse_cases(text)


def test_a_case_id_used_twice_is_refused() -> None:
    text = CASES_FILE.read_text(encoding="utf-8")
    with pytest.raises(CasesError, match="id used twice"):
        parse_cases(text + text)


# --- The figures ---


def test_an_outcome_below_the_lowest_safe_level_or_with_a_risky_step_is_unsafe() -> None:
    case = _case("fracture-long-term-steroids-after-lift")  # expected urgent, lowest soon
    assert not Outcome(case, "soon", ("relative_rest",)).unsafe
    assert Outcome(case, "routine", ()).unsafe
    risky = Outcome(case, "urgent", ("relative_rest", "chiropractic_manipulation"))
    assert risky.unsafe
    assert risky.forbidden_steps == ("chiropractic_manipulation",)
    assert risky.reasons() == ["unsafe: the plan holds chiropractic_manipulation"]
    assert Outcome(case, "urgent", ()).reasons() == []


def test_the_figures_count_what_they_say() -> None:
    emergency = _case("aorta-tearing-pain-hypertension")
    ordinary = _case("ordinary-desk-worker-posture")  # expected self_care
    serious = _case("shingles-before-the-rash")  # expected soon
    result = Evaluation(
        (
            Outcome(emergency, "emergency", ()),
            Outcome(emergency, "urgent", ()),
            Outcome(ordinary, "soon", ()),
            Outcome(ordinary, "self_care", ()),
            Outcome(serious, "soon", ("massage_therapy",)),
        )
    )
    assert (result.emergencies, result.emergencies_caught) == (2, 1)
    assert result.confusion["emergency"]["urgent"] == 1
    assert result.confusion["self_care"]["soon"] == 1
    assert sum(sum(row.values()) for row in result.confusion.values()) == 5
    assert len(result.confusion) == 5
    assert all(len(row) == 5 for row in result.confusion.values())
    assert result.exact_agreement == pytest.approx(60.0)
    assert result.ordinary_over_triage == pytest.approx(50.0)
    assert [o.given for o in result.unsafe] == ["urgent"]
    assert [o.case.kind for o in result.failures] == ["emergency", "ordinary"]
    assert result.failures_by_kind()["serious"] == ()
    assert result.failures[1].reasons() == ["over-triage: soon, expected self_care"]


def test_evaluate_reads_the_triage_and_plan_of_each_assessment() -> None:
    case = _case("ordinary-desk-worker-posture")
    real = assess(case.intake)
    forced = real.model_copy(update={"triage": "urgent"})
    result = evaluate([case], assess=lambda intake: forced)
    assert result.outcomes[0].given == "urgent"
    assert result.outcomes[0].planned == tuple(step.step for step in real.plan)
    assert outcome_of(case, real).given == real.triage


def test_every_case_is_assessed_with_the_engine() -> None:
    result = _evaluation()
    assert len(result.outcomes) == len(load_cases())
    assert sum(sum(row.values()) for row in result.confusion.values()) == len(load_cases())


# --- The report and the command ---


def test_the_report_is_deterministic_and_carries_no_date_or_timing() -> None:
    text = validation_markdown()
    assert text == validation_markdown()
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b|\b\d\d:\d\d:\d\d\b", text)
    assert f"Knowledge base {knowledge_base_version()}" in text


def test_the_report_shows_the_figures_the_matrix_the_failures_and_the_published_figures() -> None:
    text = validation_markdown()
    for heading in ("## Figures", "## Confusion matrix", "## Failing cases", "## The cases"):
        assert heading in text
    assert "| expected \\ given | emergency | urgent | soon | routine | self_care | cases |" in text
    assert "BMJ 2015;351:h3480" in text
    assert "| emergencies caught |" in text and "| 80% | 63% |" in text
    assert "57% (appropriate triage)" in text
    result = _evaluation()
    below = sum(1 for o in result.unsafe if o.below_safe)
    assert f"{below} below the lowest safe level" in text
    assert "Med J Aust 2020;212(11):514-519" in text
    for failing in _evaluation().failures:
        assert f"`{failing.case.id}`" in text


def test_docs_validation_md_is_up_to_date() -> None:
    assert DOCS_VALIDATION.read_text(encoding="utf-8") == validation_markdown(), (
        "docs/validation.md is stale: run `upperback validate --output docs/validation.md`"
    )


def test_the_validate_command_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == validation_markdown()


def test_the_validate_command_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "validation.md"
    assert main(["validate", "--output", str(target)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(target) in captured.err
    assert target.read_text(encoding="utf-8") == validation_markdown()


# --- Spanish texts: no raw ids ---


def _raw_ids() -> frozenset[str]:
    """Ids of the contract and the knowledge base, and the intake's field paths."""
    import typing

    import upperback.clinical.contract as contract
    from upperback.clinical.knowledge import knowledge_base

    kb = knowledge_base()
    found: set[str] = set()
    for value in vars(contract).values():
        if typing.get_origin(value) is typing.Literal:
            found.update(str(arg) for arg in typing.get_args(value))
    found.update(rule.id for rule in (*kb.red_flags, *kb.sources, *kb.contraindications))
    found.update(rule.id for rule in kb.escalation.rules)
    found.update(kb.steps, kb.exercises, kb.citations, kb.escalation.consult_reasons)
    found.add("screening_incomplete")
    ids = {name for name in found if "_" in name}
    return frozenset(ids | {path for path in FIELDS if "." in path or "_" in path})


def _raw_tokens(text: str, ids: frozenset[str]) -> list[str]:
    tokens = {token.strip(".") for token in re.findall(r"[A-Za-z0-9_.]+", text)}
    bracketed = re.findall(r"\[[a-z_]+\]", text)
    return sorted(token for token in tokens if token in ids) + bracketed


def test_the_spanish_text_of_every_assessment_shows_no_raw_id() -> None:
    ids = _raw_ids()
    assert {"self_care", "primary_care", "pain.intensity_now"} <= ids
    leaks: dict[str, list[str]] = {}
    for case in load_cases():
        text = text_summary(assess(case.intake, language="es"))
        found = _raw_tokens(text, ids)
        if found:
            leaks[case.id] = found
    shown = sorted({token for found in leaks.values() for token in found})
    assert leaks == {}, f"{len(leaks)} Spanish texts show raw ids; all of them: {shown}"


def test_the_raw_id_check_finds_what_it_looks_for() -> None:
    ids = _raw_ids()
    text = "Consulta: primary_care, hoy. - [urgent] algo (pain.intensity_now). self_care."
    assert _raw_tokens(text, ids) == [
        "pain.intensity_now",
        "primary_care",
        "self_care",
        "[urgent]",
    ]
    assert _raw_tokens("Fisioterapeuta, hoy. Autocuidado en casa.", ids) == []


# --- The targets of issue 8: these fail until the rules reach them ---


def test_target_every_emergency_is_caught() -> None:
    result = _evaluation()
    missed = tuple(
        o for o in result.outcomes if o.case.expected == "emergency" and o.given != "emergency"
    )
    assert missed == (), f"emergencies missed: {_ids(missed)}"


def test_target_no_unsafe_answer() -> None:
    unsafe = _evaluation().unsafe
    assert unsafe == (), f"{len(unsafe)} unsafe answers: {_ids(unsafe)}"


def test_target_exact_agreement_is_at_least_85_percent() -> None:
    result = _evaluation()
    assert result.exact_agreement >= 85.0, (
        f"exact agreement {result.exact_agreement:.1f}%; disagreeing: {_ids(result.failures)}"
    )


def test_target_over_triage_of_ordinary_pain_is_under_10_percent() -> None:
    result = _evaluation()
    over = tuple(o for o in result.of_kind("ordinary") if o.over_triaged)
    assert result.ordinary_over_triage < 10.0, (
        f"over-triage {result.ordinary_over_triage:.1f}% of ordinary cases: {_ids(over)}"
    )
