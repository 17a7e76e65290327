"""The base of every part of the rules file."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["Section"]


class Section(BaseModel):
    """A part of the rules: closed (an unknown key is an error), immutable, and a key left out
    keeps its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_keeps_defaults(cls, data: Any) -> Any:
        # `guardian:` with every line below it commented out reads as null.
        return {} if data is None else data
