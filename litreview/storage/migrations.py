"""Schema migrations. Append-only: never edit a step once it has been released."""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

from litreview.storage.dual_sample import sync_dual_sample
from litreview.storage.view_settings import sync_view_settings

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
        """,
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


_LIVE = """
    e.event_id NOT IN (SELECT reverts_event_id FROM events
                       WHERE kind = 'undo' AND reverts_event_id IS NOT NULL)
"""


@MIGRATIONS()
def m005_views(db: sqlite_utils.Database) -> None:
    # read-only views for browsing a review in Datasette or any SQLite tool; they replay
    # the event log by the same rules as litreview.screening.team.effective_decisions
    _run_script(
        db,
        f"""
        CREATE TABLE screening_stages (
            stage TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            mode TEXT NOT NULL
        );
        CREATE TABLE exclusion_reasons (
            stage TEXT NOT NULL,
            number INTEGER NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            PRIMARY KEY (stage, code)
        );
        CREATE VIEW live_screening_events AS
        SELECT e.event_id, e.kind, COALESCE(g.group_id, e.record_id) AS work_id, e.record_id,
               e.stage, e.value, e.reason, e.note, e.reviewer, e.created_at
        FROM events e LEFT JOIN dedup_groups g ON g.record_id = e.record_id
        WHERE e.kind IN ('decision', 'resolution') AND {_LIVE};
        CREATE VIEW reviewer_decisions AS
        SELECT event_id, work_id, record_id, stage, value AS decision, reason, note, reviewer,
               created_at AS decided_at
        FROM (SELECT l.*, ROW_NUMBER() OVER (
                  PARTITION BY work_id, stage, COALESCE(reviewer, '') ORDER BY event_id DESC
              ) AS nth
              FROM live_screening_events l WHERE kind = 'decision')
        WHERE nth = 1;
        CREATE VIEW effective_decision_events AS
        WITH latest AS (
            SELECT work_id, stage, max(event_id) AS event_id FROM live_screening_events
            WHERE kind = 'decision' GROUP BY work_id, stage
        ), resolved AS (
            SELECT work_id, stage, max(event_id) AS event_id FROM live_screening_events
            WHERE kind = 'resolution' GROUP BY work_id, stage
        ), agreement AS (
            SELECT work_id, stage, count(*) AS reviewers,
                   count(DISTINCT decision) AS decisions, max(decision) AS decision,
                   count(DISTINCT COALESCE(reason, '')) AS reasons, max(event_id) AS event_id
            FROM reviewer_decisions GROUP BY work_id, stage
        ), keys AS (
            SELECT work_id, stage FROM latest UNION SELECT work_id, stage FROM resolved
        )
        SELECT k.work_id, k.stage, COALESCE(s.mode, 'single') AS mode,
               COALESCE(a.reviewers, 0) AS reviewers,
               CASE
                 WHEN COALESCE(s.mode, 'single') = 'single' THEN l.event_id
                 WHEN r.event_id IS NOT NULL THEN r.event_id
                 WHEN a.reviewers >= 2 AND a.decisions = 1 AND NOT (
                      s.kind = 'fulltext' AND a.decision = 'exclude' AND a.reasons > 1)
                   THEN a.event_id
                 WHEN s.mode = 'dual-sample' AND a.reviewers = 1 THEN a.event_id
               END AS event_id,
               CASE
                 WHEN COALESCE(s.mode, 'single') = 'single' AND l.event_id IS NULL
                   THEN 'resolution without decisions'
                 WHEN COALESCE(s.mode, 'single') = 'single' OR r.event_id IS NOT NULL
                   THEN 'decided'
                 WHEN a.reviewers >= 2 AND a.decisions = 1 AND NOT (
                      s.kind = 'fulltext' AND a.decision = 'exclude' AND a.reasons > 1)
                   THEN 'decided'
                 WHEN s.mode = 'dual-sample' AND a.reviewers = 1 THEN 'decided'
                 WHEN a.reviewers >= 2 THEN 'conflict'
                 ELSE 'awaiting a second reviewer'
               END AS status
        FROM keys k
        LEFT JOIN screening_stages s ON s.stage = k.stage
        LEFT JOIN latest l ON l.work_id = k.work_id AND l.stage = k.stage
        LEFT JOIN resolved r ON r.work_id = k.work_id AND r.stage = k.stage
        LEFT JOIN agreement a ON a.work_id = k.work_id AND a.stage = k.stage;
        CREATE VIEW work_decisions AS
        SELECT d.work_id, d.stage, s.position AS stage_position, d.status,
               e.value AS decision, e.reason, x.label AS reason_label, e.reviewer,
               e.created_at AS decided_at, d.mode, d.reviewers,
               CASE WHEN d.work_id IN (SELECT record_id FROM ineligible) THEN 0
                    WHEN COALESCE(s.position, 0) = 0 THEN 1
                    WHEN EXISTS (
                        SELECT 1 FROM effective_decision_events p
                        JOIN screening_stages ps ON ps.stage = p.stage
                        JOIN events pe ON pe.event_id = p.event_id
                        WHERE p.work_id = d.work_id AND ps.position = s.position - 1
                          AND pe.value = 'include') THEN 1
                    ELSE 0 END AS in_stage,
               r.title, r.year, r.journal, r.doi
        FROM effective_decision_events d
        LEFT JOIN screening_stages s ON s.stage = d.stage
        LEFT JOIN events e ON e.event_id = d.event_id
        LEFT JOIN exclusion_reasons x ON x.stage = d.stage AND x.code = e.reason
        LEFT JOIN records r ON r.record_id = d.work_id;
        CREATE VIEW report_links AS
        SELECT report_id, study_id FROM (
            SELECT COALESCE(g.group_id, e.record_id) AS report_id,
                   COALESCE(h.group_id, e.other_record_id) AS study_id,
                   ROW_NUMBER() OVER (PARTITION BY COALESCE(g.group_id, e.record_id)
                                      ORDER BY e.event_id DESC) AS nth
            FROM events e
            LEFT JOIN dedup_groups g ON g.record_id = e.record_id
            LEFT JOIN dedup_groups h ON h.record_id = e.other_record_id
            WHERE e.kind = 'link_report' AND {_LIVE})
        WHERE nth = 1 AND report_id <> study_id;
        CREATE VIEW included_studies AS
        WITH fulltext_stage AS (
            SELECT stage FROM screening_stages
            ORDER BY kind = 'fulltext' DESC, position DESC LIMIT 1
        ), included AS (
            SELECT COALESCE(l.study_id, w.work_id) AS study_id, w.work_id AS report_id,
                   w.decided_at
            FROM work_decisions w LEFT JOIN report_links l ON l.report_id = w.work_id
            WHERE w.stage = (SELECT stage FROM fulltext_stage) AND w.in_stage = 1
              AND w.decision = 'include'
        ), studies AS (
            SELECT study_id, json_group_array(report_id) AS reports,
                   min(decided_at) AS included_at
            FROM included GROUP BY study_id
        ), attributed AS (
            SELECT e.*, COALESCE(l.study_id, COALESCE(g.group_id, e.record_id)) AS study_id
            FROM events e LEFT JOIN dedup_groups g ON g.record_id = e.record_id
            LEFT JOIN report_links l ON l.report_id = COALESCE(g.group_id, e.record_id)
            WHERE e.kind IN ('code', 'appraisal', 'grade_override') AND {_LIVE}
        ), code_values AS (
            SELECT a.study_id, c.key AS dimension, c.value AS code,
                   ROW_NUMBER() OVER (PARTITION BY a.study_id, c.key
                                      ORDER BY a.event_id DESC) AS nth
            FROM attributed a, json_each(a.payload, '$.codes') c WHERE a.kind = 'code'
        ), ratings AS (
            SELECT a.study_id, c.key AS criterion, c.value AS rating,
                   ROW_NUMBER() OVER (PARTITION BY a.study_id, c.key
                                      ORDER BY a.event_id DESC) AS nth
            FROM attributed a, json_each(a.payload, '$.ratings') c WHERE a.kind = 'appraisal'
        ), overrides AS (
            SELECT a.study_id, a.value AS grade, a.reason AS grade_reason,
                   ROW_NUMBER() OVER (PARTITION BY a.study_id ORDER BY a.event_id DESC) AS nth
            FROM attributed a WHERE a.kind = 'grade_override'
        )
        SELECT s.study_id AS work_id, r.title, r.authors, r.year, r.journal, r.doi,
               s.reports, s.included_at,
               (SELECT json_group_object(dimension, json(code)) FROM code_values c
                WHERE c.study_id = s.study_id AND c.nth = 1 AND c.code IS NOT NULL) AS codes,
               (SELECT json_group_object(criterion, rating) FROM ratings a
                WHERE a.study_id = s.study_id AND a.nth = 1) AS ratings,
               o.grade AS grade_override, o.grade_reason
        FROM studies s
        LEFT JOIN records r ON r.record_id = s.study_id
        LEFT JOIN overrides o ON o.study_id = s.study_id AND o.nth = 1;
        CREATE VIEW source_yields AS
        WITH work_of AS (
            SELECT r.record_id, r.source_id, COALESCE(g.group_id, r.record_id) AS work_id
            FROM records r LEFT JOIN dedup_groups g ON g.record_id = r.record_id
        )
        SELECT s.source_id, s.database, s.platform, s.arm, s.method, s.file_name,
               s.searched_on, s.reported_hits, count(w.record_id) AS records,
               count(DISTINCT w.work_id) AS works,
               count(w.record_id) - count(DISTINCT w.work_id) AS duplicates_within,
               (SELECT count(DISTINCT wo.work_id) FROM work_of wo
                WHERE wo.source_id = s.source_id AND NOT EXISTS (
                    SELECT 1 FROM work_of other
                    WHERE other.work_id = wo.work_id AND other.source_id <> s.source_id))
                 AS unique_works,
               (SELECT count(DISTINCT wo.work_id) FROM work_of wo
                JOIN included_studies i ON i.work_id = wo.work_id
                WHERE wo.source_id = s.source_id) AS included_works
        FROM sources s LEFT JOIN work_of w ON w.source_id = s.source_id
        GROUP BY s.source_id;
        """,
    )

    sync_view_settings(db)


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


@MIGRATIONS()
def m007_dual_sample(db: sqlite_utils.Database) -> None:
    # m005's effective_decision_events counted every work decided once as decided in
    # dual-sample mode; only works outside the sample are. The sample is a sha256 draw SQL
    # cannot make, so it is stored (storage.dual_sample) and the view reads it.
    _run_script(
        db,
        """
        CREATE TABLE dual_sample (
            stage TEXT NOT NULL,
            work_id INTEGER NOT NULL,
            PRIMARY KEY (stage, work_id)
        ) WITHOUT ROWID;
        DROP VIEW effective_decision_events;
        CREATE VIEW effective_decision_events AS
        WITH latest AS (
            SELECT work_id, stage, max(event_id) AS event_id FROM live_screening_events
            WHERE kind = 'decision' GROUP BY work_id, stage
        ), resolved AS (
            SELECT work_id, stage, max(event_id) AS event_id FROM live_screening_events
            WHERE kind = 'resolution' GROUP BY work_id, stage
        ), agreement AS (
            SELECT work_id, stage, count(*) AS reviewers,
                   count(DISTINCT decision) AS decisions, max(decision) AS decision,
                   count(DISTINCT COALESCE(reason, '')) AS reasons, max(event_id) AS event_id
            FROM reviewer_decisions GROUP BY work_id, stage
        ), keys AS (
            SELECT work_id, stage FROM latest UNION SELECT work_id, stage FROM resolved
        ), judged AS (
            SELECT k.work_id, k.stage, COALESCE(s.mode, 'single') AS mode,
                   COALESCE(a.reviewers, 0) AS reviewers, l.event_id AS latest_id,
                   r.event_id AS resolution_id,
                   CASE WHEN a.reviewers >= 2 AND a.decisions = 1 AND NOT (
                             s.kind = 'fulltext' AND a.decision = 'exclude' AND a.reasons > 1)
                        THEN a.event_id END AS agreed_id,
                   CASE WHEN COALESCE(s.mode, 'single') = 'single' THEN 0
                        WHEN s.mode = 'dual-sample' THEN EXISTS (
                            SELECT 1 FROM dual_sample d
                            WHERE d.stage = k.stage AND d.work_id = k.work_id)
                        ELSE 1 END AS twice
            FROM keys k
            LEFT JOIN screening_stages s ON s.stage = k.stage
            LEFT JOIN latest l ON l.work_id = k.work_id AND l.stage = k.stage
            LEFT JOIN resolved r ON r.work_id = k.work_id AND r.stage = k.stage
            LEFT JOIN agreement a ON a.work_id = k.work_id AND a.stage = k.stage
        )
        SELECT work_id, stage, mode, reviewers,
               CASE
                 WHEN mode = 'single' THEN latest_id
                 WHEN resolution_id IS NOT NULL THEN resolution_id
                 WHEN NOT twice AND reviewers < 2 THEN latest_id
                 ELSE agreed_id
               END AS event_id,
               CASE
                 WHEN mode = 'single' AND latest_id IS NULL
                   THEN 'resolution without decisions'
                 WHEN mode = 'single' OR resolution_id IS NOT NULL THEN 'decided'
                 WHEN (NOT twice AND reviewers < 2) OR agreed_id IS NOT NULL THEN 'decided'
                 WHEN reviewers >= 2 THEN 'conflict'
                 ELSE 'awaiting a second reviewer'
               END AS status
        FROM judged;
        """,
    )
    sync_dual_sample(db)
