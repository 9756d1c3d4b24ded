-- The erasure register learns two things, neither of them the person's data in clear:
--  * external_id_mac: HMAC-SHA-256 of the erased contact's external id under a server-side key (circles.erasure.key),
--    so that an import row or an API write carrying that id is refused ("erased on request") instead of bringing the
--    person back. A plain hash would not do: external ids (record numbers) are short enough to enumerate.
--  * outbox_through: the outbox position of the erasure's own graph change. Outbox rows up to it may still name the
--    contact until the relay has applied them; once it has, contact.ErasureSweep deletes them and clears this column.
ALTER TABLE contact_erasure
    ADD COLUMN external_id_mac bytea,
    ADD COLUMN outbox_through  bigint;
CREATE INDEX contact_erasure_external_id ON contact_erasure (external_id_mac) WHERE external_id_mac IS NOT NULL;
CREATE INDEX contact_erasure_outbox ON contact_erasure (outbox_through) WHERE outbox_through IS NOT NULL;
