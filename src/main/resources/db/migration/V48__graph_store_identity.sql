-- The graph store the relay has been applying the outbox to, by the id Neo4j gives the database (db.info()).
-- PostgreSQL marks a change applied once the graph holds it, so a graph store that is replaced (an emptied or new
-- data directory, another server) holds none of those changes while PostgreSQL still counts them as applied. At its
-- first drain the relay reads the store's id: when it is not the one recorded here, the graph is rebuilt from
-- PostgreSQL before anything else is applied to it, and a successful rebuild records the store it filled.
-- NULL until the first drain after this migration (a graph kept from before is taken as it is, unless it is empty
-- while PostgreSQL holds contacts).
ALTER TABLE sync_state ADD COLUMN graph_store_id text;
