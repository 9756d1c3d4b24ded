-- Community names (docs/map.md, "Community names"). One row per stable community id (analytics_community ids survive
-- from run to run, CommunityIdentity), so a name staff chose follows the community across runs. The generated name
-- and its facts are those of the last run named; custom_name, when set, is what every reader shows.
CREATE TABLE analytics_community_name (
    community_id   bigint      PRIMARY KEY,
    level          int         NOT NULL,
    generated_name text        NOT NULL,
    summary        text        NOT NULL,
    -- What the name was made of: [{category, value, ref, count, share, networkShare, lift}], most telling first.
    facts          jsonb       NOT NULL DEFAULT '[]',
    named_run      uuid        REFERENCES analytics_run (id) ON DELETE SET NULL,
    custom_name    text        CHECK (custom_name IS NULL OR length(custom_name) BETWEEN 1 AND 80),
    renamed_by     text,
    renamed_at     timestamptz,
    version        bigint      NOT NULL DEFAULT 1
);
CREATE INDEX analytics_community_name_facts ON analytics_community_name USING gin (facts jsonb_path_ops);

-- The runs whose communities have been named: naming happens once per run, after it or on the first read.
CREATE TABLE analytics_community_naming (
    run_id   uuid        PRIMARY KEY REFERENCES analytics_run (id) ON DELETE CASCADE,
    named_at timestamptz NOT NULL
);
