package health.circles.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the secret's bytes;
 * several secrets (during a rotation) give several signatures, space-separated. Secrets are shown to clients as
 * {@code whsec_<base64>}.
 */
final class WebhookSignature {

    static final String PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret's bytes, base64 (as stored; clients get it with {@link #PREFIX}). */
    static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header value for a message, one signature per secret (base64 keys). */
    static String header(List<String> secrets, String messageId, long timestamp, String body) {
        return secrets.stream().map(s -> "v1," + sign(s, messageId, timestamp, body))
                .collect(Collectors.joining(" "));
    }

    static String sign(String secret, String messageId, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
            byte[] signed = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
