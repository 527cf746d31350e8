"""The one exception type for problems a trainer can fix (a bad file, flag, address or password).

Its message is written for people, not programmers: it names the problem and how to fix it, so
the command line and the trainer screens can show it as is, without a traceback.
"""


class RecordsError(Exception):
    """A problem with trainer records, exports or the learning record store, with a user message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RecordsBusy(RecordsError):
    """The records file is locked by another program; trying again a moment later may succeed."""
