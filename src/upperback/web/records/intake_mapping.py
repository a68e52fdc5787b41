"""Saved wizard answers -> the contract's intake (a plain dict for Intake.model_validate)."""

from __future__ import annotations

from typing import Any

from .forms import PSFS_ROWS, TREATMENT_ROWS

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
