-- A run's snapshot (scores, memberships, communities, links: about 900,000 rows at 100k contacts and 1M ties) is
-- loaded with COPY in the run's own transaction. The foreign key of each row to analytics_run made PostgreSQL check
-- and key-share-lock the same run row once per row, about half of the COPY's time. Only the runner writes these rows,
-- for the run it has just recorded, and run rows are never deleted (old snapshots are pruned by run id, the run's
-- history row stays), so the key guarded nothing that can happen; the indexes on run_id stay.
ALTER TABLE analytics_score DROP CONSTRAINT IF EXISTS analytics_score_run_id_fkey;
ALTER TABLE analytics_membership DROP CONSTRAINT IF EXISTS analytics_membership_run_id_fkey;
ALTER TABLE analytics_community DROP CONSTRAINT IF EXISTS analytics_community_run_id_fkey;
ALTER TABLE analytics_community_link DROP CONSTRAINT IF EXISTS analytics_community_link_run_id_fkey;
