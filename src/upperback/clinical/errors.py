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

# Each message in English and Spanish (the API answers in the caller's language).
_TYPE_MESSAGES: dict[str, tuple[str, str]] = {
    "int_type": ("must be a whole number", "debe ser un número entero"),
    "int_from_float": ("must be a whole number", "debe ser un número entero"),
    "float_type": ("must be a number", "debe ser un número"),
    "bool_type": ("must be true or false", "debe ser true o false"),
    "string_type": ("must be a string", "debe ser un texto"),
    "list_type": ("must be a list", "debe ser una lista"),
    "model_type": ("must be an object", "debe ser un objeto"),
    "dict_type": ("must be an object", "debe ser un objeto"),
    "model_attributes_type": ("must be an object", "debe ser un objeto"),
    "missing": ("is required", "es obligatorio"),
    "extra_forbidden": ("is not a field of the contract", "no es un campo del contrato"),
    "json_invalid": ("is not valid JSON", "no es JSON válido"),
    # The one pattern of the contract (ONE_LINE): a patient's words on one line.
    "string_pattern_mismatch": (
        "must be one line of text, without control characters (such as NUL)",
        "debe ser una línea de texto, sin caracteres de control (como NUL)",
    ),
}
_FORMATS: dict[str, tuple[str, str]] = {
    "contract": (
        'must be "{version}" (this engine speaks contract version 1)',
        'debe ser "{version}" (este motor habla la versión 1 del contrato)',
    ),
    "between": ("must be between {low} and {high}", "debe estar entre {low} y {high}"),
    "at_least": ("must be at least {low}", "debe ser como mínimo {low}"),
    "at_most": ("must be at most {high}", "debe ser como máximo {high}"),
    "one_of": ("{value} is not one of: {expected}", "{value} no es uno de: {expected}"),
    "characters": (
        "must have at most {limit} characters",
        "debe tener como máximo {limit} caracteres",
    ),
    "items": ("must have at most {limit} items", "debe tener como máximo {limit} elementos"),
    "empty": ("must not be empty", "no debe estar vacío"),
}


def _say(key: str, language: str, **values: Any) -> str:
    english, spanish = _FORMATS[key]
    return (spanish if language == "es" else english).format(**values)


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


def _range_message(model: type[BaseModel], error: ErrorDetails, language: str) -> str:
    metadata = _field_metadata(model, tuple(error["loc"]))
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        return _say("between", language, low=low, high=high)
    if low is not None:
        return _say("at_least", language, low=low)
    return _say("at_most", language, high=high)


def _message(model: type[BaseModel], error: ErrorDetails, language: str) -> str:
    kind = error["type"]
    context = error.get("ctx", {})
    if error["loc"] == ("contract",) and kind == "literal_error":
        return _say("contract", language, version=CONTRACT_VERSION)
    if kind in ("greater_than_equal", "less_than_equal"):
        return _range_message(model, error, language)
    if kind == "literal_error":
        expected = context.get("expected", "")
        return _say("one_of", language, value=repr(error["input"]), expected=expected)
    if kind in ("too_long", "string_too_long"):
        metadata = _field_metadata(model, tuple(error["loc"]))
        limit = next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)
        return _say("characters" if kind == "string_too_long" else "items", language, limit=limit)
    if kind == "string_too_short":
        return _say("empty", language)
    if kind in _TYPE_MESSAGES:
        english, spanish = _TYPE_MESSAGES[kind]
        return spanish if language == "es" else english
    return error["msg"]


def validation_messages(
    error: ValidationError, model: type[BaseModel] = Intake, language: str = "en"
) -> list[str]:
    """One `field.path: message` line per problem, in the order pydantic found them, in
    English or Spanish (`language`); the field paths are the contract's names in both."""
    return [
        f"{field_path(tuple(e['loc']))}: {_message(model, e, language)}" for e in error.errors()
    ]
