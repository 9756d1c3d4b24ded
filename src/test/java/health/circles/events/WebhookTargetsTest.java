package health.circles.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.RuleRefused;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A webhook target is an SSRF lever: under production settings only https URLs on public addresses pass. */
class WebhookTargetsTest {

    private final WebhookTargets production = new WebhookTargets(config(false, false));

    @Test
    void internalAddressesAreRefusedWhateverTheirSpelling() {
        for (String url : new String[]{"https://127.0.0.1/hook", "https://localhost/hook", "https://10.1.2.3/",
                "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data/",
                "https://100.64.0.1/", "https://0.0.0.0/", "https://[::1]/", "https://[::ffff:127.0.0.1]/",
                "https://[::ffff:169.254.169.254]/", "https://[fd00::1]/", "https://[fe80::1]/",
                "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://2130706433/",
                "https://0x7f.1/", "https://224.0.0.1/"}) {
            DomainException e = assertThrows(DomainException.class, () -> production.check("url", url), url);
            assertTrue(e instanceof RuleRefused || e instanceof InvalidInput, url);
        }
    }

    @Test
    void onlyHttpsWithoutCredentialsOrFragments() {
        for (String url : new String[]{"http://93.184.215.14/", "ftp://93.184.215.14/", "https:///nohost",
                "https://user:pw@93.184.215.14/", "https://93.184.215.14/#x", "not a url", "", "file:///etc/passwd",
                "gopher://93.184.215.14/"}) {
            assertThrows(InvalidInput.class, () -> production.check("url", url), url);
        }
        assertEquals("https://93.184.215.14/hook?x=1", production.check("url", "https://93.184.215.14/hook?x=1"));
    }

    @Test
    void portsOutsideTheirRangeAreRefusedByField() {
        for (String url : new String[]{"https://93.184.215.14:70000/hook", "https://93.184.215.14:65536/",
                "https://93.184.215.14:0/"}) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> production.check("url", url), url);
            assertEquals("url", e.errors().get(0).field(), url);
        }
        assertEquals("https://93.184.215.14:65535/hook", production.check("url", "https://93.184.215.14:65535/hook"));
        assertEquals("https://93.184.215.14:1/", production.check("url", "https://93.184.215.14:1/"));
    }

    @Test
    void aUrlIsStoredAsWrittenSaveTheSchemesCase() {
        // Escapes stay as they are: re-quoting '%' would turn a%20b into a%2520b, another URL.
        assertEquals("https://93.184.215.14/a%20b/%C3%A9?q=%2F%26x&y=1",
                production.check("url", "https://93.184.215.14/a%20b/%C3%A9?q=%2F%26x&y=1"));
        assertEquals("https://93.184.215.14:8443/hook?x=1",
                production.check("url", "HTTPS://93.184.215.14:8443/hook?x=1"));
        assertEquals("https://93.184.215.14/b", production.check("url", "https://93.184.215.14/a/../b"));
        WebhookTargets dev = new WebhookTargets(config(true, true));
        assertEquals("http://127.0.0.1:8089/a%2Fb", dev.check("url", "Http://127.0.0.1:8089/a%2Fb"));
        // The stored form is what delivery connects with: lowercase https, and the raw path as written.
        WebhookTargets.Target t = dev.resolve("url", java.net.URI.create(
                production.check("url", "HTTPS://93.184.215.14/a%20b?c=%41")));
        assertTrue(t.https());
        assertEquals("/a%20b?c=%41", t.pathAndQuery());
    }

    @Test
    void anUnresolvableHostAndAnInternalOneGetTheSameAnswerNamingNoAddress() {
        RuleRefused internal = assertThrows(RuleRefused.class,
                () -> production.check("url", "https://localhost/hook"));
        RuleRefused unknown = assertThrows(RuleRefused.class,
                () -> production.check("url", "https://no-such-host.invalid/hook"));
        assertEquals(internal.code(), unknown.code());
        assertEquals(internal.errors(), unknown.errors());
        assertEquals(internal.getMessage().replace("localhost", "no-such-host.invalid"), unknown.getMessage());
        for (String address : new String[]{"127.0.0.1", "::1", "0:0:0:0:0:0:0:1"}) {
            assertFalse(internal.getMessage().contains(address), internal.getMessage());
            assertFalse(internal.errors().toString().contains(address), internal.errors().toString());
        }
    }

    @Test
    void publicAddressesPass() throws Exception {
        assertTrue(WebhookTargets.isPublic(InetAddress.getByName("93.184.215.14")));
        assertTrue(WebhookTargets.isPublic(InetAddress.getByName("2606:2800:21f:cb07:6820:80da:af6b:8b2c")));
        assertFalse(WebhookTargets.isPublic(InetAddress.getByName("198.18.0.1")));
        assertFalse(WebhookTargets.isPublic(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void devAndTestSettingsLetALocalReceiverIn() {
        WebhookTargets dev = new WebhookTargets(config(true, true));
        assertEquals("http://127.0.0.1:8089/hook", dev.check("url", "http://127.0.0.1:8089/hook"));
    }

    private static WebhooksConfig config(boolean allowPrivate, boolean allowInsecure) {
        return new WebhooksConfig() {
            public boolean allowPrivateTargets() {
                return allowPrivate;
            }

            public boolean allowInsecure() {
                return allowInsecure;
            }

            public Duration interval() {
                return Duration.ofSeconds(2);
            }

            public Duration retryBackoff() {
                return Duration.ofSeconds(5);
            }

            public Duration maxBackoff() {
                return Duration.ofHours(1);
            }

            public int maxFailures() {
                return 10;
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(5);
            }

            public Duration requestTimeout() {
                return Duration.ofSeconds(10);
            }

            public Duration rotationGrace() {
                return Duration.ofHours(24);
            }

            public Duration logRetention() {
                return Duration.ofDays(30);
            }

            public int maxPerOwner() {
                return 50;
            }
        };
    }
}
