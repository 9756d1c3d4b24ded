package health.circles;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface: health and metrics on a port of their own. Tests take a free one
 * ({@code quarkus.management.test-port=0}), which Quarkus reports under the same key once it listens.
 */
public final class Management {

    private Management() {
    }

    /** The port the running application's management interface listens on. */
    public static int port() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        if (port <= 0) {
            throw new IllegalStateException("the management interface is not listening yet");
        }
        return port;
    }

    /**
     * A request to the management port without any token: the default admin token of {@link DefaultToken} (a
     * RestAssured filter) is dropped, so each call shows that Prometheus and the kubelet need none.
     */
    public static RequestSpecification given() {
        return RestAssured.given().noFilters().port(port());
    }
}
