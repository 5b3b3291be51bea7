"""Field types every schema module shares: text limits, colours, paper, the
language code, and the strict base model."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from handouts import converters, headertext

# Limits: generous for a one-page handout, small enough to refuse runaway text
# with a message that points at the field instead of a layout failure.
Title = Annotated[str, Field(min_length=1, max_length=90)]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Body = Annotated[str, Field(min_length=1, max_length=2500)]
Bullet = Annotated[str, Field(min_length=1, max_length=300)]
#: Words that also go into an email's headers (a title is the Subject, the
#: clinic's name the From): one line, no encoded words (see headertext).
HeaderTitle = Annotated[Title, AfterValidator(headertext.check)]


def parse_color(value: Any) -> str:
    return converters.parse_color(value)


def _paper(value: Any) -> str:
    return converters.parse_paper(value)


#: A language code: ``en``, ``es``, ``pt-BR``.
LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")

Paper = Annotated[str, AfterValidator(_paper)]


def _not_bool(value: Any) -> Any:
    """YAML's true/false would pass as 1 and 0; a number field refuses them."""
    if isinstance(value, bool):
        raise PydanticCustomError("bool_not_number", "true or false is not a number")
    return value


#: A number written as a number: ``true`` and ``false`` are refused.
NotBool = BeforeValidator(_not_bool)


class Nested:
    """``Annotated[Any, Nested(Model)]``: a field that holds a ``Model`` or
    None, validated by ``Model`` itself when a file gives it, so that only
    then does pydantic build ``Model``'s validator (the fonts' model has 205
    fields: a cold start of a clinic.yaml without ``fonts:`` no longer builds
    it). Its errors are ``Model``'s, in the same places (``fonts.cjk.regular``)."""

    def __init__(self, model: type[BaseModel]):
        self.model = model

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.validate)

    def validate(self, value: Any) -> Any:
        return None if value is None else self.model.model_validate(value)


class Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates, not at
    # import; a build validates only clinic.yaml, articles and blocks, so the
    # models inside them (the fonts' 205 fields, smtp, sections) never get
    # validators of their own (about 10 ms of a cold start; tests/test_speed.py).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)
