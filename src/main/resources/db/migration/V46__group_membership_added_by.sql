-- Who added a member to an existing group (the token's subject), for the rule that a clinician sees a group whole
-- through a current member they see whole: a member they added themselves does not count for them, or adding one of
-- their patients to any group would open it (and its description, which may say why a care team exists) to them.
-- Members a group was created with, and memberships written before this column, have none: they count.
ALTER TABLE group_membership ADD COLUMN added_by text;
