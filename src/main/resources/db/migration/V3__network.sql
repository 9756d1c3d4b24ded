-- Ties: typed, dated, weighted relationships between contacts. Every tie is kept, ended ones included (history).
CREATE TABLE tie (
    id                uuid PRIMARY KEY,
    from_id           uuid             NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    to_id             uuid             NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    type              text             NOT NULL CHECK (type IN ('FAMILY_OF', 'CARES_FOR', 'FRIEND_OF', 'NEIGHBOR_OF',
                                                                'TREATS', 'REFERS_TO', 'COLLEAGUE_OF', 'MEMBER_OF',
                                                                'WORKS_AT', 'LEADS', 'FOLLOWS_ONLINE')),
    is_symmetric      boolean          NOT NULL,
    since             date,
    until             date,
    declared_strength double precision NOT NULL CHECK (declared_strength BETWEEN 0 AND 1),
    strength          double precision NOT NULL CHECK (strength >= 0),
    source            text             NOT NULL CHECK (source IN ('MANUAL', 'IMPORT', 'FHIR', 'TOUCHPOINT')),
    notes             text,
    external_id       text UNIQUE,
    created_at        timestamptz      NOT NULL,
    updated_at        timestamptz      NOT NULL,
    version           bigint           NOT NULL,
    CHECK (from_id <> to_id),
    CHECK (until IS NULL OR since IS NULL OR until >= since)
);
-- One open tie of a type between two contacts; for symmetric types A-B and B-A are the same tie.
CREATE UNIQUE INDEX tie_open_unique ON tie (
    type,
    (CASE WHEN is_symmetric THEN least(from_id, to_id) ELSE from_id END),
    (CASE WHEN is_symmetric THEN greatest(from_id, to_id) ELSE to_id END)) WHERE until IS NULL;
CREATE INDEX tie_from ON tie (from_id);
CREATE INDEX tie_to ON tie (to_id);

-- Touchpoints: interactions between two or more contacts; they feed tie strength.
CREATE TABLE touchpoint (
    id          uuid PRIMARY KEY,
    channel     text        NOT NULL CHECK (channel IN ('IN_PERSON', 'HOME_VISIT', 'EVENT', 'PHONE', 'VIDEO', 'PORTAL',
                                                        'SMS', 'EMAIL', 'SOCIAL')),
    occurred_at timestamptz NOT NULL,
    topic       text,
    outcome     text,
    clinical    boolean     NOT NULL DEFAULT false,
    campaign_id uuid,
    external_id text UNIQUE,
    created_at  timestamptz NOT NULL
);
CREATE INDEX touchpoint_occurred ON touchpoint (occurred_at, id);
CREATE INDEX touchpoint_campaign ON touchpoint (campaign_id) WHERE campaign_id IS NOT NULL;

CREATE TABLE touchpoint_participant (
    touchpoint_id uuid NOT NULL REFERENCES touchpoint (id) ON DELETE CASCADE,
    contact_id    uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    PRIMARY KEY (touchpoint_id, contact_id)
);
CREATE INDEX touchpoint_participant_contact ON touchpoint_participant (contact_id, touchpoint_id);
