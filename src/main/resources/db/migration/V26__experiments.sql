-- Experiments: a campaign whose target communities (of one analytics run, at one level) were assigned at random to
-- seeding strategies (arms), stratified by size, from a stored random seed so that the assignment can be reproduced.
-- Outcomes are the campaign's own (campaign_outcome); these tables keep the assignment and who was a seed where.

-- An experiment's targets are its communities' consenting members, not a saved segment's.
ALTER TABLE campaign ALTER COLUMN segment_id DROP NOT NULL;

CREATE TABLE campaign_experiment (
    campaign_id uuid PRIMARY KEY REFERENCES campaign (id) ON DELETE CASCADE,
    -- The analytics run whose communities were assigned; no foreign key, the assignment outlives the run's retention.
    run_id      uuid   NOT NULL,
    level       int    NOT NULL CHECK (level >= 0),
    arms        text[] NOT NULL,
    k           int    NOT NULL CHECK (k BETWEEN 1 AND 50),
    random_seed bigint NOT NULL
);

-- One row per assigned community: its size (primary members at the level) when assigned, its stratum (block of
-- similar-sized communities, one per arm) and its arm.
CREATE TABLE experiment_community (
    campaign_id  uuid   NOT NULL REFERENCES campaign_experiment (campaign_id) ON DELETE CASCADE,
    community_id bigint NOT NULL,
    size         int    NOT NULL CHECK (size >= 0),
    stratum      int    NOT NULL CHECK (stratum >= 0),
    arm          text   NOT NULL,
    PRIMARY KEY (campaign_id, community_id)
);

-- The targets and seeds of an experiment with the community (hence the arm) each belongs to.
CREATE TABLE experiment_member (
    campaign_id  uuid    NOT NULL REFERENCES campaign_experiment (campaign_id) ON DELETE CASCADE,
    contact_id   uuid    NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    community_id bigint  NOT NULL,
    target       boolean NOT NULL,
    seed         boolean NOT NULL,
    PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX experiment_member_contact ON experiment_member (contact_id);
