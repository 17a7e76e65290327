"""Reading a rules file: YAML in, ``Rules`` out, or a ``RulesError`` that lists every problem.

The YAML reader is PyYAML's safe loader with three traps removed, because coordinators write
these files by hand: ``10:30`` stays the text "10:30" (YAML 1.1 reads it as the number 630),
``0042`` is not octal, and a key written twice is an error instead of silently losing the
first one.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.domain import CANONICAL_CODES, LEGACY_CODES
from bot.rules._codes import CodeRules
from bot.rules._rules import Rules
from bot.rules._values import PROBLEM, show

__all__ = ["Problem", "RulesError", "load_rules", "parse_rules", "rules_from"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rules file: where (a key path, or a line), and what."""

    key: str
    message: str


class RulesError(Exception):
    """A rules file cannot be used; ``str()`` is one ``FILE: key.path: problem`` per line."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [
            f"{self.source}: {p.key}: {p.message}" if p.key else f"{self.source}: {p.message}"
            for p in self.problems
        ]


def load_rules(path: str | os.PathLike[str]) -> Rules:
    """Read and validate a rules file; an empty file means every default."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise RulesError(str(path), [Problem("", "no such file")]) from err
    except IsADirectoryError as err:
        raise RulesError(str(path), [Problem("", "is a folder, not a rules file")]) from err
    except OSError as err:
        raise RulesError(str(path), [Problem("", f"cannot be read: {err.strerror}")]) from err
    try:
        text = data.decode("utf-8-sig")  # Windows editors like to add a BOM
    except UnicodeDecodeError as err:
        raise RulesError(str(path), [Problem("", "is not UTF-8 text")]) from err
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str = "<rules>") -> Rules:
    """Validate the text of a rules file; ``source`` names it in the errors."""
    try:
        raw = yaml.load(text, Loader=_RulesLoader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as err:
        raise RulesError(source, [_syntax_problem(err)]) from err
    except yaml.YAMLError as err:
        raise RulesError(source, [Problem("", f"not valid YAML: {err}")]) from err
    if raw is None:  # empty, or only comments
        return Rules.default()
    return rules_from(raw, source)


def rules_from(raw: object, source: str = "<rules>") -> Rules:
    """Validate rules already read into Python values (a web form's, say), with the same
    problems, at the same keys, as :func:`parse_rules` gives for a file."""
    if not isinstance(raw, dict):
        raise RulesError(
            source,
            [Problem("", f"expected sections such as 'guardian:' at the top, got {show(raw)}")],
        )
    try:
        return Rules.model_validate(raw)
    except ValidationError as err:
        raise RulesError(source, [p for item in err.errors() for p in _explain(item)]) from err


# --- YAML ---------------------------------------------------------------------------------


class _RepeatedKey(yaml.constructor.ConstructorError):
    """Valid YAML, but PyYAML would keep only the last value: surely not what was meant."""


class _RulesLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 numbers and an error for a repeated key."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _RepeatedKey(None, None, f"{key!r} is written twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        return int(self.construct_scalar(node).replace("_", ""))


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
# Drop YAML 1.1's number patterns (sexagesimal 10:30, octal 0042) and add YAML 1.2's.
_RulesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RulesLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_RulesLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)
_RulesLoader.add_constructor(_INT, _RulesLoader.construct_yaml_int)


def _syntax_problem(err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    reason = err.problem or err.context or "unreadable"
    if isinstance(err, _RepeatedKey):
        return Problem(where, reason)
    if "\\t" in reason or "\t" in reason:
        reason += " (indent with spaces, not tabs)"
    return Problem(where, f"not valid YAML: {reason}")


# --- pydantic's errors in the coordinator's words -----------------------------------------


def _explain(item: ErrorDetails) -> list[Problem]:
    loc = tuple(item["loc"])
    ctx = item.get("ctx") or {}
    if item["type"] == PROBLEM:
        return [Problem(_key_path(loc + tuple(key)), message) for key, message in ctx["problems"]]
    return [Problem(_key_path(loc), _message(item, loc, ctx))]


def _message(item: ErrorDetails, loc: tuple[str | int, ...], ctx: dict[str, Any]) -> str:
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    simple = {
        "missing": "is missing",
        "invalid_key": f"a key must be a name, got {show(value)}",
        "model_type": f"expected keys below it (key: value), got {show(value)}",
        "model_attributes_type": f"expected keys below it (key: value), got {show(value)}",
        "dict_type": f"expected keys below it (key: value), got {show(value)}",
        "tuple_type": f"expected a list (lines starting with '- '), got {show(value)}",
        "list_type": f"expected a list (lines starting with '- '), got {show(value)}",
        "bool_type": f"expected true or false, got {show(value)}",
        "bool_parsing": f"expected true or false, got {show(value)}",
        "string_type": f"expected text, got {show(value)}",
        "string_too_short": "is empty",
        "string_too_long": f"is too long (at most {ctx.get('max_length')} characters)",
        "greater_than_equal": f"must be at least {ctx.get('ge')}, got {show(value)}",
        "greater_than": f"must be more than {ctx.get('gt')}, got {show(value)}",
        "less_than_equal": f"must be at most {ctx.get('le')}, got {show(value)}",
    }
    return simple.get(kind, item["msg"])


def _unknown_key(loc: tuple[str | int, ...]) -> str:
    key = loc[-1]
    section = _model_at(loc[:-1])
    if section is CodeRules:
        return _unknown_code(key)
    known = sorted(section.model_fields) if section else []
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    if section is Rules:
        homes = [name for name, sub in _sections() if str(key) in sub.model_fields]
        if homes:
            return f"unknown key here (it belongs under {homes[0]}:)"
    return f"unknown key (known keys: {', '.join(known)})"


def _unknown_code(key: object) -> str:
    if isinstance(key, str) and key.strip().upper() in LEGACY_CODES:
        letter = key.strip().upper()
        return f"{letter} is an older letter; the rules use {LEGACY_CODES[letter]} for it"
    codes = ", ".join(CANONICAL_CODES)
    return f"{show(key)} is not an absence code (use {codes} or -)"


def _sections() -> list[tuple[str, type[BaseModel]]]:
    found = [(name, _model_type(field.annotation)) for name, field in Rules.model_fields.items()]
    return [(name, model) for name, model in found if model is not None]


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` (through sections and lists)."""
    current: Any = Rules
    for part in path:
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if typing.get_origin(current) is tuple and args else None
        else:
            model = _model_type(current)
            field = model.model_fields.get(part) if model else None
            current = field.annotation if field else None
        if current is None:
            return None
    return _model_type(current)


def _model_type(annotation: Any) -> type[BaseModel] | None:
    """The model in ``Model`` or ``Model | None``."""
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        found = [_model_type(arg) for arg in typing.get_args(annotation)]
        return next((model for model in found if model), None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _key_path(loc: tuple[str | int, ...]) -> str:
    """``pauses[0].until``, the way config errors name keys elsewhere in Gemist."""
    text = ""
    for part in loc:
        if isinstance(part, int) and text:  # a list index; a number as a top key is a key
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top)"
