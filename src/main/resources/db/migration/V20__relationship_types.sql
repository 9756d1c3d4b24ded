-- Relationship types: the registry that a tie's type names. Each type reads "from FORWARD_NAME to" and, from the
-- other end, "to REVERSE_NAME from" (a PARENT_OF tie from Ann to Bob: Ann is PARENT_OF Bob, Bob is CHILD_OF Ann).
-- Built-in types are the ones the code relies on (network.TieType); admins add others. The codes of the former
-- fixed list are kept, so existing ties keep their type in both stores unchanged.
CREATE TABLE relationship_type (
    code           text             PRIMARY KEY
                                    CHECK (code ~ '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$' AND length(code) <= 40),
    forward_name   text             NOT NULL
                                    CHECK (forward_name ~ '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$' AND length(forward_name) <= 40),
    reverse_name   text             NOT NULL
                                    CHECK (reverse_name ~ '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$' AND length(reverse_name) <= 40),
    -- Contact kinds that may stand at each end (network.RelationshipType.allows).
    from_kinds     text[]           NOT NULL CHECK (cardinality(from_kinds) > 0),
    to_kinds       text[]           NOT NULL CHECK (cardinality(to_kinds) > 0),
    -- SYMMETRIC is a reserved word in PostgreSQL, hence the quotes (as on tie).
    "symmetric"    boolean          NOT NULL,
    -- Only built-in types may grant access (TREATS): the access check reads network.TieType, never this column, so a
    -- row added at run time can never widen what anyone sees of a record.
    grants_access  boolean          NOT NULL DEFAULT false,
    -- The declared strength (0..1, as tie.declared_strength) a new tie of this type gets when its writer states none.
    default_weight double precision NOT NULL CHECK (default_weight BETWEEN 0 AND 1),
    description    text             CHECK (description IS NULL OR length(description) <= 500),
    built_in       boolean          NOT NULL,
    created_by     text,
    created_at     timestamptz      NOT NULL,
    updated_at     timestamptz      NOT NULL,
    version        bigint           NOT NULL DEFAULT 0,
    CHECK (NOT grants_access OR built_in),
    CHECK (NOT "symmetric" OR reverse_name = forward_name),
    CHECK (from_kinds <@ ARRAY ['PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN',
                                'COMMUNITY_LEADER', 'ORGANIZATION']),
    CHECK (to_kinds <@ ARRAY ['PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN',
                              'COMMUNITY_LEADER', 'ORGANIZATION'])
);

-- The built-in types. The first eleven are the former fixed list, with the same kinds, direction and default
-- declared strength (0.5), so validation, access and analytics answer as before. The family and care vocabulary
-- after them is what EHRs send (HL7 v3 RoleCode, v2-0131; docs/relationship-types.md maps each code).
WITH kind_set(name, kinds) AS (VALUES
    ('people', ARRAY ['PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN', 'COMMUNITY_LEADER']),
    ('anyone', ARRAY ['PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN', 'COMMUNITY_LEADER',
                      'ORGANIZATION']),
    ('clinicians', ARRAY ['PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN']),
    ('patients', ARRAY ['PATIENT']),
    ('referrers', ARRAY ['PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN', 'COMMUNITY_LEADER', 'ORGANIZATION']),
    ('referees', ARRAY ['PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN', 'ORGANIZATION']),
    ('organisations', ARRAY ['ORGANIZATION'])),
built_in(code, forward_name, reverse_name, from_set, to_set, sym, grants, description) AS (VALUES
    ('FAMILY_OF', 'FAMILY_OF', 'FAMILY_OF', 'people', 'people', true, false,
     'Kin, where the exact relationship is not known or not one of the family types below'),
    ('CARES_FOR', 'CARES_FOR', 'CARED_FOR_BY', 'anyone', 'people', false, false,
     'Someone (a caregiver, a relative, a home-care agency) looks after a person'),
    ('FRIEND_OF', 'FRIEND_OF', 'FRIEND_OF', 'people', 'people', true, false, 'Friends'),
    ('NEIGHBOR_OF', 'NEIGHBOR_OF', 'NEIGHBOR_OF', 'people', 'people', true, false, 'Neighbours'),
    ('TREATS', 'TREATS', 'TREATED_BY', 'clinicians', 'patients', false, true,
     'A clinician treats a patient; grants the clinician the patient''s whole record once asserted or confirmed'),
    ('REFERS_TO', 'REFERS_TO', 'REFERRED_BY', 'referrers', 'referees', false, false,
     'Clinicians and services refer patients on, to clinicians or to services (a clinic, a food bank)'),
    ('COLLEAGUE_OF', 'COLLEAGUE_OF', 'COLLEAGUE_OF', 'people', 'people', true, false, 'Colleagues'),
    ('MEMBER_OF', 'MEMBER_OF', 'HAS_MEMBER', 'people', 'organisations', false, false,
     'Membership of a congregation, an association, a practice''s patient list'),
    ('WORKS_AT', 'WORKS_AT', 'EMPLOYS', 'people', 'organisations', false, false, 'Works at an organisation'),
    ('LEADS', 'LEADS', 'LED_BY', 'people', 'organisations', false, false, 'Leads an organisation'),
    ('FOLLOWS_ONLINE', 'FOLLOWS_ONLINE', 'FOLLOWED_ONLINE_BY', 'anyone', 'anyone', false, false,
     'Follows someone''s online presence; the weakest kind of tie'),
    ('PARENT_OF', 'PARENT_OF', 'CHILD_OF', 'people', 'people', false, false,
     'A parent (mother, father, step-, foster or adoptive parent) of a person'),
    ('SPOUSE_OF', 'SPOUSE_OF', 'SPOUSE_OF', 'people', 'people', true, false,
     'Spouse, husband, wife or domestic partner'),
    ('SIBLING_OF', 'SIBLING_OF', 'SIBLING_OF', 'people', 'people', true, false,
     'Brother or sister, half- and step-siblings included'),
    ('GRANDPARENT_OF', 'GRANDPARENT_OF', 'GRANDCHILD_OF', 'people', 'people', false, false,
     'A grandparent of a person'),
    ('GUARDIAN_OF', 'GUARDIAN_OF', 'WARD_OF', 'anyone', 'people', false, false,
     'A legal guardian of a person (a person or an organisation); grants no access to the record by itself'),
    ('EMERGENCY_CONTACT_FOR', 'EMERGENCY_CONTACT_FOR', 'HAS_EMERGENCY_CONTACT', 'anyone', 'people', false, false,
     'Whom to call in an emergency about a person')
)
INSERT INTO relationship_type (code, forward_name, reverse_name, from_kinds, to_kinds, "symmetric", grants_access,
                               default_weight, description, built_in, created_by, created_at, updated_at)
SELECT b.code, b.forward_name, b.reverse_name, f.kinds, t.kinds, b.sym, b.grants, 0.5, b.description, true,
       'migration:V20', now(), now()
FROM built_in b
JOIN kind_set f ON f.name = b.from_set
JOIN kind_set t ON t.name = b.to_set;

-- A tie's type is a registered code: the fixed list's CHECK gives way to a foreign key, which also keeps a type in
-- use from being deleted (the delete fails; the service answers 409).
ALTER TABLE tie DROP CONSTRAINT tie_type_check;
ALTER TABLE tie ADD CONSTRAINT tie_type_fkey FOREIGN KEY (type) REFERENCES relationship_type (code);
