/**
 * What services and stores throw when a request cannot be done: domain failures that say what went wrong in the
 * domain's words (not found, invalid field, conflict, stale version, refused by a rule, not permitted, too large,
 * unavailable), never an HTTP status. The web package alone turns them into RFC 9457 problem+json answers
 * (web.ProblemMappers); each kind has one status there. Every failure carries a stable code (the last segment of the
 * problem type URI), a short title and a detail for the caller.
 */
package health.circles.failure;
