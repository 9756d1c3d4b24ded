package health.circles.web;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service at a deployment's sizes: the HTTP edge as deployed, with the production body limits (1 MB, imports
 * 200 MB; the test profile's smaller import limit is put back) behind a proxy whose only trusted address is 127.0.0.1,
 * and maps as large as in production (2,000 contacts), which the map page's tests draw from an imported 2,000-contact
 * network.
 *
 * <p>The edge's tests and the map page's share it because each profile costs the suite a start of the application and
 * of its Neo4j (about 20 s on two cores). Starting on a fresh database, as every profile does, keeps the map network's
 * analytics run out of the other tests.
 */
public class ProductionEdgeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // Smaller graph transactions with more time each: the machine that runs the suite may be busy.
        return Map.of("circles.http.max-body-size", "1M", "circles.imports.max-size", "200M",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1",
                "circles.analytics.maps.max-nodes", "2000",
                "circles.sync.max-items", "1000", "circles.sync.graph-timeout", "120s");
    }
}
