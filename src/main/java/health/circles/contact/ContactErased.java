package health.circles.contact;

import java.util.UUID;

/**
 * Fired inside the erasure transaction, before the contact's row goes: every package that keeps data derived from a
 * contact (ties, touchpoints, analytics snapshots, segment memberships) observes it synchronously
 * ({@code @Observes ContactErased}) and removes or anonymises that data in the same transaction, so an erasure is all
 * or nothing. Graph changes go through the outbox, never straight to Neo4j, so erasure works while Neo4j is down.
 */
public record ContactErased(UUID contactId, String externalId, String givenName, String familyName) {

    /**
     * What the contact was known by, for observers that must find it in free text (import row errors): its id, its
     * external id and its names. Only for searching and scrubbing inside the erasure; never to be stored or logged.
     */
    public java.util.List<String> identifiers() {
        return java.util.stream.Stream.of(contactId.toString(), externalId, givenName, familyName)
                .filter(s -> s != null && !s.isBlank()).map(String::strip).toList();
    }
}
