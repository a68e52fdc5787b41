"""Turn a pydantic ValidationError into one plain line per problem, naming the field.

`pain.intensity_now: must be between 0 and 10`. The command line prints these lines and the
web API can return them, so every door of the contract refuses bad input the same way.
"""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from upperback.clinical.contract import CONTRACT_VERSION, Intake

_TYPE_MESSAGES = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "model_attributes_type": "must be an object",
    "missing": "is required",
    "extra_forbidden": "is not a field of the contract",
    "json_invalid": "is not valid JSON",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """('symptoms', 2) -> 'symptoms[2]'; ('pain', 'intensity_now') -> 'pain.intensity_now'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "intake"


def _field_metadata(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[Any]:
    """Walk the model along `loc` and return the constraints of the field it ends on."""
    current: Any = model
    metadata: list[Any] = []
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        info = fields[part]
        metadata = list(info.metadata)
        current = _model_inside(info.annotation)
    return metadata


def _model_inside(annotation: Any) -> Any:
    for arg in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in getattr(arg, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _range_message(model: type[BaseModel], error: ErrorDetails) -> str:
    metadata = _field_metadata(model, tuple(error["loc"]))
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        return f"must be between {low} and {high}"
    if low is not None:
        return f"must be at least {low}"
    return f"must be at most {high}"


def _message(model: type[BaseModel], error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx", {})
    if error["loc"] == ("contract",) and kind == "literal_error":
        return f'must be "{CONTRACT_VERSION}" (this engine speaks contract version 1)'
    if kind in ("greater_than_equal", "less_than_equal"):
        return _range_message(model, error)
    if kind == "literal_error":
        return f"{error['input']!r} is not one of: {context.get('expected', '')}"
    if kind in ("too_long", "string_too_long"):
        metadata = _field_metadata(model, tuple(error["loc"]))
        limit = next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)
        unit = "characters" if kind == "string_too_long" else "items"
        return f"must have at most {limit} {unit}"
    if kind == "string_too_short":
        return "must not be empty"
    return _TYPE_MESSAGES.get(kind, error["msg"])


def validation_messages(error: ValidationError, model: type[BaseModel] = Intake) -> list[str]:
    """One `field.path: message` line per problem, in the order pydantic found them."""
    return [f"{field_path(tuple(e['loc']))}: {_message(model, e)}" for e in error.errors()]
