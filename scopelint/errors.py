"""The two failures a user can meet: bad input (exit 2) and an external failure (exit 3)."""

from __future__ import annotations

MAX_MESSAGE = 400


class InputError(Exception):
    """A file or argument the user gave cannot be used; reported as one line with file and line."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        message = " ".join(str(message).split())  # always one line, whatever the library said
        if len(message) > MAX_MESSAGE:  # a library may quote a whole value: keep the line readable
            message = message[:MAX_MESSAGE] + " ... (shortened)"
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column if line else None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
            if self.column:
                where = f"{self.file}:{self.line}:{self.column}: "
        return f"{where}{self.message}"


class InputErrors(InputError):
    """Several problems found in one file (a manifest's schema errors): all are reported in one run. Behaves as
    its first error where one line is shown; `errors` holds every one, in file order."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s) in this file)" if len(errors) > 1 else ""
        super().__init__(first.message + more, first.file, first.line, first.column)
        self.errors = errors


class ExternalError(Exception):
    """Something outside the user's files failed: network, Graph, credentials."""
