"""A draft is a partial intake in the contract's own names, built from the field table.

Only what was sent is there: a step never sent leaves its keys out ("not asked"), and a step
sent with no box ticked stores an empty list ("answered: none"), as the contract says. Saving
a step, a form's initial values, the review page's rows and the reopening of a stored intake
all read the table in intake_fields.py; nothing here knows a field by name.
"""

from __future__ import annotations

import copy
from typing import Any

from upperback.clinical import FOLLOW_UP_GROUPS

from .intake_fields import (
    PATHS,
    PSFS_ROWS,
    STEP_NAMES,
    TREATMENT_ROWS,
    Question,
    is_list,
    questions_for,
    questions_of,
)

Answers = dict[str, Any]
_ROWS = {"treatments": TREATMENT_ROWS, "psfs": PSFS_ROWS}


def get(answers: Answers, path: str) -> Any:
    head, _, leaf = path.partition(".")
    value = answers.get(head)
    return (value or {}).get(leaf) if leaf else value


def _put(answers: Answers, path: str, value: Any) -> None:
    head, _, leaf = path.partition(".")
    if not leaf:
        if value is None:
            answers.pop(head, None)
        else:
            answers[head] = value
        return
    part = dict(answers.get(head) or {})
    if value is None:
        part.pop(leaf, None)
    else:
        part[leaf] = value
    if part:
        answers[head] = part
    else:
        answers.pop(head, None)


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _rows(question: Question, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    if question.widget == "treatments":
        return [
            {
                "treatment": cleaned[f"treatment_{row}"],
                "weeks": _int(cleaned.get(f"weeks_{row}")),
                "response": cleaned.get(f"response_{row}"),
            }
            for row in range(1, TREATMENT_ROWS + 1)
            if cleaned.get(f"treatment_{row}")
        ]
    return [
        {"activity": cleaned[f"activity_{row}"].strip(), "score": _int(cleaned.get(f"score_{row}"))}
        for row in range(1, PSFS_ROWS + 1)
        if (cleaned.get(f"activity_{row}") or "").strip()
    ]


def read(question: Question, cleaned: dict[str, Any]) -> Any:
    """One question's answer, from a form's cleaned data, as the contract holds it."""
    widget = question.widget
    if widget == "sign":
        prefix = question.name + ":"
        ticked = [s[len(prefix) :] for s in cleaned.get("signs") or [] if s.startswith(prefix)]
        return ticked if is_list(question.path) else next(iter(ticked), None)
    if widget == "treatments":
        return _rows(question, cleaned)
    if widget == "psfs":
        return _rows(question, cleaned) or None
    value = cleaned.get(question.name)
    if widget == "checkboxes":
        return list(value or [])
    if widget == "yes_no":
        return {"yes": True, "no": False}.get(value or "")
    if widget in ("integer", "nrs", "scale"):
        return _int(value)
    if widget == "decimal":
        return None if value is None else float(value)
    return value or None


def _merge(path: str, step: str, cleaned: dict[str, Any], current: Any, sent: set[str]) -> Any:
    """The field's new value when `step` is sent: the step's own values replace only those."""
    asked = questions_for(path)
    if path not in _SPLIT:
        return read(asked[0], cleaned) if asked[0].step == step else current
    parts: list[Any] = []
    for question in asked:
        value = read(question, cleaned) if question.step == step else _own(question, current)
        parts += value if isinstance(value, list) else ([value] if value is not None else [])
    if path in _SPLIT_ENUMS:
        return next(iter(parts), None)
    answered = any(q.none_means_none and (q.step == step or q.step in sent) for q in asked)
    return parts if parts or answered else None


def _own(question: Question, current: Any) -> Any:
    """The part of a field's stored value that `question` offers."""
    if isinstance(current, list):
        return [v for v in current if v in question.labels]
    return current if current in question.labels else None


def save_step(
    answers: Answers, step: str, cleaned: dict[str, Any], *, sent: list[str], only: Any = None
) -> Answers:
    """`answers` with `step`'s form data saved (`only`: just these form fields, the rest kept)."""
    out = copy.deepcopy(answers)
    for question in questions_of(step):
        if only is not None and _form_name(question) not in only:
            continue
        path = question.path
        _put(out, path, _merge(path, step, cleaned, get(out, path), set(sent)))
    return out


def save_follow_ups(answers: Answers, asked: list[Question], cleaned: dict[str, Any]) -> Answers:
    """`answers` with the follow-ups' answers saved; each group asked is kept even when all of
    its answers were left blank (present means asked: a blank is then "not given")."""
    out = copy.deepcopy(answers)
    for question in asked:
        _put(out, question.path, read(question, cleaned))
        head, _, leaf = question.path.partition(".")
        if leaf and head in FOLLOW_UP_GROUPS:
            out.setdefault(head, {})
    return out


def _form_name(question: Question) -> str:
    if question.widget == "sign":
        return "signs"
    return "treatment_1" if question.widget == "treatments" else question.name


def initial(answers: Answers, step: str) -> dict[str, Any]:
    """A step's form values for what the draft (or an intake) holds."""
    return initial_of(answers, questions_of(step))


def initial_of(answers: Answers, asked: list[Question]) -> dict[str, Any]:
    """The form values of `asked` for what the draft (or an intake) holds."""
    out: dict[str, Any] = {}
    for question in asked:
        value = get(answers, question.path)
        if value is None:
            continue
        widget = question.widget
        if widget == "sign":
            own = _own(question, value)
            own = own if isinstance(own, list) else ([own] if own else [])
            out["signs"] = [*out.get("signs", []), *(f"{question.name}:{v}" for v in own)]
        elif widget == "checkboxes":
            out[question.name] = _own(question, value)
            if question.explicit_none and not out[question.name]:
                out[f"{question.name}_none"] = True  # answered "none of these"
        elif widget == "radio":
            if value in question.labels:
                out[question.name] = value
        elif widget == "yes_no":
            out[question.name] = "yes" if value else "no"
        elif widget in ("nrs", "scale"):
            out[question.name] = str(value)
        elif widget == "treatments":
            for row, tried in enumerate(value, start=1):
                out |= {f"treatment_{row}": tried["treatment"], f"weeks_{row}": tried["weeks"]}
                out[f"response_{row}"] = tried["response"]
        elif widget == "psfs":
            for row, item in enumerate(value, start=1):
                out |= {f"activity_{row}": item["activity"], f"score_{row}": str(item["score"])}
        else:
            out[question.name] = value
    return out


def answered_steps(intake: Answers) -> list[str]:
    """The steps whose every question the intake answers.

    Only these may count as done when the answers reopen in the wizard: an unticked box means
    "none of these", so a step the intake never answered must be asked again, not assumed.
    A step with no field that settles it counts once any of its fields is there.
    """
    done = []
    for step in STEP_NAMES:
        asked = questions_of(step)
        settling = [q for q in asked if q.settles]
        if any(_too_many_rows(q, get(intake, q.path)) for q in asked):
            continue
        if settling:
            if all(get(intake, q.path) is not None for q in settling):
                done.append(step)
        elif any(get(intake, q.path) is not None for q in asked):
            done.append(step)
    return done


def _too_many_rows(question: Question, value: Any) -> bool:
    limit = _ROWS.get(question.widget)
    return limit is not None and value is not None and len(value) > limit


def reopened(intake: Answers) -> tuple[Answers, list[str]]:
    """A stored intake as a new draft's answers and done steps: only fully answered steps."""
    done = answered_steps(intake)
    out: Answers = {}
    for path in PATHS:
        asked = [q for q in questions_for(path) if q.step in done]
        value = get(intake, path)
        if not asked or value is None:
            continue
        if path in _SPLIT and isinstance(value, list):
            kept = [v for v in value if any(v in q.labels for q in asked)]
            answered = any(q.none_means_none for q in asked)
            value = kept if kept or answered else None
        elif path in _SPLIT:
            value = next((own for q in asked if (own := _own(q, value)) is not None), None)
        _put(out, path, value)
    return out, done


# A field asked on more than one step; those of them with one value (not a list).
_SPLIT = {path for path in PATHS if len(questions_for(path)) > 1}
_SPLIT_ENUMS = {path for path in _SPLIT if not is_list(path)}
