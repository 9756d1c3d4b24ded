package health.circles.web;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The HTTP edge as deployed: the production body limits (1 MB, imports 200 MB; the test profile's smaller import
 * limit is put back), behind a proxy whose only trusted address is 127.0.0.1.
 */
public class ProductionEdgeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("circles.http.max-body-size", "1M", "circles.imports.max-size", "200M",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
    }
}
