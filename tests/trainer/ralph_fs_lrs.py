"""Run Ralph's LRS with its file-system backend adding to its statements file (used by conftest.py).

``ralph runserver -b fs`` stores the first batch of statements and answers HTTP 500 to every
later write: its fs backend creates the statements file and refuses to write to it again. This
starts the same Ralph application with uvicorn, changing only that: the fs backend appends.
Authentication, validation and duplicate-id handling (204 / 409) are Ralph's own.

Usage: python ralph_fs_lrs.py HOST PORT   (configured by RALPH_* environment variables)
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND


def main(host: str, port: str) -> None:
    from ralph.api import app  # reads its RALPH_* settings at import

    uvicorn.run(app, host=host, port=int(port), log_level="info")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
