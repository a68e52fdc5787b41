"""The validation set: clinical vignettes with the triage a clinician would give.

`cases.yaml` holds each case as data: where it comes from (`source`), the intake (a complete
contract intake), the triage a clinician would give (`expected`), the lowest triage that is
still safe (`lowest_safe`), the plan steps that would be risky (`must_not_plan`), its `kind`
(`emergency`, `serious` or `ordinary`) and its `topic` (the cause it stands for). The cases
were written from their sources, not from the engine's answers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from upperback.clinical.contract import TRIAGE_ORDER, Intake, StepId, Triage

CASES_FILE = Path(__file__).resolve().parent / "cases.yaml"
# libyaml's safe loader when PyYAML has it (as knowledge.py does): the same, far faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Kind = Literal["emergency", "serious", "ordinary"]
KINDS: tuple[Kind, ...] = ("emergency", "serious", "ordinary")


def rank(triage: Triage) -> int:
    """0 for emergency up to 4 for self-care: a lower rank is more urgent."""
    return TRIAGE_ORDER.index(triage)


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: Kind
    topic: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    summary: str = Field(min_length=10)
    source: str = Field(min_length=10)
    expected: Triage
    lowest_safe: Triage
    must_not_plan: tuple[StepId, ...] = ()
    intake: Intake

    @model_validator(mode="after")
    def _levels_agree(self) -> Case:
        if rank(self.lowest_safe) < rank(self.expected):
            raise ValueError(f"lowest_safe {self.lowest_safe} is above expected {self.expected}")
        if (self.kind == "emergency") != (self.expected == "emergency"):
            raise ValueError("kind emergency goes with expected emergency, and only with it")
        return self


class CasesError(ValueError):
    """The validation set cannot be read: the message names the case and the field."""


def _problems(index: int, raw: object, error: ValidationError) -> list[str]:
    name = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
    return [
        f"case {name}: {'.'.join(str(p) for p in e['loc']) or '(case)'}: {e['msg']}"
        for e in error.errors()
    ]


def parse_cases(text: str) -> tuple[Case, ...]:
    """Parse and validate a validation set (YAML: a list of cases); CasesError if broken."""
    raw = yaml.load(text, Loader=_LOADER)
    if not isinstance(raw, list):
        raise CasesError("the validation set must be a YAML list of cases")
    cases: list[Case] = []
    problems: list[str] = []
    for index, item in enumerate(raw):
        try:
            cases.append(Case.model_validate(item))
        except ValidationError as error:
            problems += _problems(index, item, error)
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            problems.append(f"case {case.id}: id used twice")
        seen.add(case.id)
    if problems:
        raise CasesError("\n".join(problems))
    return tuple(cases)


@cache
def load_cases(path: Path = CASES_FILE) -> tuple[Case, ...]:
    """The validation set, validated once."""
    return parse_cases(path.read_text(encoding="utf-8"))
