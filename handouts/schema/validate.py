"""Pydantic's validation errors turned into problems a clinic admin can act on:
``path:line: field: message``, every problem in a file at once, with the
closest key suggested for a typo."""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from handouts.errors import ContentError, Problem
from handouts.loader import Loaded, Loc, field_name
from handouts.schema.fields import Nested


#: What a number or a choice should be, in the words of its field, with an
#: example (the last key of its place in the file).
FIELD_WORDS = {
    "reading_grade": ("a reading grade from 1 to 16", "6"),
    "review_every_months": ("a whole number of months from 1 to 120", "24"),
    "target": ("a reading target from 0 to 200", "60"),
    "paper": ("letter or a4", "letter"),
    "checklist": ("true or false", "true"),
    "port": ("a port number from 1 to 65535", "587"),
    "timeout": ("a number of seconds", "30"),
}
_NUMBER_KINDS = ("less_than", "greater_than", "int_", "float_", "bool_", "number_", "finite_",
                 "not_a_number", "multiple_of", "literal_error", "enum", "string_type")


def _field_words(err: dict[str, Any], loc: Loc) -> str | None:
    """A number's or a choice's mistake said as what the field should be."""
    key = next((part for part in reversed(loc) if isinstance(part, str)), None)
    if key not in FIELD_WORDS or not err["type"].startswith(_NUMBER_KINDS):
        return None
    words, example = FIELD_WORDS[key]
    value = err.get("input")
    shown = (str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str)
             else str(value))
    return f"should be {words}, like {key}: {example} (it is {shown})"


def _friendly(err: dict[str, Any], model: type[BaseModel], loc: Loc) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required"
    if _field_words(err, loc):
        return _field_words(err, loc)
    if kind in ("model_type", "dict_type", "model_attributes_type") and \
            (loc[:1] == ("sections",) and len(loc) == 2 or loc == ("callout",)):
        return ("a section needs a heading and a body or bullets, written as keys under it "
                "(heading: ..., then body: ... or bullets:)")
    if kind == "extra_forbidden":
        hint = _close_keys(err, model)
        if hint:
            return f"unknown key; did you mean {hint[0]!r}?"
        return "unknown key; allowed here: " + ", ".join(_allowed_keys(model, loc[:-1]))
    if kind == "string_type":
        value = err.get("input")
        if value is None:
            return "is empty"
        if isinstance(value, (bool, int, float, dt.date)):
            read = {bool: "true or false", int: "a number", float: "a number"}.get(
                type(value), "a date")
            return (f"should be text, but YAML reads this as {read}; put it in quotes, like "
                    f"{_example(loc)}\"{_as_written(value)}\"")
        if isinstance(err.get("input"), dict) and len(err["input"]) == 1:
            return ("put text that contains ': ' in quotes (YAML read it as a key and a value), "
                    "like - \"Call us: 555-0142\"")
        if isinstance(value, list):
            return "should be text, not a list"
        if isinstance(value, dict):
            return "should be text, not a group of keys"
        return "should be text (put it in quotes if it looks like a number or yes/no)"
    if kind == "string_too_short":
        return "is empty"
    if kind == "string_too_long":
        return f"is too long: {len(err['input'])} characters, the limit is {ctx.get('max_length')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"has too many items; the limit is {ctx.get('max_length')}"
    if kind in ("list_type",):
        return "should be a list (one '- item' per line)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "should be a group of keys (key: value lines, indented)"
    if kind in ("bool_type", "bool_parsing"):
        return "should be true or false"
    if kind.startswith("date"):
        value = err.get("input")
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
            return f"{value!r} is not a real date; write it as YYYY-MM-DD"
        if isinstance(value, str) and re.match(r"\d{4}-\d{1,2}-\d{1,2}[ Tt]", value.strip()):
            return f"{value!r} has a time after the date; write only the date, as YYYY-MM-DD"
        return "should be a date written as YYYY-MM-DD"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind.startswith(("less_than", "greater_than")):
        limit = next(iter(ctx.values()), None)
        return (f"is too big; the most is {limit}" if kind.startswith("less") else
                f"is too small; the least is {limit}")
    if kind.startswith(("int_", "float_", "number_", "finite_")):
        return "should be a number" + (", a whole one" if kind.startswith("int_from") else "")
    if kind in ("literal_error", "enum"):
        return "should be one of " + str(ctx.get("expected", "the allowed values"))
    if kind.startswith("url"):
        return "should be a web address starting with https://"
    return "is not valid here; see docs/content.md for what this key takes"


def _example(loc: Loc) -> str:
    return f"{loc[-1]}: " if loc and not isinstance(loc[-1], int) else "- "


def _as_written(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _comment_message(loc: Loc, after: str) -> str:
    """An empty field whose text started with ``#``, in the words of that field."""
    name = str(loc[-1]) if loc and not isinstance(loc[-1], int) else None
    if "colors" in loc or (name or "").endswith(("color", "colour")):
        return ('is empty: "#" starts a comment in YAML, so the colour was left out; '
                'write colours in quotes, like "#1F5A7A"')
    shown = ("#" + after)[:40]
    example = f'{name}: "{shown}"' if name else f'- "{shown}"'
    return (f'is empty: "#" starts a comment in YAML, so "{shown}" was left out; '
            f"put the text in quotes, like {example}")


def _close_keys(err: dict[str, Any], model: type[BaseModel]) -> list[str]:
    loc = tuple(err["loc"])
    import difflib  # only for a mistake: a good build needs none

    return difflib.get_close_matches(str(loc[-1]), _allowed_keys(model, loc[:-1]), n=1)


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields[part]
        nested = [m.model for m in field.metadata if isinstance(m, Nested)]
        current = nested[0] if nested else _unwrap(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items() if not f.exclude]
    return []


def _unwrap(ann: Any) -> Any:
    while True:
        args = typing.get_args(ann)
        if typing.get_origin(ann) is Annotated:
            ann = args[0]
        elif args:
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if models:
                return models[0]
            ann = args[0]
        else:
            return ann


def validate(model: type[BaseModel], loaded: Loaded, extra: list[Problem] = ()):
    """Validate loaded YAML against ``model``; raise ContentError with every
    problem: those found while reading, the schema's, and ``extra`` ones."""
    problems = list(loaded.problems)
    seen = {p.field for p in problems}
    result = None
    try:
        result = model.model_validate(loaded.data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelled required key is one mistake: "sumary: unknown key; did
        # you mean 'summary'?" says it all, so "summary: required" is dropped.
        meant = {(tuple(e["loc"][:-1]), hint) for e in errors if e["type"] == "extra_forbidden"
                 for hint in _close_keys(e, model)}
        for err in errors:
            loc = tuple(err["loc"])
            name = field_name(loc) or None
            if name in seen:  # already reported, more precisely, by the reader
                continue
            if err["type"] == "missing" and (loc[:-1], loc[-1]) in meant:
                continue
            if loc in loaded.comments:
                message = _comment_message(loc, loaded.comments[loc])
            else:
                message = _friendly(err, model, loc)
            problems.append(Problem(loaded.path, loaded.line_for(loc), name, message))
    problems.extend(extra)
    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise ContentError(problems)
    return result
