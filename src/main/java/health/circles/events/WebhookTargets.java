package health.circles.events;

import health.circles.failure.InvalidInput;
import health.circles.failure.RuleRefused;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a webhook may point. A target URL is a lever for server-side request forgery: whoever sets it makes the
 * service send requests. So a target must be https (unless {@code allow-insecure}) and every address its host
 * resolves to must be public (unless {@code allow-private-targets}): no loopback, private, shared, link-local (cloud
 * metadata at 169.254.169.254), multicast or reserved ranges, also when written as IPv4-mapped or NAT64 IPv6. The
 * check runs when a subscription is written and again at every delivery, and the delivery connects to the very
 * address checked, so a name that re-resolves elsewhere (DNS rebinding) gains nothing.
 */
@ApplicationScoped
public class WebhookTargets {

    static final int MAX_URL = 2000;
    private static final int MAX_PORT = 65535;

    private final WebhooksConfig config;

    WebhookTargets(WebhooksConfig config) {
        this.config = config;
    }

    /** A checked target: the URL, and the address to connect to. */
    record Target(URI uri, String host, int port, boolean https, String pathAndQuery, InetAddress address) {
    }

    /**
     * Checks a URL a client writes; {@code field} names it in errors. Returns it normalised. Where private targets
     * are allowed (dev, test) there is no address to refuse, so the name is not looked up until delivery.
     */
    String check(String field, String url) {
        URI uri = parse(field, url);
        if (!config.allowPrivateTargets()) {
            resolve(field, uri);
        }
        return uri.toString();
    }

    /**
     * The address to deliver to now, resolved and checked again; refused like a write when it is not allowed. A host
     * that does not resolve and one that resolves to a non-public address get the same answer, which names neither
     * the address nor which of the two it was: whoever may write a target could otherwise map the internal DNS
     * (which names exist, and where they point) one request at a time. The delivery log shows the same text.
     */
    Target resolve(String field, URI uri) {
        String host = hostOf(uri);
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw notPublic(field, host);
        }
        if (!config.allowPrivateTargets()) {
            for (InetAddress a : all) {
                if (!isPublic(a)) {
                    throw notPublic(field, host);
                }
            }
        }
        boolean https = "https".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new Target(uri, host, port, https, path, all[0]);
    }

    URI parse(String field, String url) {
        if (url == null || url.isBlank()) {
            throw InvalidInput.field(field, "is required");
        }
        if (url.length() > MAX_URL) {
            throw InvalidInput.field(field, "must be at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw InvalidInput.field(field, "is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && config.allowInsecure())) {
            throw InvalidInput.field(field, config.allowInsecure() ? "must be an http or https URL"
                    : "must be an https URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getHost().isBlank()) {
            throw InvalidInput.field(field, "must be an absolute URL with a host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw InvalidInput.field(field, "must not carry credentials (user:password@)");
        }
        if (uri.getRawFragment() != null) {
            throw InvalidInput.field(field, "must not have a fragment");
        }
        if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
            throw InvalidInput.field(field, "port must be between 1 and " + MAX_PORT);
        }
        // Rebuilt from the raw (still percent-encoded) parts: the multi-argument URI constructors quote what they are
        // given, '%' included, so /a%20b would be stored as /a%2520b, another URL than the receiver's. Only the scheme
        // is lowercased, as resolve() compares it with "https".
        try {
            return new URI(scheme + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())).normalize();
        } catch (URISyntaxException e) {
            throw InvalidInput.field(field, "is not a URL: " + e.getReason()); // unreachable: the parts were parsed
        }
    }

    /** The one refusal of a host that does not resolve or resolves to an address that is not public. */
    private static RuleRefused notPublic(String field, String host) {
        return new RuleRefused("webhook-target-not-public", "Webhook target not public", "The host " + host
                + " does not resolve, or not only to public addresses; webhooks are only delivered to public addresses",
                List.of(new InvalidInput.FieldError(field, "must resolve to public addresses only")));
    }

    private static String hostOf(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether an address is on the public internet: none of the special-purpose ranges (RFC 6890 and later). */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // fc00::/7 unique local
                return false;
            }
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) { // fec0::/10 site-local (deprecated)
                return false;
            }
            if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) { // ::ffff:a.b.c.d
                return isPublicV4(new byte[]{b[12], b[13], b[14], b[15]});
            }
            if (allZero(b, 0, 12)) { // ::a.b.c.d (deprecated compatible form), :: and ::1
                return false;
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublicV4(new byte[]{b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4 embeds an IPv4 address
                return isPublicV4(new byte[]{b[2], b[3], b[4], b[5]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // 2001:db8::/32 documentation
            }
            return true;
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return !(a0 == 0 // this network
                || a0 == 10 // private
                || a0 == 127 // loopback
                || (a0 == 100 && a1 >= 64 && a1 <= 127) // shared (carrier-grade NAT)
                || (a0 == 169 && a1 == 254) // link-local, cloud metadata
                || (a0 == 172 && a1 >= 16 && a1 <= 31) // private
                || (a0 == 192 && a1 == 0 && a2 == 0) // IETF protocol assignments
                || (a0 == 192 && a1 == 0 && a2 == 2) // documentation
                || (a0 == 192 && a1 == 88 && a2 == 99) // 6to4 relay anycast
                || (a0 == 192 && a1 == 168) // private
                || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
                || (a0 == 198 && a1 == 51 && a2 == 100) // documentation
                || (a0 == 203 && a1 == 0 && a2 == 113) // documentation
                || a0 >= 224); // multicast, reserved, broadcast
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
