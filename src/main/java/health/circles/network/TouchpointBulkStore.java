package health.circles.network;

import health.circles.Sql;
import health.circles.network.TouchpointBulkWrites.Stored;
import health.circles.network.TouchpointBulkWrites.Write;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Touchpoints and their participants as a bulk import reads and writes them, a batch at a time, on the batch
 * transaction's connection: by external id, as set-based statements over arrays unnested server-side. Used through
 * {@link TouchpointBulkWrites}.
 */
@ApplicationScoped
class TouchpointBulkStore {

    private static final String LOAD = """
            SELECT t.external_id, t.id, t.channel, t.occurred_at, t.topic, t.outcome, t.campaign_id,
                   array(SELECT p.contact_id::text FROM touchpoint_participant p WHERE p.touchpoint_id = t.id
                         ORDER BY 1), t.clinical
            FROM touchpoint t WHERE t.external_id = ANY(?)""";

    /**
     * New touchpoints, and changed ones by id (their external id and creation time stay; a clinical one stays
     * clinical).
     */
    private static final String UPSERT = """
            INSERT INTO touchpoint (id, channel, occurred_at, topic, outcome, campaign_id, external_id, created_at,
                                    clinical)
            SELECT id, channel, at::timestamptz, topic, outcome, campaign, ext, created::timestamptz, clinical
            FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::text[],
                        ?::boolean[])
              AS u(id, channel, at, topic, outcome, campaign, ext, created, clinical)
            ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, occurred_at = excluded.occurred_at,
                   topic = excluded.topic, outcome = excluded.outcome, campaign_id = excluded.campaign_id,
                   clinical = touchpoint.clinical OR excluded.clinical""";

    private static final String UNLINK = "DELETE FROM touchpoint_participant WHERE touchpoint_id = ANY(?)";

    private static final String LINK = """
            INSERT INTO touchpoint_participant (touchpoint_id, contact_id)
            SELECT * FROM unnest(?::uuid[], ?::uuid[]) ON CONFLICT DO NOTHING""";

    /** The stored touchpoints with these external ids, by external id. */
    Map<String, Stored> load(Connection c, Set<String> externalIds) throws SQLException {
        Map<String, Stored> stored = new HashMap<>();
        Sql.query(c, LOAD, List.of((Object) externalIds.toArray(String[]::new)), r -> stored.put(r.getString(1),
                new Stored(r.getObject(2, UUID.class), Arrays.asList(r.getString(3), r.getTimestamp(4).toInstant(),
                        r.getString(5), r.getString(6), r.getObject(7, UUID.class),
                        List.of((String[]) r.getArray(8).getArray()), r.getBoolean(9)))));
        return stored;
    }

    /**
     * Writes the touchpoints (created at {@code now} when new) and sets their participants: a changed touchpoint's
     * previous participants are replaced.
     */
    void write(Connection c, List<Write> writes, Instant now) throws SQLException {
        upsert(c, writes, now);
        UUID[] changed = writes.stream().filter(w -> !w.created()).map(Write::id).toArray(UUID[]::new);
        if (changed.length > 0) {
            Sql.update(c, UNLINK, List.of((Object) changed));
        }
        link(c, writes);
    }

    private static void upsert(Connection c, List<Write> writes, Instant now) throws SQLException {
        int n = writes.size();
        UUID[] ids = new UUID[n];
        String[] channels = new String[n];
        String[] at = new String[n];
        String[] topics = new String[n];
        String[] outcomes = new String[n];
        UUID[] campaigns = new UUID[n];
        String[] externalIds = new String[n];
        String[] created = new String[n];
        Boolean[] clinical = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Write w = writes.get(i);
            ids[i] = w.id();
            channels[i] = w.channel();
            at[i] = w.occurredAt().toString();
            topics[i] = w.topic();
            outcomes[i] = w.outcome();
            campaigns[i] = w.campaignId();
            externalIds[i] = w.externalId();
            created[i] = now.toString();
            clinical[i] = w.clinical();
        }
        Sql.update(c, UPSERT, List.of(ids, channels, at, topics, outcomes, campaigns, externalIds, created, clinical));
    }

    private static void link(Connection c, List<Write> writes) throws SQLException {
        List<UUID> touchpoints = new ArrayList<>();
        List<UUID> contacts = new ArrayList<>();
        for (Write w : writes) {
            for (UUID contact : w.participants()) {
                touchpoints.add(w.id());
                contacts.add(contact);
            }
        }
        Sql.update(c, LINK, List.of(touchpoints.toArray(UUID[]::new), contacts.toArray(UUID[]::new)));
    }
}
