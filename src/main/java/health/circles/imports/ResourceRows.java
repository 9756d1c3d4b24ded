package health.circles.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies the rows of a {@link ImportFormat#FHIR_NDJSON} import: one resource per row, each in a transaction of its
 * own, matched the way its capability matches it (by identifier) so that applying a row again changes nothing. Lives
 * above imports (package fhir implements it, so imports never depends on fhir); a row it refuses throws a
 * {@link health.circles.failure.DomainException}, which becomes that row's errors.
 */
public interface ResourceRows {

    /** What a row did. */
    enum Applied { INSERTED, UPDATED, UNCHANGED }

    /**
     * Applies one row (a JSON object) of import {@code job} in its own transaction, with an integration's rights (only
     * admins and integrations upload imports).
     */
    Applied apply(java.util.UUID job, ObjectNode row);

    /**
     * The business identifiers ({@code system|value}) a row carries or refers to: {@code identifier} elements anywhere
     * in it and {@code Type?identifier=system|value} references. How the erasure sweep recognises, by fingerprint, a
     * stored row that names a person erased on request ({@link ImportErasure}).
     */
    java.util.List<String> identifierKeys(com.fasterxml.jackson.databind.JsonNode row);

    /** Fingerprints (hex, as the erasure register makes them) of the identifiers of contacts erased on request. */
    java.util.Set<String> erasedIdentifierFingerprints();
}
