package health.circles.outreach;

import health.circles.Sql;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who-should-know-whom in PostgreSQL: the decisions on suggested pairs (dismissed or accepted, stored once per pair),
 * and what the pairing rules read of the candidates (kind, tags, do-not-contact).
 */
@ApplicationScoped
public class SuggestionStore {

    private final AgroalDataSource dataSource;

    SuggestionStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The contacts a contact was already decided about, either way round: never proposed to it again. */
    List<UUID> decided(UUID contact) {
        return Sql.query(dataSource, """
                SELECT CASE WHEN low_id = ? THEN high_id ELSE low_id END FROM tie_suggestion_decision
                WHERE low_id = ? OR high_id = ?""", List.of(contact, contact, contact),
                r -> r.getObject(1, UUID.class));
    }

    /**
     * Records a decision on the pair (one row per pair, the latest decision wins: an accepted pair stays accepted
     * with its tie unless accepted again).
     */
    void decide(UUID askedFor, UUID other, String decision, UUID tie, String measure, Double score, String by,
                Instant at) {
        // PostgreSQL orders uuids by their bytes, unsigned; UUID.compareTo compares signed longs. The canonical text
        // (lower-case hex, fixed length) orders as PostgreSQL does.
        UUID low = askedFor.toString().compareTo(other.toString()) < 0 ? askedFor : other;
        UUID high = low == askedFor ? other : askedFor;
        Sql.update(dataSource, """
                INSERT INTO tie_suggestion_decision
                    (low_id, high_id, decision, asked_for, tie_id, measure, score, decided_by, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (low_id, high_id) DO UPDATE SET decision = excluded.decision, asked_for = excluded.asked_for,
                    tie_id = coalesce(excluded.tie_id, tie_suggestion_decision.tie_id), measure = excluded.measure,
                    score = excluded.score, decided_by = excluded.decided_by, decided_at = excluded.decided_at
                WHERE tie_suggestion_decision.decision <> 'ACCEPTED' OR excluded.decision = 'ACCEPTED'""",
                Arrays.asList(low, high, decision, askedFor, orNull(tie), orNull(measure), orNull(score), by,
                        Timestamp.from(at)));
    }

    private static Object orNull(Object value) {
        return value == null ? Sql.NULL : value;
    }

    /** A contact as the pairing rules see it. */
    record Profile(UUID id, String kind, Set<String> tags, boolean doNotContact) {
    }

    Map<UUID, Profile> profiles(List<UUID> ids) {
        Map<UUID, Profile> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Sql.query(dataSource, "SELECT id, kind, tags, do_not_contact FROM contact WHERE id = ANY(?::uuid[])",
                List.of((Object) ids.toArray(new UUID[0])), r -> {
                    java.sql.Array tags = r.getArray(3);
                    Set<String> set = tags == null ? Set.of()
                            : Arrays.stream((String[]) tags.getArray()).collect(Collectors.toSet());
                    UUID id = r.getObject(1, UUID.class);
                    out.put(id, new Profile(id, r.getString(2), set, r.getBoolean(4)));
                    return null;
                });
        return out;
    }

    /** Forgets a contact's decisions (erasure). */
    void forget(UUID contact) {
        Sql.update(dataSource, "DELETE FROM tie_suggestion_decision WHERE low_id = ? OR high_id = ?",
                List.of(contact, contact));
    }
}
