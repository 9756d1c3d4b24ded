-- A community's detail (GET /communities/{id}) is written with the run's snapshot instead of being computed on its
-- first read (200 to 400 ms per community at 100k contacts): per community, how many secondary members it has and the
-- communities it is most tied to (ids, ties and strength, strongest first; their sizes are read with the detail, as
-- erasure changes them), and, one row each, its members by PageRank, its bridging members by betweenness and its
-- secondary members by share with their primary community, a few more of each than the detail shows. Only ids: names,
-- kinds and scores are joined when read. Erasure deletes a contact's rows here and takes one off secondary_count.
-- secondary_count is null for runs written before this: their details answer 409 until the next run.
ALTER TABLE analytics_community
    ADD COLUMN secondary_count  bigint,
    ADD COLUMN bridges          bigint[],
    ADD COLUMN bridge_ties      bigint[],
    ADD COLUMN bridge_strengths double precision[];

-- A community's children (the finer communities whose parent it is), largest first, without reading the run's others.
CREATE INDEX analytics_community_parent ON analytics_community (run_id, parent_id, size DESC, id);

CREATE TABLE analytics_community_member (
    run_id            uuid    NOT NULL,
    community_id      bigint  NOT NULL,
    list              text    NOT NULL CHECK (list IN ('top', 'bridging', 'secondary')),
    position          int     NOT NULL,
    contact_id        uuid    NOT NULL,
    share             double precision,
    primary_community bigint,
    PRIMARY KEY (run_id, community_id, list, position)
);
-- Erasure deletes a contact's rows across every kept run.
CREATE INDEX analytics_community_member_contact ON analytics_community_member (contact_id);
