-- A rebuild's row says RUNNING until the rebuild ends it. A process that died mid-rebuild (a deploy, out of memory)
-- left it RUNNING for good, and every later rebuild was refused as "already running". The running rebuild now beats
-- (at its start and at every slice it wipes or batch it loads); a RUNNING row that has not beaten for a while is
-- taken for what it is, a rebuild nobody runs any more, and the next start ends it as FAILED.
ALTER TABLE graph_rebuild ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
