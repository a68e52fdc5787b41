"""Saved wizard answers -> the contract's intake (a plain dict for Intake.model_validate)."""

from __future__ import annotations

from typing import Any

from .forms import PSFS_ROWS, TREATMENT_ROWS, WARNING_SIGNS

Answers = dict[str, dict[str, Any]]


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _signs(answers: Answers, kind: str) -> list[str]:
    signs = answers.get("safety", {}).get("signs", [])
    return [s.split(":", 1)[1] for s in signs if s.startswith(kind + ":")]


def _pain(answers: Answers) -> dict[str, Any]:
    safety, pain = answers.get("safety", {}), answers.get("pain", {})
    out: dict[str, Any] = {
        "intensity_now": _int(safety.get("intensity_now")),
        "duration_days": _int(safety.get("duration_days")),
    }
    for key in ("onset", "pattern", "night_pain", "trigger"):
        if pain.get(key):
            out[key] = pain[key]
    if "major_trauma" in _signs(answers, "trigger"):
        out["trigger"] = "major_trauma"  # asked first, and it outranks any other trigger
    for key in ("intensity_worst_week", "morning_stiffness_minutes"):
        if pain.get(key) not in (None, ""):
            out[key] = _int(pain[key])
    if "pain" in answers:
        for key in ("regions", "worse_with", "better_with"):
            out[key] = list(pain.get(key, []))
    character = _signs(answers, "character") + list(pain.get("character", []))
    if character or "pain" in answers:
        out["character"] = character
    return out


def _prior_treatments(step: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in range(1, TREATMENT_ROWS + 1):
        if step.get(f"treatment_{row}"):
            rows.append(
                {
                    "treatment": step[f"treatment_{row}"],
                    "weeks": _int(step.get(f"weeks_{row}")),
                    "response": step.get(f"response_{row}"),
                }
            )
    return rows


def _function(step: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if _yes_no(step.get("loss_of_function")) is not None:
        out["loss_of_function"] = _yes_no(step.get("loss_of_function"))
    psfs = [
        {"activity": step[f"activity_{row}"].strip(), "score": _int(step.get(f"score_{row}"))}
        for row in range(1, PSFS_ROWS + 1)
        if (step.get(f"activity_{row}") or "").strip()
    ]
    if psfs:
        out["psfs"] = psfs
    return out


def _work(step: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if step.get("desk_hours_per_day") is not None:
        out["desk_hours_per_day"] = float(step["desk_hours_per_day"])
    if _yes_no(step.get("overhead_or_heavy")) is not None:
        out["overhead_or_heavy"] = _yes_no(step.get("overhead_or_heavy"))
    return out


def build_intake(answers: Answers) -> dict[str, Any]:
    """Only what was asked goes in: an unvisited step leaves its fields out ("not asked")."""
    safety = answers.get("safety", {})
    intake: dict[str, Any] = {
        "contract": "1",
        "age": _int(safety.get("age")),
        "sex": safety.get("sex"),
        "pain": _pain(answers),
        "symptoms": _signs(answers, "symptom")
        + list(answers.get("symptoms", {}).get("symptoms", [])),
    }
    if "symptoms" in answers:
        progressive = _yes_no(answers["symptoms"].get("neuro_progressive"))
        if progressive is not None:
            intake["neuro"] = {"progressive": progressive}
    if "history" in answers:
        intake["history"] = list(answers["history"].get("history", []))
        intake["diagnoses"] = list(answers["history"].get("diagnoses", []))
    if "treatments" in answers:
        intake["medications"] = list(answers["treatments"].get("medications", []))
        intake["prior_treatments"] = _prior_treatments(answers["treatments"])
    if "function" in answers and _function(answers["function"]):
        intake["function"] = _function(answers["function"])
    if "work" in answers and _work(answers["work"]):
        intake["work"] = _work(answers["work"])
    return intake


# The other way: an intake -> the wizard's saved answers, to reopen an assessment's answers
# in the wizard (and to walk the wizard with a demo intake). Values as the forms store them.

# The wizard step that asks each contract field; a field asked nowhere is missing here.
ASKED_IN: dict[str, str] = {
    "age": "safety",
    "sex": "safety",
    "pain.intensity_now": "safety",
    "pain.duration_days": "safety",
    **{
        f"pain.{key}": "pain"
        for key in (
            "regions",
            "intensity_worst_week",
            "onset",
            "trigger",
            "character",
            "pattern",
            "worse_with",
            "better_with",
            "night_pain",
            "morning_stiffness_minutes",
        )
    },
    "symptoms": "symptoms",
    "neuro.progressive": "symptoms",
    "history": "history",
    "diagnoses": "history",
    "medications": "treatments",
    "prior_treatments": "treatments",
    "function.loss_of_function": "function",
    "function.psfs": "function",
    "work.desk_hours_per_day": "work",
    "work.overhead_or_heavy": "work",
}


def step_of(field: str) -> str | None:
    """The wizard step that asks `field` ("pain.onset", "function.psfs[0].score")."""
    base = field.split("[", 1)[0]
    return ASKED_IN.get(base) or ASKED_IN.get(base.rsplit(".", 1)[0])


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _safety_answers(intake: dict[str, Any]) -> dict[str, Any]:
    pain = intake["pain"]
    signs = [f"symptom:{s}" for s in intake.get("symptoms") or [] if s in WARNING_SIGNS]
    if "tearing_or_ripping" in (pain.get("character") or []):
        signs.insert(0, "character:tearing_or_ripping")
    if pain.get("trigger") == "major_trauma":
        signs.insert(0, "trigger:major_trauma")
    return {
        "signs": signs,
        "age": intake["age"],
        "sex": intake["sex"],
        "intensity_now": str(pain["intensity_now"]),
        "duration_days": pain["duration_days"],
    }


def _pain_answers(pain: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "regions": list(pain.get("regions") or []),
        "character": [c for c in pain.get("character") or [] if c != "tearing_or_ripping"],
        "worse_with": list(pain.get("worse_with") or []),
        "better_with": list(pain.get("better_with") or []),
    }
    for key in ("onset", "pattern", "night_pain"):
        if pain.get(key) is not None:
            out[key] = pain[key]
    if pain.get("trigger") not in (None, "major_trauma"):
        out["trigger"] = pain["trigger"]
    for key in ("intensity_worst_week",):
        if pain.get(key) is not None:
            out[key] = _str(pain[key])
    if pain.get("morning_stiffness_minutes") is not None:
        out["morning_stiffness_minutes"] = pain["morning_stiffness_minutes"]
    return out


def _symptoms_answers(intake: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "symptoms": [s for s in intake.get("symptoms") or [] if s not in WARNING_SIGNS]
    }
    progressive = (intake.get("neuro") or {}).get("progressive")
    if progressive is not None:
        out["neuro_progressive"] = "yes" if progressive else "no"
    return out


def _treatments_answers(intake: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"medications": list(intake.get("medications") or [])}
    for row, tried in enumerate(intake.get("prior_treatments") or [], start=1):
        out[f"treatment_{row}"] = tried["treatment"]
        out[f"weeks_{row}"] = tried["weeks"]
        out[f"response_{row}"] = tried["response"]
    return out


def _yes_no_answer(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _function_answers(function: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if function.get("loss_of_function") is not None:
        out["loss_of_function"] = _yes_no_answer(function["loss_of_function"])
    for row, item in enumerate(function.get("psfs") or [], start=1):
        out[f"activity_{row}"] = item["activity"]
        out[f"score_{row}"] = str(item["score"])
    return out


def _work_answers(work: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if work.get("desk_hours_per_day") is not None:
        out["desk_hours_per_day"] = float(work["desk_hours_per_day"])
    if work.get("overhead_or_heavy") is not None:
        out["overhead_or_heavy"] = _yes_no_answer(work["overhead_or_heavy"])
    return out


def step_answers(intake: dict[str, Any]) -> Answers:
    """Every wizard step's answers for `intake`, as the forms would have saved them."""
    return {
        "safety": _safety_answers(intake),
        "pain": _pain_answers(intake["pain"]),
        "symptoms": _symptoms_answers(intake),
        "history": {
            "history": list(intake.get("history") or []),
            "diagnoses": list(intake.get("diagnoses") or []),
        },
        "treatments": _treatments_answers(intake),
        "function": _function_answers(intake.get("function") or {}),
        "work": _work_answers(intake.get("work") or {}),
    }


def answered_steps(intake: dict[str, Any]) -> list[str]:
    """The steps whose every question the intake answers.

    Only these may count as done when the answers reopen in the wizard: an unticked box means
    "none of these", so a step the intake never answered must be asked again, not assumed.
    """
    pain = intake["pain"]
    done = {
        "safety": intake.get("symptoms") is not None,
        "pain": all(
            pain.get(k) is not None for k in ("regions", "character", "worse_with", "better_with")
        ),
        "symptoms": intake.get("symptoms") is not None and "neuro" in intake,
        "history": intake.get("history") is not None and intake.get("diagnoses") is not None,
        "treatments": intake.get("medications") is not None
        and intake.get("prior_treatments") is not None
        and len(intake["prior_treatments"]) <= TREATMENT_ROWS,
        "function": intake.get("function") is not None
        and len(intake["function"].get("psfs") or []) <= PSFS_ROWS,
        "work": intake.get("work") is not None,
    }
    return [step for step, answered in done.items() if answered]


def reopened_answers(intake: dict[str, Any]) -> tuple[Answers, list[str]]:
    """A stored intake as a new draft's answers and done steps: only fully answered steps."""
    done = answered_steps(intake)
    answers = step_answers(intake)
    return {step: answers[step] for step in done}, done
