-- Import jobs are leased: the replica that claims a job takes a new fencing token, and every checkpoint, heartbeat
-- and finish is accepted only with the current token, so that a replica which lost its job (it stalled past the
-- lease, another took over) can no longer move the job on or count a batch twice. Lease times are the database's
-- clock (now()), never a replica's.
ALTER TABLE import_job ADD COLUMN lease_token bigint NOT NULL DEFAULT 0;
ALTER TABLE import_job ADD COLUMN lease_owner text;
-- Every replica that held the job, in order, with the token it held: who imported what when a job was taken over.
ALTER TABLE import_job ADD COLUMN lease_history jsonb NOT NULL DEFAULT '[]';
