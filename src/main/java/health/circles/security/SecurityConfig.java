package health.circles.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Security settings beyond token verification (which is smallrye-jwt's, under {@code mp.jwt.*}). */
@ConfigMapping(prefix = "circles.security")
public interface SecurityConfig {

    /** The token claim that names the caller's own contact (a clinician's contact id, for the TREATS rule). */
    @WithDefault("contact_id")
    String contactClaim();

    DevTokens devTokens();

    /**
     * Per-subject limits of {@link RateLimited} endpoints by name, overriding the annotation's numbers; a limit left
     * out keeps them (docs/security.md). From the environment: {@code CIRCLES_SECURITY_RATE_LIMITS_<NAME>_PERMITS} and
     * {@code ..._PERIOD}, the name in capitals with {@code _} for {@code -}
     * ({@code CIRCLES_SECURITY_RATE_LIMITS_CONTACT_SEARCH_PERMITS} sets {@code rate-limits.contact-search.permits});
     * application.properties names each limit (empty) so that SmallRye Config can match the variable to its key.
     */
    Map<String, Limit> rateLimits();

    EmergencyAccess emergencyAccess();

    Audit audit();

    VerifiedTokens verifiedTokens();

    /**
     * Tokens verified once and trusted again for a while ({@link VerifiedTokenCache}): a client sends the same token
     * on every call until it expires, and checking its signature and claims again on each call was a fifth of a cached
     * read's CPU.
     */
    interface VerifiedTokens {

        /**
         * How long a verified token is trusted without being verified again; never past its own expiry. Zero
         * verifies every call. It bounds how long a token keeps working after the key that signed it is no longer
         * trusted (a rotated {@code mp.jwt.verify.publickey.location} takes effect on restart anyway).
         */
        @WithDefault("60s")
        Duration maxAge();

        /** At most this many tokens are kept (about 1 kB each); beyond it the least recently used go first. */
        @WithDefault("10000")
        int maxEntries();
    }

    /** How the audit trail commits the rows of reads. */
    interface Audit {

        /**
         * Whether a read's audit rows (GET and HEAD: records shown) commit only once PostgreSQL has flushed them to
         * disk. Off by default: the rows are committed, in the chain, before the answer leaves, but the commit does not
         * wait for the WAL flush ({@code synchronous_commit = off} for that one transaction), so a crash of the
         * database server, not of the service, could lose the reads of its last fraction of a second (at most
         * three times {@code wal_writer_delay}, 600 ms by default); the chain stays whole, because what is lost is its
         * newest end. The chain's lock is held until commit, so waiting for the flush (2-3 ms on a common disk) made
         * every audited read queue behind the others' flushes. Changes are never affected: their rows commit with the
         * change, flushed. Turn this on where every read must survive a database crash.
         */
        @WithDefault("false")
        boolean readsWaitForFlush();

        /**
         * How often the audit trail's waiting rows are checked for chunking ({@link AuditIndexUpkeep}: searches by
         * contact and by record read the chunks); {@code off} stops it, and searches then read the rows one by one.
         */
        @WithDefault("2s")
        String indexUpkeepEvery();

        /**
         * The trail is searched by contact and by record through chunks of rows ({@link AuditIndexUpkeep}, migrations
         * V36 and V37): a chunk is made once this many rows wait, or once the oldest has waited {@link #chunkWait()}.
         * Larger chunks cost less to make; the rows not yet chunked are searched row by row.
         */
        @WithDefault("2000")
        int chunkRows();

        /** The longest a row waits to be chunked when fewer than {@link #chunkRows()} wait. */
        @WithDefault("60s")
        Duration chunkWait();

        /**
         * Chunk rows (one per contact or record a chunk names) in one epoch of the chunks' index (V38): a chunk is
         * added to the newest epoch only, and a search by contact or record probes every epoch once. Smaller epochs
         * keep the part of the index a chunk writes to smaller (about 80 bytes of index a row); more of them make a
         * search probe more often.
         */
        @WithDefault("250000")
        long chunkEpochRows();
    }

    /** Break-the-glass: how long a clinician's emergency opening of a record grants its whole record. */
    interface EmergencyAccess {

        /** Long enough for an emergency, short enough that it does not become a standing relationship. */
        @WithDefault("PT4H")
        Duration window();
    }

    /** Development tokens: any role, no identity provider. Only for the run command on a workstation. */
    interface DevTokens {

        /**
         * Off by default; the run command turns it on only when it generated its own key pair. Outside dev mode and the
         * tests it is ignored ({@link DevKeys#allowed()}).
         */
        @WithDefault("false")
        boolean enabled();

        /** Private key (PEM, PKCS#8) the development tokens are signed with. */
        Optional<String> privateKeyLocation();

        @WithDefault("circles-dev")
        String issuer();

        @WithDefault("circles")
        String audience();

        @WithDefault("PT8H")
        Duration lifetime();
    }

    /**
     * {@code permits} requests per {@code period} for each subject; either left out keeps the annotation's number.
     * {@code subjects.<subject>} sets other numbers for one subject (a nightly import client, a test's own subject).
     */
    interface Limit {

        OptionalInt permits();

        Optional<Duration> period();

        Map<String, SubjectLimit> subjects();
    }

    /** The limit of one subject, where it differs from everyone's. */
    interface SubjectLimit {

        OptionalInt permits();

        Optional<Duration> period();
    }
}
