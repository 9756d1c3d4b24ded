package health.circles.web;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The map page's tests: maps as large as in production (2,000 contacts) and an import file of a 2,000-contact network.
 * A profile of its own also gives them a fresh database, so their analytics run is not seen by other tests.
 */
public class MapPageProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // Smaller graph transactions with more time each: the machine that runs the suite may be busy.
        return Map.of("circles.analytics.maps.max-nodes", "2000", "circles.imports.max-size", "16M",
                "circles.sync.max-items", "1000", "circles.sync.graph-timeout", "120s");
    }
}
