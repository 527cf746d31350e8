"""Errors meant for the person at the keyboard: one clear message, never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """A mistake in input the user controls (a file, a flag, a value), with a message that says how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ScenarioError(UserError):
    """A scenario file that cannot be read or does not match the schema; lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        header = f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the scenario"
        super().__init__("\n".join([header, *(f"  - {p}" for p in problems)]))


class UserNote(UserWarning):
    """Something the user should know that is not an error (a setting adjusted, a long run ahead).

    Library code issues it with :func:`warnings.warn`; command lines show it as a ``note:`` line.
    """
