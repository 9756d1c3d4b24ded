-- Who-should-know-whom: decisions on suggested ties (docs/outreach.md, "Who should know whom"). A pair is stored once,
-- lower contact id first, so that a dismissal holds whichever of the two is asked about. An accepted suggestion keeps
-- the tie it created (the tie's provenance: which measure proposed it, with what score, who accepted it).
CREATE TABLE tie_suggestion_decision (
    low_id      uuid             NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    high_id     uuid             NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    decision    text             NOT NULL CHECK (decision IN ('ACCEPTED', 'DISMISSED')),
    asked_for   uuid             NOT NULL,
    tie_id      uuid,
    measure     text,
    score       double precision,
    decided_by  text             NOT NULL,
    decided_at  timestamptz      NOT NULL,
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);
CREATE INDEX tie_suggestion_decision_high ON tie_suggestion_decision (high_id);
