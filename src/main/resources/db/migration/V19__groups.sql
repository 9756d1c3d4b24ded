-- Groups: households, care teams, congregations, clinics' patient panels, support groups. A group is a record of its
-- own (a kind, a name, members with roles and dates); memberships are kept as history: ending one sets until.
-- ("group" is a reserved word, hence contact_group.)
CREATE TABLE contact_group (
    id                uuid PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('HOUSEHOLD', 'CARE_TEAM', 'CONGREGATION', 'CLINIC_PANEL',
                                                           'SUPPORT_GROUP', 'OTHER')),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description       text,
    external_id       text UNIQUE,
    -- The organisation that manages the group (a contact of kind ORGANIZATION); an erased or deleted one leaves none.
    managing_org_id   uuid REFERENCES contact (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    version           bigint      NOT NULL
);
CREATE INDEX contact_group_kind ON contact_group (kind, id);
CREATE INDEX contact_group_updated ON contact_group (updated_at);
CREATE INDEX contact_group_managing_org ON contact_group (managing_org_id) WHERE managing_org_id IS NOT NULL;
-- Name search: case-insensitive substring, ILIKE (pg_trgm is created by V1).
CREATE INDEX contact_group_name_trgm ON contact_group USING gin (name gin_trgm_ops);

CREATE TABLE group_membership (
    id          uuid PRIMARY KEY,
    group_id    uuid        NOT NULL REFERENCES contact_group (id) ON DELETE CASCADE,
    -- NULL once the member was erased on request: the row stays as an anonymous, ended place in the group's history.
    contact_id  uuid REFERENCES contact (id) ON DELETE CASCADE,
    role        text        NOT NULL CHECK (role ~ '^[a-z][a-z_]{0,39}$'),
    since       date,
    until       date,
    erased      boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL,
    CHECK (until IS NULL OR since IS NULL OR until >= since),
    CHECK (erased = (contact_id IS NULL))
);
-- One open membership of a contact in a group: a change of role is an update, a new spell after an end a new row.
CREATE UNIQUE INDEX group_membership_open_unique ON group_membership (group_id, contact_id)
    WHERE until IS NULL AND contact_id IS NOT NULL;
CREATE INDEX group_membership_group ON group_membership (group_id, id);
CREATE INDEX group_membership_contact ON group_membership (contact_id, group_id) WHERE contact_id IS NOT NULL;
