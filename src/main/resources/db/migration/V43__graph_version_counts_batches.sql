-- The graph's version counts the relay's batches and stamps repairs, so that a copy of the graph held in memory (the
-- seeds' influence graph, the circles' adjacency) sees every change that reaches Neo4j, and can tell which.
--
-- Until now the version was the highest outbox position applied. The relay applies whatever is committed and pending,
-- so a row whose transaction committed after a later one's (positions are drawn at insert, not at commit), or a row
-- that waited out a failure's backoff, or a retried dead letter, reached the graph without moving that position: a
-- copy kept answering without it until its maximum age passed. Now:
--  * sync_state.applied_batches counts the batches the relay has applied, and each applied outbox row keeps the
--    number of its batch (outbox.applied_batch), so a copy can read exactly the rows applied since it was read;
--  * sync_state.repaired_at is stamped when a reconcile repairs the graph (it writes Neo4j without the outbox).
ALTER TABLE sync_state
    ADD COLUMN applied_batches bigint NOT NULL DEFAULT 0,
    ADD COLUMN repaired_at     timestamptz;
ALTER TABLE outbox ADD COLUMN applied_batch bigint;
CREATE INDEX outbox_applied_batch ON outbox (applied_batch) WHERE applied_batch IS NOT NULL;
