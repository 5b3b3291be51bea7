"""Field types every schema module shares: text limits, colours, paper, the
language code, and the strict base model."""

from __future__ import annotations

import re
from typing import Annotated, Any, Callable

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
    it). Its errors are ``Model``'s, in the same places (``fonts.cjk.regular``).

    ``model`` may be a function that makes the model when first asked (the
    fonts' model is made only for a clinic.yaml that needs it), and
    ``for_value(value)`` may pick another model to validate a given value
    (one that accepts and refuses it exactly as ``model`` does); ``model``
    itself is what error messages list the allowed keys from."""

    def __init__(self, model: type[BaseModel] | Callable[[], type[BaseModel]],
                 for_value: Callable[[Any], type[BaseModel]] | None = None):
        self._model = model
        self._for_value = for_value

    @property
    def model(self) -> type[BaseModel]:
        return self._model if isinstance(self._model, type) else self._model()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.validate)

    def validate(self, value: Any) -> Any:
        if value is None:
            return None
        model = self._for_value(value) if self._for_value is not None else self.model
        return model.model_validate(value)


def _without_plugins() -> None:
    """Build handouts' own validators without pydantic's plugins.

    pydantic asks for its plugins when it builds a model's validator: the
    first time, it imports ``importlib.metadata`` (and with it the email
    package) and reads the entry points of every installed distribution,
    10-20 ms of a cold build, to find none. handouts' models (those of a
    ``handouts.`` module) get their validator as pydantic makes one when no
    plugin is installed; any other model in the process still gets its
    plugins. So a pydantic plugin (logfire's, say) does not see or change
    how handouts validates clinic.yaml and articles (docs/security.md).
    Where pydantic has no such hook (another version), nothing changes."""
    from pydantic._internal import _model_construction as construction
    from pydantic_core import SchemaValidator

    pluggable = getattr(construction, "create_schema_validator", None)
    if pluggable is None or getattr(pluggable, "for_handouts", False):
        return

    def create(schema, schema_type, module, *args, **kwargs):
        if isinstance(module, str) and module.startswith("handouts."):
            config = args[2] if len(args) > 2 else kwargs.get("config")
            extra = {"_use_prebuilt": kwargs["_use_prebuilt"]} if "_use_prebuilt" in kwargs else {}
            return SchemaValidator(schema, config, **extra)
        return pluggable(schema, schema_type, module, *args, **kwargs)

    create.for_handouts = True
    construction.create_schema_validator = create


_without_plugins()


class Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates, not at
    # import; a build validates only clinic.yaml, articles and blocks, so the
    # models inside them (the fonts' 205 fields, smtp, sections) never get
    # validators of their own (about 10 ms of a cold start; tests/test_speed.py).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)
