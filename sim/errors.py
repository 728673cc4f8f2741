"""One error family for everything a user can get wrong.

Every error a person can cause — a parameter out of range, a malformed
scenario or experiment file, a bad command-line option, a results folder that
cannot be used — is a :class:`CentaureError` whose message is one actionable
line: where (file or option), the field, and what is allowed. The command line,
the dashboard and the experiment runner catch this one type; anything else is a
bug and keeps its traceback.

An error may also carry its parts (``where``, ``field``, ``value``, ``allowed``)
so a front end can phrase it in its own language.
"""

from __future__ import annotations

from typing import Any


class CentaureError(ValueError):
    """A problem in what a user gave; ``str(error)`` is one line naming where, the field and what is allowed."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        field: str | None = None,
        value: Any = None,
        allowed: str | None = None,
    ) -> None:
        self.where, self.field, self.value, self.allowed = where, field, value, allowed
        self.detail = " ".join(message.split())  # one line, whatever the parts held
        super().__init__(f"{where}: {self.detail}" if where else self.detail)

    def located(
        self, where: str | None = None, prefix: str = "", kind: type[CentaureError] | None = None
    ) -> CentaureError:
        """The same error placed in a file or option (``where``), under a field ``prefix``, as ``kind``.

        ``ParameterError("x = 2 ...").located("mine.toml", "levers.", ScenarioError)``
        is a ScenarioError reading ``mine.toml: levers.x = 2 ...`` (``kind``
        defaults to the error's own type).
        """
        return (kind or type(self))(
            f"{prefix}{self.detail}",
            where=": ".join(w for w in (where, self.where) if w) or None,
            field=f"{prefix}{self.field}" if self.field else None,
            value=self.value,
            allowed=self.allowed,
        )


class ParameterError(CentaureError):
    """A parameter value is invalid (out of range, wrong type, unknown name)."""


class ScenarioError(CentaureError):
    """A scenario (file, table or reform) is invalid."""


class FormError(CentaureError):
    """The figures of a director's form (``[organisation]``) are invalid: a field or a rule between fields."""


class InputError(CentaureError):
    """A file or command-line option cannot be used as given (missing, unreadable, wrong kind)."""


class ExperimentError(CentaureError):
    """An experiment file or results folder is invalid."""


class StorageError(CentaureError):
    """A results folder cannot be read or written."""


class AnalysisError(CentaureError):
    """A results folder cannot be analysed."""
