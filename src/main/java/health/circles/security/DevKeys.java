package health.circles.security;

import io.quarkus.runtime.LaunchMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The run command's own signing key pair, made on the first start under the data folder and never shipped: lets a
 * workstation run Circles with development tokens and no identity provider. Only in dev mode: a packaged run
 * ({@code java -jar}) never gets here, whatever its environment says.
 */
public final class DevKeys {

    static final String PRIVATE = "dev-private-key.pem";
    static final String PUBLIC = "dev-public-key.pem";

    private DevKeys() {
    }

    /**
     * Whether development keys and tokens may exist in this process: only under the run command (dev mode) and the
     * tests. The launch mode is fixed when the application is built and started, not by its environment, so no
     * setting can switch development tokens on in a packaged application.
     */
    public static boolean allowed() {
        return LaunchMode.current().isDevOrTest();
    }

    /**
     * Creates the pair in {@code dir} unless it is there, and returns the settings that make the service verify
     * tokens with it and issue development tokens signed by it.
     */
    public static Map<String, String> prepare(Path dir) {
        Path privateKey = dir.resolve(PRIVATE).toAbsolutePath();
        Path publicKey = dir.resolve(PUBLIC).toAbsolutePath();
        try {
            if (!Files.exists(privateKey) || !Files.exists(publicKey)) {
                Files.createDirectories(dir);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
                Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
                try {
                    Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the folder's own permissions apply
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the development key pair in " + dir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "mp.jwt.verify.publickey.location", publicKey.toUri().toString(),
                "circles.security.dev-tokens.enabled", "true",
                "circles.security.dev-tokens.private-key-location", privateKey.toUri().toString());
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
