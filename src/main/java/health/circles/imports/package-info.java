/**
 * Bulk imports of contacts, ties and touchpoints ({@code POST /api/v1/imports}), run as resumable background jobs.
 *
 * <h2>Formats</h2>
 * <ul>
 * <li><b>NDJSON</b> ({@code Content-Type: application/x-ndjson}): one JSON object per line, its {@code "record"}
 * field {@code contact}, {@code tie} or {@code touchpoint}; the other fields are those of the APIs' inputs:
 * <pre>
 * {"record":"contact","externalId":"c-1","kind":"PATIENT","givenName":"Ana","familyName":"Lopez","consent":{"SMS":{"status":"GRANTED"}}}
 * {"record":"tie","externalId":"t-1","from":"c-2","to":"c-1","type":"TREATS","since":"2024-01-31","declaredStrength":0.6}
 * {"record":"touchpoint","externalId":"p-1","channel":"PHONE","occurredAt":"2025-03-01T10:00:00Z","participants":["c-1","c-2"]}
 * </pre></li>
 * <li><b>CSV</b> ({@code Content-Type: text/csv}): a header row, then one record per row. One file per record type
 * with {@code ?type=contact|tie|touchpoint}, or a {@code record} column saying it per row. Columns are the NDJSON
 * field names; lists ({@code languages}, {@code specialties}, {@code tags}, {@code participants}) are joined with
 * {@code |}; consent is one column per channel, {@code consent.EMAIL} … {@code consent.IN_PERSON}, holding the
 * status. Empty cells are absent values. An unknown column refuses the file before a job starts.</li>
 * <li><b>FHIR NDJSON</b> ({@code Content-Type: application/fhir+ndjson}): one FHIR R4 resource per line, applied row
 * by row, each in its own transaction, by the {@link health.circles.imports.ResourceRows} the service provides (the
 * FHIR endpoint's mapping, docs/fhir.md "Bulk import"); batches, checkpoints, row errors and progress as below.</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * Rows are validated like the APIs' bodies (Bean Validation on the input records, the cross-field rules of contacts,
 * a tie's {@code type} a code of the relationship type registry ({@code network.RelationshipTypes}: built-in and added
 * types, docs/relationship-types.md) whose kinds fit the contacts', dates in order, no self ties; a tie row without
 * {@code declaredStrength} takes its type's default weight). Every record needs an
 * {@code externalId}: re-running a file updates records by it, and a row equal to what is stored is left alone
 * (counted as unchanged, no outbox row). Ties and touchpoints name contacts by their external ids; those contacts
 * must come earlier in the file (or from an earlier import). A tie's ends and type cannot change. Invalid rows are
 * rejected with their row number, field and reason ({@code GET /api/v1/imports/{id}/errors}); the rest lands.
 *
 * <h2>Consent</h2>
 * A row's consent and {@code doNotContact} go through the consent ledger ({@link health.circles.contact.ConsentLedger})
 * like every API write, a few set-based statements per batch: a consent entry with {@code at} is given at that time,
 * one without at the time of the import; an entry given before the contact's answer in force is kept as history and
 * changes nothing (re-running last year's file cannot undo a later opt-out); and an entry that would lift an opt-out
 * (DENIED, do-not-contact) without being a later GRANTED with its {@code source} and {@code at} is skipped: the rest of
 * the row applies, and the errors list a note on {@code consent.CHANNEL} or {@code doNotContact} (not counted as
 * rejected). A CSV consent column holds the status only, so a CSV file never lifts an opt-out.
 *
 * <h2>Batches, resumption</h2>
 * The upload is streamed to {@code circles.imports.dir} (at most {@code circles.imports.max-size}, 200 MB by default;
 * only from admin and integration tokens, checked before the body is read; the rest of the API keeps
 * {@code circles.http.max-body-size}, both in {@code web.BodyLimits}). The job reads it in batches of
 * {@code circles.imports.batch-size} rows (or {@code ?batchSize=}); each batch commits its contacts, ties,
 * touchpoints, one outbox row per record type (payload {@code {"batch": [...]}}, applied by the relay with UNWIND),
 * its row errors and the job's checkpoint (rows done) in one PostgreSQL transaction. The next batch is read and
 * parsed on a background thread while one commits (parsing and validation cost about as much as the batch's
 * statements); nothing of it is written before its own transaction. When a job succeeds, its log line gives the
 * time spent in each phase, summed over its batches (waiting for read and parse, erasure check, each record type's
 * load, compare, write, consent, outbox and events, row errors and checkpoint, commit). A process that dies leaves no
 * partial batch; its job stays RUNNING until its heartbeat is older than {@code circles.imports.stale-after}, then
 * any replica resumes it from the checkpoint (or {@code POST /api/v1/imports/{id}/resume} does). The file is deleted
 * when the job succeeds, so it stays on the replica's disk until then: give replicas a shared imports folder.
 *
 * <h2>Erasure</h2>
 * A row naming a contact erased on request (its external id is in the erasure register, as a keyed fingerprint) is
 * rejected, "erased on request", without repeating the id; stored files of unfinished jobs are rewritten without such
 * rows, each left as an empty row so that checkpoints keep their meaning ({@link health.circles.imports.ImportErasure},
 * docs/security.md). While the register holds no fingerprint, a batch's check is one query, with no fingerprint
 * computed per id.
 *
 * <h2>Layers</h2>
 * {@link health.circles.imports.ImportResource} -> {@link health.circles.imports.ImportService} (uploads, job reports)
 * and {@link health.circles.imports.ImportRunner} (the background run) -> {@code ImportWriter} (a batch) -> the
 * store {@code ImportJobStore} (jobs, leases, row errors) and, for a batch's records on its transaction's connection,
 * the owners' bulk-write services {@link health.circles.contact.ContactBulkWrites},
 * {@link health.circles.network.TieBulkWrites} and {@link health.circles.network.TouchpointBulkWrites}. The file
 * contract is {@link health.circles.imports.ImportColumns}.
 *
 * <h2>Tie strength</h2>
 * Imported ties weigh their declared strength ({@link health.circles.imports.DeclaredStrength}); the
 * {@link health.circles.imports.ImportedStrength} hook, called in each batch's transaction, is where
 * touchpoint-derived strength plugs in.
 */
package health.circles.imports;
