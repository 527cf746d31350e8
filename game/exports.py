"""Exporting a session's scoreboard from the game: a PNG picture and a self-contained HTML report."""
from __future__ import annotations

import re
from pathlib import Path

import platformdirs

from trainer.scoreboard import Scoreboard

EXPORT_FOLDER_NAME = "Service Recovery Lab"


def default_export_dir() -> Path:
    """Where exports go unless ``--export-dir`` says otherwise: a folder in the user's documents."""
    return platformdirs.user_documents_path() / EXPORT_FOLDER_NAME


def export_name(board: Scoreboard, suffix: str) -> str:
    """A file name from the session's name and date, safe on every system (letters of any script kept)."""
    name = re.sub(r"[^\w.-]+", "-", board.session.name).strip("-.") or f"session-{board.session.id}"
    return f"{name}-{board.session.date.isoformat()}-scoreboard{suffix}"


def export_scoreboard(board: Scoreboard, folder: Path, kind: str, lang: str, records_path: Path) -> Path:
    """Write the scoreboard as ``png`` or ``html`` into ``folder``; raises RecordsError when it cannot."""
    from trainer.charts import scoreboard_png
    from trainer.export import write_export

    png = scoreboard_png(board, lang)
    if kind == "png":
        return write_export(folder / export_name(board, ".png"), png, records_path=records_path)
    from trainer.report_html import scoreboard_html

    return write_export(folder / export_name(board, ".html"), scoreboard_html(board, lang, png), records_path=records_path)
