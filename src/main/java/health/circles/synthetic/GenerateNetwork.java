package health.circles.synthetic;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Command line entry of the generator: writes a synthetic network as import files plus an edge list and the planted
 * communities. Run from a build with
 * {@code java -cp "target/classes:target/quarkus-app/lib/main/*" health.circles.synthetic.GenerateNetwork
 * --contacts 100000 --ties 1000000 --mixing 0.2 --seed 42 --format ndjson --out target/network}.
 */
public final class GenerateNetwork {

    private GenerateNetwork() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        int contacts = Integer.parseInt(opts.getOrDefault("contacts", "3000"));
        long ties = Long.parseLong(opts.getOrDefault("ties", String.valueOf(contacts * 10L)));
        double mixing = Double.parseDouble(opts.getOrDefault("mixing", "0.2"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        double touchpoints = Double.parseDouble(opts.getOrDefault("touchpoints", "0.1"));
        String format = opts.getOrDefault("format", "ndjson");
        Path out = Path.of(opts.getOrDefault("out", "network"));
        Files.createDirectories(out);
        SyntheticNetwork.Spec spec = SyntheticNetwork.Spec.of(contacts, ties, mixing, seed).withTouchpoints(touchpoints)
                .withPrefix(opts.getOrDefault("prefix", "syn-"));
        long started = System.nanoTime();
        SyntheticNetwork.Summary summary;
        try (ImportFiles.EdgeList edges = new ImportFiles.EdgeList(out.resolve("edges.csv"), out.resolve("truth.csv"))) {
            if (format.equals("csv")) {
                try (ImportFiles.Csv csv = new ImportFiles.Csv(out)) {
                    summary = new SyntheticNetwork(spec).generate(ImportFiles.all(csv, edges));
                }
            } else {
                try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out.resolve("network.ndjson")), 1 << 16);
                     ImportFiles.Ndjson ndjson = new ImportFiles.Ndjson(ImportFiles.mapper(), file)) {
                    summary = new SyntheticNetwork(spec).generate(ImportFiles.all(ndjson, edges));
                }
            }
        }
        System.out.printf("{\"contacts\":%d,\"ties\":%d,\"touchpoints\":%d,\"communities\":%d,\"mixing\":%.4f,\"seconds\":%.2f}%n",
                summary.contacts(), summary.ties(), summary.touchpoints(), summary.communities(),
                summary.measuredMixing(), (System.nanoTime() - started) / 1e9);
    }
}
