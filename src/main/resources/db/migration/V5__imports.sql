-- Bulk imports: one job per uploaded file, its committed checkpoint, and the rows it rejected.
CREATE TABLE import_job (
    id             uuid PRIMARY KEY,
    state          text        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    format         text        NOT NULL CHECK (format IN ('NDJSON', 'CSV')),
    record_type    text        CHECK (record_type IN ('contact', 'tie', 'touchpoint')),
    file_name      text        NOT NULL,
    size_bytes     bigint      NOT NULL,
    batch_size     int         NOT NULL,
    -- Rows read and settled by committed batches: a resumed job skips this many rows of the file.
    rows_done      bigint      NOT NULL DEFAULT 0,
    bytes_done     bigint      NOT NULL DEFAULT 0,
    inserted       bigint      NOT NULL DEFAULT 0,
    updated        bigint      NOT NULL DEFAULT 0,
    unchanged      bigint      NOT NULL DEFAULT 0,
    rejected       bigint      NOT NULL DEFAULT 0,
    batches        int         NOT NULL DEFAULT 0,
    error          text,
    cancel_requested boolean   NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    heartbeat_at   timestamptz,
    finished_at    timestamptz
);
CREATE INDEX import_job_open ON import_job (created_at) WHERE state IN ('QUEUED', 'RUNNING');

CREATE TABLE import_error (
    job_id uuid   NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    row_no bigint NOT NULL,
    seq    int    NOT NULL,
    field  text,
    reason text   NOT NULL,
    PRIMARY KEY (job_id, row_no, seq)
);

-- A batch outbox row carries many changes of one type (payload {"batch": [...]}); the relay sizes its graph
-- transactions by items rather than rows.
ALTER TABLE outbox ADD COLUMN items int NOT NULL DEFAULT 1;

-- Rebuilds of the graph from PostgreSQL, with their progress.
CREATE TABLE graph_rebuild (
    id          uuid PRIMARY KEY,
    state       text        NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    total       bigint      NOT NULL DEFAULT 0,
    done        bigint      NOT NULL DEFAULT 0,
    error       text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
