package health.circles.contact;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Erasure: the key of the register's fingerprints, and how often leftovers outside the erasure transaction are swept. */
@ConfigMapping(prefix = "circles.erasure")
public interface ErasureConfig {

    /**
     * Secret key of the HMAC that fingerprints an erased contact's external id (at least 32 characters). Keep it out
     * of the database and its backups: with it, anyone can test whether a guessed id was erased. Changing it forgets
     * every fingerprint made under the old key.
     */
    Optional<String> key();

    /** How often applied outbox rows of erased contacts and import files naming them are swept. */
    @WithDefault("1m")
    Duration sweepEvery();
}
