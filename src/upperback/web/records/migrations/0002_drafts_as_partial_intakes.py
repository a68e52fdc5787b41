"""Drafts stored per wizard step (form values) become partial intakes in the contract's names.

`old_to_partial` is a frozen copy of the forward mapping the wizard used before (it must not
follow later changes of the field table); only the keys of the steps sent are kept, so a step
never sent stays "not asked". The reverse leaves the data as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

_STEPS = ("safety", "pain", "symptoms", "history", "treatments", "function", "work")


def _yes_no(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _signs(answers: dict[str, Any], kind: str) -> list[str]:
    signs = answers.get("safety", {}).get("signs", [])
    return [s.split(":", 1)[1] for s in signs if s.startswith(kind + ":")]


def _pain(answers: dict[str, Any]) -> dict[str, Any]:
    safety, pain = answers.get("safety", {}), answers.get("pain", {})
    out: dict[str, Any] = {
        "intensity_now": _int(safety.get("intensity_now")),
        "duration_days": _int(safety.get("duration_days")),
    }
    for key in ("onset", "pattern", "night_pain", "trigger"):
        if pain.get(key):
            out[key] = pain[key]
    if "major_trauma" in _signs(answers, "trigger"):
        out["trigger"] = "major_trauma"
    for key in ("intensity_worst_week", "morning_stiffness_minutes"):
        out[key] = _int(pain.get(key))
    if "pain" in answers:
        for key in ("regions", "worse_with", "better_with"):
            out[key] = list(pain.get(key, []))
    character = _signs(answers, "character") + list(pain.get("character", []))
    if character or "pain" in answers:
        out["character"] = character
    return out


def _rows(step: dict[str, Any], count: int, first: str, make: Any) -> list[dict[str, Any]]:
    return [make(row) for row in range(1, count + 1) if (step.get(f"{first}_{row}") or "").strip()]


def _steps_fields(answers: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "safety" in answers or "symptoms" in answers:
        extra = answers.get("symptoms", {}).get("symptoms", [])
        out["symptoms"] = _signs(answers, "symptom") + list(extra)
    if "symptoms" in answers:
        out["neuro"] = {"progressive": _yes_no(answers["symptoms"].get("neuro_progressive"))}
    if "history" in answers:
        out["history"] = list(answers["history"].get("history", []))
        out["diagnoses"] = list(answers["history"].get("diagnoses", []))
    if "treatments" in answers:
        step = answers["treatments"]
        out["medications"] = list(step.get("medications", []))
        out["prior_treatments"] = _rows(
            step,
            3,
            "treatment",
            lambda r: {
                "treatment": step[f"treatment_{r}"],
                "weeks": _int(step.get(f"weeks_{r}")),
                "response": step.get(f"response_{r}"),
            },
        )
    if "function" in answers:
        step = answers["function"]
        psfs = _rows(
            step,
            5,
            "activity",
            lambda r: {
                "activity": step[f"activity_{r}"].strip(),
                "score": _int(step.get(f"score_{r}")),
            },
        )
        out["function"] = {
            "loss_of_function": _yes_no(step.get("loss_of_function")),
            "psfs": psfs or None,
        }
    if "work" in answers:
        step = answers["work"]
        hours = step.get("desk_hours_per_day")
        out["work"] = {
            "desk_hours_per_day": None if hours is None else float(hours),
            "overhead_or_heavy": _yes_no(step.get("overhead_or_heavy")),
        }
    return out


def _strip(value: Any) -> Any:
    """Drop None (and objects left empty) at every level: a missing answer is left out."""
    if isinstance(value, dict):
        kept = {k: _strip(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return value


def old_to_partial(answers: dict[str, Any]) -> dict[str, Any]:
    """One draft's step answers -> the partial intake in the contract's names."""
    if (
        "age" in answers
        or not any(step in answers for step in _STEPS)
        or not all(isinstance(answers.get(step, {}), dict) for step in _STEPS)
    ):
        return answers  # already a partial intake (a list under "symptoms", say)
    safety = answers.get("safety", {})
    intake: dict[str, Any] = {
        "age": _int(safety.get("age")),
        "sex": safety.get("sex") or None,
        "pain": _pain(answers),
        **_steps_fields(answers),
    }
    stripped: dict[str, Any] = _strip(intake)
    return stripped


def forward(apps: Any, schema_editor: Any) -> None:
    IntakeDraft = apps.get_model("records", "IntakeDraft")
    for draft in IntakeDraft.objects.all():
        draft.answers = old_to_partial(draft.answers)
        draft.save(update_fields=["answers"])


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="intakedraft",
            name="answers",
            field=models.JSONField(
                default=dict, help_text="the answers so far: a partial intake in contract names"
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
