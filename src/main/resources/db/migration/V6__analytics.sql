-- Analytics runs: influence scores and communities computed by Graph Data Science in Neo4j, snapshotted per run so
-- that the read APIs page over PostgreSQL and the history of runs is kept.
CREATE TABLE analytics_run (
    id               uuid PRIMARY KEY,
    state            text        NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    trigger          text        NOT NULL CHECK (trigger IN ('API', 'SCHEDULE', 'GRAPH_CHANGE')),
    algorithm        text        NOT NULL CHECK (algorithm IN ('LEIDEN', 'LOUVAIN')),
    parameters       jsonb       NOT NULL,
    phase            text        NOT NULL,
    percent          int         NOT NULL DEFAULT 0,
    timings          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    quality          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    node_count       bigint,
    tie_count        bigint,
    modularity       double precision,
    level_count      int,
    memory_estimate  bigint,
    outbox_position  bigint      NOT NULL,
    error            text,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz
);
-- At most one run at a time, across every replica (the runner also holds an advisory lock while it works).
CREATE UNIQUE INDEX analytics_run_one_running ON analytics_run ((true)) WHERE state = 'RUNNING';
CREATE INDEX analytics_run_started ON analytics_run (started_at DESC, id DESC);
CREATE INDEX analytics_run_succeeded ON analytics_run (finished_at DESC) WHERE state = 'SUCCEEDED';

-- Community ids are public and stable: a community keeps its id from run to run while it stays the same group.
CREATE SEQUENCE analytics_community_id;

-- Per run and contact: the scores, and the rank by each of them (1 = most influential).
CREATE TABLE analytics_score (
    run_id           uuid             NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
    contact_id       uuid             NOT NULL,
    kind             text             NOT NULL,
    pagerank         double precision NOT NULL,
    betweenness      double precision NOT NULL,
    degree           double precision NOT NULL,
    strength         double precision NOT NULL,
    rank_pagerank    int              NOT NULL,
    rank_betweenness int              NOT NULL,
    rank_degree      int              NOT NULL,
    rank_strength    int              NOT NULL,
    community_id     bigint           NOT NULL,
    PRIMARY KEY (run_id, contact_id)
);
CREATE INDEX analytics_score_pagerank ON analytics_score (run_id, rank_pagerank);
CREATE INDEX analytics_score_betweenness ON analytics_score (run_id, rank_betweenness);
CREATE INDEX analytics_score_degree ON analytics_score (run_id, rank_degree);
CREATE INDEX analytics_score_strength ON analytics_score (run_id, rank_strength);

-- Per run: which community a contact belongs to at each level (0 = coarsest). Primary memberships come from the
-- algorithm; secondary ones from the share of the contact's tie strength that another community holds.
CREATE TABLE analytics_membership (
    run_id       uuid             NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
    contact_id   uuid             NOT NULL,
    level        int              NOT NULL,
    community_id bigint           NOT NULL,
    is_primary   boolean          NOT NULL,
    share        double precision,
    PRIMARY KEY (run_id, contact_id, community_id)
);
CREATE INDEX analytics_membership_community ON analytics_membership (run_id, community_id, is_primary, contact_id);

-- Per run: each community's summary.
CREATE TABLE analytics_community (
    run_id                  uuid             NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
    id                      bigint           NOT NULL,
    level                   int              NOT NULL,
    parent_id               bigint,
    size                    int              NOT NULL,
    internal_ties           bigint           NOT NULL,
    internal_strength       double precision NOT NULL,
    external_strength       double precision NOT NULL,
    density                 double precision NOT NULL,
    modularity_contribution double precision NOT NULL,
    kind_mix                jsonb            NOT NULL,
    languages               jsonb            NOT NULL,
    postal_codes            jsonb            NOT NULL,
    PRIMARY KEY (run_id, id)
);
CREATE INDEX analytics_community_level ON analytics_community (run_id, level, size DESC, id);

-- Per run and level: the strength and number of ties between two communities (a < b).
CREATE TABLE analytics_community_link (
    run_id   uuid             NOT NULL REFERENCES analytics_run (id) ON DELETE CASCADE,
    level    int              NOT NULL,
    a        bigint           NOT NULL,
    b        bigint           NOT NULL,
    ties     bigint           NOT NULL,
    strength double precision NOT NULL,
    PRIMARY KEY (run_id, a, b)
);
CREATE INDEX analytics_community_link_b ON analytics_community_link (run_id, b);
