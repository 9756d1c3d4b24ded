-- A community's detail (GET /communities/{id}) is written with the run's snapshot instead of being computed on its
-- first read (200 to 400 ms per community at 100k contacts): per community, how many secondary members it has, the
-- communities it is most tied to (ids, ties and strength, strongest first; their sizes are read with the detail, as
-- erasure changes them), and its members by PageRank, its bridging members by betweenness and its secondary members
-- by share, in order, a few more of each than the detail shows. Only ids: names, kinds, scores and shares are joined
-- when read. Erasure takes the contact out of these lists and off secondary_count. secondary_count is null for runs
-- written before this: their details answer 409 until the next run.
ALTER TABLE analytics_community
    ADD COLUMN secondary_count   bigint,
    ADD COLUMN bridges           bigint[],
    ADD COLUMN bridge_ties       bigint[],
    ADD COLUMN bridge_strengths  double precision[],
    ADD COLUMN top_members       uuid[],
    ADD COLUMN bridging_members  uuid[],
    ADD COLUMN secondary_members uuid[];

-- A community's children (the finer communities whose parent it is), largest first, without reading the run's others.
CREATE INDEX analytics_community_parent ON analytics_community (run_id, parent_id, size DESC, id);
