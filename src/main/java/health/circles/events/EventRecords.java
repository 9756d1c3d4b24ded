package health.circles.events;

import java.util.Optional;
import java.util.UUID;

/**
 * What a capability tells webhooks that include records: its records of one subject kind, read whole (only
 * subscriptions whose owner's roles read whole records ask). The owner of the table implements it (contact for
 * contacts) so that package events depends on none of them.
 */
public interface EventRecords {

    /** The subject kind whose records this reads ({@code contact}). */
    String kind();

    /** The record as a whole-record reader sees it now; empty when it no longer exists (deleted, erased). */
    Optional<Object> read(UUID id);
}
