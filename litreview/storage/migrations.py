"""Schema migrations. Append-only: never edit a step once it has been released."""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("litreview")


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")


@MIGRATIONS()
def m001_foundation(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE protocols (
            protocol_id INTEGER PRIMARY KEY,
            title TEXT,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE sources (
            source_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('file', 'api')),
            arm TEXT NOT NULL DEFAULT 'database'
                CHECK (arm IN ('database', 'register', 'other')),
            method TEXT,
            database TEXT NOT NULL,
            platform TEXT,
            searched_on TEXT,
            query TEXT,
            limits TEXT,
            reported_hits INTEGER,
            file_name TEXT,
            sha256 TEXT,
            size_bytes INTEGER,
            format TEXT NOT NULL,
            encoding TEXT,
            records_parsed INTEGER NOT NULL,
            problems TEXT NOT NULL DEFAULT '[]',
            imported_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX sources_sha256 ON sources(sha256) WHERE sha256 IS NOT NULL;
        CREATE TABLE records (
            record_id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(source_id),
            position INTEGER NOT NULL,
            line INTEGER,
            type TEXT,
            title TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            editors TEXT NOT NULL DEFAULT '[]',
            year INTEGER,
            date TEXT,
            journal TEXT,
            journal_abbrev TEXT,
            volume TEXT,
            issue TEXT,
            start_page TEXT,
            end_page TEXT,
            doi TEXT,
            abstract TEXT,
            keywords TEXT NOT NULL DEFAULT '[]',
            language TEXT,
            database TEXT,
            accession TEXT,
            urls TEXT NOT NULL DEFAULT '[]',
            issn TEXT NOT NULL DEFAULT '[]',
            isbn TEXT NOT NULL DEFAULT '[]',
            publisher TEXT,
            place TEXT,
            pmid TEXT,
            notes TEXT NOT NULL DEFAULT '[]',
            raw TEXT NOT NULL,
            UNIQUE (source_id, position)
        );
        CREATE INDEX records_doi ON records(doi);
        CREATE TABLE events (
            event_id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            record_id INTEGER REFERENCES records(record_id),
            other_record_id INTEGER REFERENCES records(record_id),
            stage TEXT,
            value TEXT,
            reason TEXT,
            note TEXT,
            reviewer TEXT,
            payload TEXT,
            reverts_event_id INTEGER REFERENCES events(event_id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX events_record ON events(record_id, stage);
        CREATE INDEX events_kind ON events(kind, stage);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER records_immutable_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'imported records are immutable'); END;
        """
    )


@MIGRATIONS()
def m002_works_and_rankings(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE dedup_groups (
            record_id INTEGER PRIMARY KEY REFERENCES records(record_id),
            group_id INTEGER NOT NULL REFERENCES records(record_id)
        );
        CREATE INDEX dedup_groups_group ON dedup_groups(group_id);
        CREATE TABLE dedup_merged (
            group_id INTEGER PRIMARY KEY REFERENCES records(record_id),
            fields TEXT NOT NULL
        );
        CREATE TABLE dedup_pairs (
            record_a INTEGER NOT NULL REFERENCES records(record_id),
            record_b INTEGER NOT NULL REFERENCES records(record_id),
            verdict TEXT NOT NULL,
            score REAL,
            reasons TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (record_a, record_b)
        );
        CREATE TABLE ineligible (
            record_id INTEGER PRIMARY KEY REFERENCES records(record_id),
            reason TEXT NOT NULL
        );
        CREATE TABLE ranking_runs (
            run_id INTEGER PRIMARY KEY,
            stage TEXT NOT NULL,
            mode TEXT NOT NULL,
            config TEXT NOT NULL,
            random_state INTEGER,
            n_labels INTEGER NOT NULL,
            n_records INTEGER NOT NULL,
            ranked TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX ranking_runs_stage ON ranking_runs(stage, run_id);
        """,
    )


@MIGRATIONS()
def m003_reviewer_rankings(db: sqlite_utils.Database) -> None:
    # blinded dual screening trains one model per reviewer on that reviewer's own labels
    db.execute("ALTER TABLE ranking_runs ADD COLUMN reviewer TEXT")


@MIGRATIONS()
def m004_search_runs(db: sqlite_utils.Database) -> None:
    # checkpoints of API searches (litreview search): resumable without duplicating records
    _run_script(
        db,
        """
        CREATE TABLE search_runs (
            search_run_id INTEGER PRIMARY KEY,
            api TEXT NOT NULL,
            strategy_sha256 TEXT NOT NULL,
            strategy_title TEXT,
            base_url TEXT NOT NULL,
            max_records INTEGER,
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX search_runs_key ON search_runs(api, strategy_sha256, base_url);
        CREATE TABLE search_run_queries (
            search_run_id INTEGER NOT NULL REFERENCES search_runs(search_run_id),
            query_no INTEGER NOT NULL,
            label TEXT NOT NULL,
            request TEXT NOT NULL,
            searched_on TEXT NOT NULL,
            state TEXT,
            is_fetched INTEGER NOT NULL DEFAULT 0,
            pages_fetched INTEGER NOT NULL DEFAULT 0,
            records_fetched INTEGER NOT NULL DEFAULT 0,
            reported_hits INTEGER,
            source_id INTEGER REFERENCES sources(source_id),
            PRIMARY KEY (search_run_id, query_no)
        );
        CREATE TABLE search_run_pages (
            search_run_id INTEGER NOT NULL,
            query_no INTEGER NOT NULL,
            page_no INTEGER NOT NULL,
            records TEXT NOT NULL,
            keys TEXT NOT NULL,
            PRIMARY KEY (search_run_id, query_no, page_no),
            FOREIGN KEY (search_run_id, query_no)
                REFERENCES search_run_queries(search_run_id, query_no)
        );
        """,
    )


@MIGRATIONS()
def m006_fulltext_files(db: sqlite_utils.Database) -> None:
    # attached PDFs (content-addressed copies beside the review) and their text, page by page,
    # in an FTS5 index; which work a file belongs to is an ``attach`` event
    _run_script(
        db,
        """
        CREATE TABLE files (
            sha256 TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            has_text INTEGER NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE file_pages USING fts5(
            text, sha256 UNINDEXED, page UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
    )
