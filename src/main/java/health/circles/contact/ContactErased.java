package health.circles.contact;

import java.util.UUID;

/**
 * Fired inside the erasure transaction, before the contact's row goes: every package that keeps data derived from a
 * contact (ties, touchpoints, analytics snapshots, segment memberships) observes it synchronously
 * ({@code @Observes ContactErased}) and removes or anonymises that data in the same transaction, so an erasure is all
 * or nothing. Graph changes go through the outbox, never straight to Neo4j, so erasure works while Neo4j is down.
 */
public record ContactErased(UUID contactId) {
}
