package health.circles.web;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * A route that takes bodies larger than the general limit (a bulk upload), declared by the capability that owns it.
 * {@link BodyLimits} applies its limit instead of the general one, and only to callers it admits, checked before a
 * byte of the body is read. Web knows that such routes exist; the owner says which, how large and for whom.
 */
public interface UploadRoute {

    /** The POST path, normalised (e.g. {@code /api/v1/imports}). */
    String path();

    /** The largest body accepted, in bytes. */
    long maxBytes();

    /** Whether this caller may send the large body at all (others are answered before it is read). */
    boolean admits(SecurityIdentity caller);
}
