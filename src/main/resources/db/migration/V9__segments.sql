-- Segments: saved, named queries over contacts. The filter is kept as JSON (SegmentFilter); members are computed
-- when asked, over the contacts and the latest analytics snapshot, with consent applied for the chosen channel.
CREATE TABLE segment (
    id              uuid PRIMARY KEY,
    name            text        NOT NULL,
    description     text,
    filter          jsonb       NOT NULL,
    include_unknown boolean     NOT NULL DEFAULT false,
    created_by      text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL
);
CREATE UNIQUE INDEX segment_name_unique ON segment (lower(name));
CREATE INDEX segment_sort ON segment (name, id);
-- Erasure finds the segments anchored at a contact ("tie to a given contact within k hops").
CREATE INDEX segment_tie_anchor ON segment ((filter -> 'tieTo' ->> 'contactId'));
