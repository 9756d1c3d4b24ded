package health.circles.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.exceptions.ClientException;

/**
 * NEO4J_TRUSTED_CA: the URI and driver settings {@link Graph#trust} makes. No server is needed: a driver connects only
 * when first used, but checks its URI and settings (and reads the CA file) when it is made. The CA in
 * src/test/resources/test-tls is a certificate whose key was thrown away; nothing is signed with it.
 */
class GraphTrustTest {

    private static final String CA = ca();

    @Test
    void withoutACaTheUriAndTheDriverDefaultsStay() {
        Config.ConfigBuilder settings = Config.builder();
        assertEquals("bolt+s://neo4j:7687", Graph.trust("bolt+s://neo4j:7687", Optional.empty(), settings));
        assertEquals("bolt://127.0.0.1:7687", Graph.trust("bolt://127.0.0.1:7687", Optional.empty(), settings));
        Config config = settings.build();
        assertFalse(config.encrypted());
        assertEquals(Config.TrustStrategy.Strategy.TRUST_SYSTEM_CA_SIGNED_CERTIFICATES, config.trustStrategy().strategy());
    }

    @Test
    void aPlusSUriBecomesEncryptionCheckedAgainstTheCaAndTheHostName() {
        Config.ConfigBuilder settings = Config.builder();
        assertEquals("bolt://neo4j:7687", Graph.trust("bolt+s://neo4j:7687", Optional.of(CA), settings));
        Config config = settings.build();
        assertTrue(config.encrypted());
        Config.TrustStrategy trust = config.trustStrategy();
        assertEquals(Config.TrustStrategy.Strategy.TRUST_CUSTOM_CA_SIGNED_CERTIFICATES, trust.strategy());
        assertEquals(List.of(new File(CA)), trust.certFiles());
        assertTrue(trust.isHostnameVerificationEnabled());

        assertEquals("neo4j://graph.example.org:7687",
                Graph.trust("NEO4J+S://graph.example.org:7687", Optional.of(CA), Config.builder()));
    }

    @Test
    void theDriverTakesTheResultButNotAPlusSUriWithATrustStrategy() {
        Config.ConfigBuilder settings = Config.builder();
        String uri = Graph.trust("bolt+s://neo4j:7687", Optional.of(CA), settings);
        Config config = settings.build();
        try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic("neo4j", "secret"), config)) {
            assertTrue(driver.isEncrypted());
        }
        // Why trust() drops the +s: the driver refuses the two ways of saying it together.
        assertThrows(ClientException.class, () -> GraphDatabase.driver("bolt+s://neo4j:7687", config).close());
    }

    @Test
    void aCaWithAnUnencryptedOrUncheckedSchemeOrNoFileIsRefused() {
        for (String uri : List.of("bolt://neo4j:7687", "neo4j://neo4j:7687", "bolt+ssc://neo4j:7687",
                "neo4j+ssc://neo4j:7687", "neo4j:7687")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Graph.trust(uri, Optional.of(CA), Config.builder()), uri);
            assertTrue(e.getMessage().contains("bolt+s:// or neo4j+s://"), e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Graph.trust("bolt+s://neo4j:7687", Optional.of("/no/such/ca.crt"), Config.builder()));
        assertTrue(e.getMessage().contains("/no/such/ca.crt"), e.getMessage());
    }

    private static String ca() {
        try {
            return new File(GraphTrustTest.class.getResource("/test-tls/ca.crt").toURI()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
