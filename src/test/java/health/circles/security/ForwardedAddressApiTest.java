package health.circles.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import health.circles.Anonymous;
import health.circles.web.ProductionEdgeProfile;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Behind a proxy (trusted: 127.0.0.1 only), X-Forwarded-For counts only from the trusted proxy, for the audit trail's
 * client address too, and the development token endpoint looks at the connection's own peer, never at that header.
 */
@QuarkusTest
@Anonymous
@TestProfile(ProductionEdgeProfile.class)
class ForwardedAddressApiTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    AgroalDataSource db;

    @Test
    void aLoopbackCallerGetsADevTokenWhateverItsForwardedAddressAndTheTrailShowsTheForwardedOne() throws Exception {
        String request = "fwd-" + UUID.randomUUID();
        given().header("X-Forwarded-For", "203.0.113.9").header("X-Request-Id", request)
                .when().post("/api/v1/dev/tokens?role=analyst")
                .then().statusCode(200);
        // 127.0.0.1 is the trusted proxy: the address it forwards is the client's.
        assertEquals("203.0.113.9", clientAddress(request));
    }

    @Test
    void aForgedLoopbackAddressFromAnotherMachineGetsNoDevTokenAndIsNotBelieved() throws Exception {
        String peer = nonLoopbackAddress();
        assumeTrue(peer != null, "this machine has no non-loopback IPv4 address to call from");
        String request = "fwd-" + UUID.randomUUID();
        given().baseUri("http://" + peer).port(root.getPort())
                .header("X-Forwarded-For", "127.0.0.1").header("X-Request-Id", request)
                .when().post("/api/v1/dev/tokens?role=admin")
                .then().statusCode(404).contentType("application/problem+json");
        // Not a trusted proxy: its header is ignored. The refusal is not recorded: it names nothing and has no
        // caller, and the endpoint answers anyone, so a row for each would let anyone fill the trail.
        assertNull(clientAddress(request));
    }

    private String clientAddress(String requestId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT client_address FROM audit_event WHERE request_id = ? ORDER BY id DESC LIMIT 1")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static String nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        return null;
    }
}
