package health.circles.contact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The erasure register's memory of external ids: a keyed one-way fingerprint of each erased contact's external id,
 * so that writers (bulk imports, the contact API) can refuse a record that would bring an erased person back without
 * the register holding the id in clear.
 */
@ApplicationScoped
public class ErasureRegister {

    private static final Logger LOG = Logger.getLogger(ErasureRegister.class);
    /** Used only when no key is configured: fingerprints are then as guessable as the ids (see docs/security.md). */
    private static final String UNKEYED = "circles-erasure-unkeyed";

    private final SecretKeySpec key;
    private final ErasureStore store;

    ErasureRegister(ErasureConfig config, ErasureStore store) {
        this.store = store;
        String secret = config.key().filter(k -> !k.isBlank()).orElse(null);
        if (secret == null) {
            LOG.warn("circles.erasure.key is not set: erased external ids are fingerprinted without a secret, so "
                    + "whoever reads the database can test guessed ids against them; set CIRCLES_ERASURE_KEY");
            secret = UNKEYED;
        } else if (secret.length() < 32) {
            throw new IllegalStateException("circles.erasure.key must be at least 32 characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The fingerprint of an external id as contacts store it (stripped); null for none. */
    public byte[] fingerprint(String externalId) {
        if (externalId == null || externalId.isBlank()) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(externalId.strip().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The fingerprint as hex text, which binds as a plain parameter (decode(:x, 'hex') in SQL); null for none. */
    public String fingerprintHex(String externalId) {
        byte[] f = fingerprint(externalId);
        return f == null ? null : HexFormat.of().formatHex(f);
    }

    /** Whether any of these contact ids belonged to a contact erased on request. */
    public boolean anyErased(Collection<UUID> contactIds) {
        return !contactIds.isEmpty() && !store.erasedAmong(contactIds.toArray(UUID[]::new)).isEmpty();
    }

    /** Whether {@code externalId} belonged to a contact erased on request. */
    public boolean erased(String externalId) {
        String f = fingerprintHex(externalId);
        return f != null && store.fingerprintErased(f);
    }

    /**
     * For a transaction that looks at the register and then writes contacts (an import batch): no erasure commits from
     * here to its end, and one in flight is waited for. Taken first in the transaction ({@link ErasureStore#holdErasures}).
     */
    public static void holdErasures(Connection c) throws SQLException {
        ErasureStore.holdErasures(c);
    }

    /**
     * Which of {@code externalIds} belonged to contacts erased on request, read on the caller's connection. An empty
     * register (the common case) answers in one query, without a fingerprint per id: bulk imports ask this for every
     * id of every batch.
     */
    public Set<String> erasedAmong(Connection c, Collection<String> externalIds) throws SQLException {
        if (externalIds.isEmpty() || !store.anyFingerprint(c)) {
            return new HashSet<>();
        }
        Map<String, String> byFingerprint = new HashMap<>();
        for (String id : externalIds) {
            String f = fingerprintHex(id);
            if (f != null) {
                byFingerprint.put(f, id);
            }
        }
        Set<String> erased = new HashSet<>();
        store.fingerprintsErased(c, byFingerprint.keySet()).forEach(f -> erased.add(byFingerprint.get(f)));
        return erased;
    }

    /**
     * Every erased contact's external id fingerprint, hex-encoded as {@link #fingerprintHex} gives them, on a pooled
     * connection: what a sweep of stored records (bulk import files) matches rows against.
     */
    public Set<String> erasedFingerprints() {
        return store.erasedFingerprints();
    }
}
