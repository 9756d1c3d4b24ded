package health.circles;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Bounds far below a deployment's, so that a few rows show where they bite: relay batches of at most 4 KiB of payload,
 * graph transactions of at most four changes, two of them side by side (sync.RelayBatchTest, sync.RelayWritersTest),
 * and the snapshots of the two latest analytics runs only (analytics.CommunityNameRetentionTest).
 *
 * <p>One profile for the three, because each profile costs the suite a start of the application and of its Neo4j
 * (about 20 s on two cores). Each test reads the relay's metrics as differences and waits for an empty backlog first,
 * so none depends on running first; the profile starts on a fresh database, as every profile does, so the analytics
 * runs its tests count are their own.
 */
public class SmallBoundsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("circles.sync.max-bytes", "4096", "circles.sync.max-items", "4", "circles.sync.writers", "2",
                "circles.analytics.keep-snapshots", "2");
    }
}
