package health.circles.imports;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** The name this process goes by among replicas: host name (the pod's), process id and a random part. */
final class ReplicaName {

    private static final String NAME = host() + "/" + ProcessHandle.current().pid() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    private ReplicaName() {
    }

    static String get() {
        return NAME;
    }

    private static String host() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
