-- Campaigns: a segment approached on one channel through seeds; each target's outcome is kept, and each outcome is
-- also a touchpoint (touchpoint.campaign_id), so responses feed tie strength by the network's rules.
CREATE TABLE campaign (
    id                 uuid PRIMARY KEY,
    name               text             NOT NULL,
    segment_id         uuid             NOT NULL REFERENCES segment (id),
    channel            text             NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PHONE', 'MAIL', 'IN_PERSON')),
    state              text             NOT NULL CHECK (state IN ('ACTIVE', 'CLOSED')),
    hops               int              NOT NULL CHECK (hops BETWEEN 1 AND 3),
    include_unknown    boolean          NOT NULL,
    predicted_coverage double precision CHECK (predicted_coverage BETWEEN 0 AND 1),
    excluded           jsonb            NOT NULL,
    created_by         text,
    created_at         timestamptz      NOT NULL,
    updated_at         timestamptz      NOT NULL,
    closed_at          timestamptz
);
CREATE INDEX campaign_sort ON campaign (created_at DESC, id DESC);
CREATE INDEX campaign_segment ON campaign (segment_id);

-- The people the campaign starts from, with what the seed model expected each to reach.
CREATE TABLE campaign_seed (
    campaign_id    uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    contact_id     uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    expected_reach int CHECK (expected_reach >= 0),
    position       int  NOT NULL,
    PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_seed_contact ON campaign_seed (contact_id);

-- The consenting members of the segment when the campaign started, each with where it stands. PENDING contacts are
-- the campaign's pending list; an opt-out anywhere takes a contact off every pending list (REMOVED).
CREATE TABLE campaign_target (
    campaign_id uuid        NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    contact_id  uuid        NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    status      text        NOT NULL CHECK (status IN ('PENDING', 'REACHED', 'RESPONDED', 'DECLINED', 'OPTED_OUT',
                                                       'REMOVED')),
    reason      text,
    sort_name   text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_target_pending ON campaign_target (campaign_id, status, sort_name, contact_id);
CREATE INDEX campaign_target_contact ON campaign_target (contact_id, status);

-- Every outcome recorded, with who reached the contact and the touchpoint it became.
CREATE TABLE campaign_outcome (
    id            uuid PRIMARY KEY,
    campaign_id   uuid        NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    contact_id    uuid        NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    outcome       text        NOT NULL CHECK (outcome IN ('REACHED', 'RESPONDED', 'DECLINED', 'OPTED_OUT')),
    via           uuid        REFERENCES contact (id) ON DELETE SET NULL,
    touchpoint_id uuid        REFERENCES touchpoint (id) ON DELETE SET NULL,
    occurred_at   timestamptz NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX campaign_outcome_campaign ON campaign_outcome (campaign_id, contact_id);
CREATE INDEX campaign_outcome_contact ON campaign_outcome (contact_id);
CREATE INDEX campaign_outcome_via ON campaign_outcome (via);
