"""The records schema, one version at a time, and the steps that bring a file up to date.

A new file is built by running every step from version 1, and an older file by running the steps
it lacks, so a fresh file and a migrated one always end up with the same tables. The version is
kept in ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as ours.
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

# "SRLT" (Service Recovery Lab Trainer) as a 32-bit number: lets us tell our files from other
# programs' SQLite files before touching them.
APPLICATION_ID = 0x53524C54

# Each step takes the schema from version (n - 1) to n. Steps hold one SQL statement per item
# (not a script) so they run inside the caller's transaction: a failed step changes nothing.
SCHEMA_STEPS: dict[int, Sequence[str]] = {
    # Version 1: sessions, trainees, turns and what happened in them.
    1: (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            session_date TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE session_scenarios (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            scenario_id TEXT NOT NULL,
            title TEXT,
            PRIMARY KEY (session_id, scenario_id),
            UNIQUE (session_id, position)
        )
        """,
        """
        CREATE TABLE trainees (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            joined_at TEXT NOT NULL,
            UNIQUE (session_id, name COLLATE NOCASE)
        )
        """,
        """
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            trainee_id INTEGER NOT NULL REFERENCES trainees (id) ON DELETE CASCADE,
            scenario_id TEXT NOT NULL,
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            seed INTEGER,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'finished')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            score REAL,
            score_min REAL,
            score_max REAL,
            kpis TEXT,
            UNIQUE (trainee_id, scenario_id, attempt)
        )
        """,
        """
        CREATE TABLE decisions (
            turn_id INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            sim_minute REAL NOT NULL,
            decision_point_id TEXT NOT NULL,
            choice_id TEXT NOT NULL,
            feedback_key TEXT,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (turn_id, seq)
        )
        """,
        """
        CREATE TABLE outcomes (
            turn_id INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            sim_minute REAL NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (turn_id, seq)
        )
        """,
        "CREATE INDEX trainees_by_session ON trainees (session_id)",
        "CREATE INDEX turns_by_trainee ON turns (trainee_id, scenario_id)",
    ),
    # Version 2: mark bad choices (for the group's common mistakes) and keep their labels;
    # remember which xAPI statements an LRS has acknowledged. Decisions recorded under
    # version 1 keep is_mistake NULL: whether they were mistakes was never recorded.
    2: (
        "ALTER TABLE decisions ADD COLUMN is_mistake INTEGER CHECK (is_mistake IN (0, 1))",
        "ALTER TABLE decisions ADD COLUMN choice_label TEXT",
        """
        CREATE TABLE lrs_deliveries (
            statement_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            delivered_at TEXT NOT NULL,
            PRIMARY KEY (statement_id, endpoint)
        )
        """,
    ),
}

CURRENT_VERSION = max(SCHEMA_STEPS)

# Tables every version has: used to recognise our files.
CORE_TABLES = frozenset({"sessions", "session_scenarios", "trainees", "turns", "decisions", "outcomes"})


def upgrade(conn: sqlite3.Connection, from_version: int, to_version: int = CURRENT_VERSION) -> None:
    """Run the steps after `from_version` up to `to_version` (0 means an empty file).

    The caller owns the transaction; the version number is written by the same transaction,
    so a crash leaves either the old schema or the new one, never a mix.
    """
    if not 0 <= from_version <= to_version <= CURRENT_VERSION:
        raise ValueError(f"cannot upgrade records schema from v{from_version} to v{to_version}")
    for version in range(from_version + 1, to_version + 1):
        for statement in SCHEMA_STEPS[version]:
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {to_version}")
