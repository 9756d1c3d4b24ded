package health.circles.imports;

import health.circles.synthetic.ImportFiles;
import health.circles.synthetic.SyntheticNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small synthetic networks in the import formats, each under its own external id prefix. */
public final class Networks {

    private Networks() {
    }

    public static SyntheticNetwork.Spec spec(String prefix, int contacts, int ties) {
        return new SyntheticNetwork.Spec(contacts, ties, 0.2, prefix.hashCode(), 10, 40, 0.2, prefix);
    }

    public static String ndjson(SyntheticNetwork.Spec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImportFiles.Ndjson sink = new ImportFiles.Ndjson(ImportFiles.mapper(), out)) {
            new SyntheticNetwork(spec).generate(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** contacts.csv, ties.csv and touchpoints.csv in a fresh folder. */
    public static Path csv(SyntheticNetwork.Spec spec) {
        try {
            Path dir = Files.createTempDirectory("circles-csv");
            try (ImportFiles.Csv sink = new ImportFiles.Csv(dir)) {
                new SyntheticNetwork(spec).generate(sink);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts of one generated network: contacts, ties, touchpoints. */
    public static long[] counts(SyntheticNetwork.Spec spec) {
        SyntheticNetwork.Summary s = new SyntheticNetwork(spec).generate(new SyntheticNetwork.Sink() {
            @Override
            public void contact(SyntheticNetwork.Contact contact) {
            }

            @Override
            public void tie(SyntheticNetwork.Tie tie) {
            }
        });
        return new long[] {s.contacts(), s.ties(), s.touchpoints()};
    }
}
