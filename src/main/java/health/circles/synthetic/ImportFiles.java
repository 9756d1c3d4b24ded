package health.circles.synthetic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.contact.Channel;
import health.circles.contact.ConsentInput;
import health.circles.imports.ImportColumns;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a generated network in the import format of {@code POST /api/v1/imports} (NDJSON, or one CSV file per record
 * type), and for the analytics benchmarks an edge list ({@code source,target,weight}) and the planted communities
 * ({@code id,community}), the inputs of {@code peer_igraph.py}.
 */
public final class ImportFiles {

    private ImportFiles() {
    }

    /** An ObjectMapper that writes the import format when no Quarkus-configured one is at hand. */
    public static ObjectMapper mapper() {
        return new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /** Streams records as NDJSON lines, each with its {@code "record"} discriminator. */
    public static final class Ndjson implements SyntheticNetwork.Sink, Closeable {

        private final ObjectMapper json;
        private final JsonGenerator out;

        public Ndjson(ObjectMapper json, OutputStream stream) {
            this.json = json;
            try {
                this.out = json.getFactory().createGenerator(stream);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.setPrettyPrinter(new com.fasterxml.jackson.core.util.MinimalPrettyPrinter("\n"));
        }

        @Override
        public void contact(SyntheticNetwork.Contact contact) {
            try {
                ObjectNode node = json.valueToTree(contact.input());
                out.writeStartObject();
                out.writeStringField(ImportColumns.RECORD, ImportColumns.CONTACT);
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    out.writeFieldName(field.getKey());
                    out.writeTree(field.getValue());
                }
                out.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void tie(SyntheticNetwork.Tie tie) {
            try {
                out.writeStartObject();
                out.writeStringField(ImportColumns.RECORD, ImportColumns.TIE);
                out.writeStringField("externalId", tie.externalId());
                out.writeStringField("from", tie.fromExternalId());
                out.writeStringField("to", tie.toExternalId());
                out.writeStringField("type", tie.type().name());
                out.writeStringField("since", tie.since().toString());
                out.writeNumberField("declaredStrength", tie.declaredStrength());
                out.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void touchpoint(SyntheticNetwork.Touchpoint tp) {
            try {
                out.writeStartObject();
                out.writeStringField(ImportColumns.RECORD, ImportColumns.TOUCHPOINT);
                out.writeStringField("externalId", tp.externalId());
                out.writeStringField("channel", tp.channel());
                out.writeStringField("occurredAt", tp.occurredAt().toString());
                out.writeStringField("topic", tp.topic());
                out.writeStringField("outcome", tp.outcome());
                out.writeArrayFieldStart("participants");
                for (String p : tp.participants()) {
                    out.writeString(p);
                }
                out.writeEndArray();
                out.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.writeRaw('\n');
            out.close();
        }
    }

    /**
     * Streams records as three CSV files (contacts.csv, ties.csv, touchpoints.csv) with the columns of
     * {@link ImportColumns}; lists are joined with its separator, consent is one status column per channel.
     */
    public static final class Csv implements SyntheticNetwork.Sink, Closeable {

        private final Writer contacts;
        private final Writer ties;
        private final Writer touchpoints;

        public Csv(Path dir) throws IOException {
            contacts = open(dir.resolve("contacts.csv"), ImportColumns.CONTACT_COLUMNS);
            ties = open(dir.resolve("ties.csv"), ImportColumns.TIE_COLUMNS);
            touchpoints = open(dir.resolve("touchpoints.csv"), ImportColumns.TOUCHPOINT_COLUMNS);
        }

        @Override
        public void contact(SyntheticNetwork.Contact contact) {
            var c = contact.input();
            Map<Channel, ConsentInput> consent = c.consent() == null ? Map.of() : c.consent();
            List<String> cells = new ArrayList<>(Arrays.asList(c.externalId(), c.kind().name(), c.givenName(),
                    c.familyName(), c.organizationName(), c.email(), c.phone(), c.postalCode(), c.city(),
                    join(c.languages()), join(c.specialties()), join(c.tags()),
                    String.valueOf(Boolean.TRUE.equals(c.doNotContact()))));
            for (Channel channel : Channel.values()) { // the consent columns, in ImportColumns' order
                cells.add(status(consent, channel));
            }
            line(contacts, cells.toArray(String[]::new));
        }

        @Override
        public void tie(SyntheticNetwork.Tie tie) {
            line(ties, tie.externalId(), tie.fromExternalId(), tie.toExternalId(), tie.type().name(),
                    tie.since().toString(), null, String.valueOf(tie.declaredStrength()), null, null);
        }

        @Override
        public void touchpoint(SyntheticNetwork.Touchpoint tp) {
            line(touchpoints, tp.externalId(), tp.channel(), tp.occurredAt().toString(), tp.topic(), tp.outcome(), null,
                    join(tp.participants()), null);
        }

        @Override
        public void close() throws IOException {
            contacts.close();
            ties.close();
            touchpoints.close();
        }

        private static String status(Map<Channel, ConsentInput> consent, Channel channel) {
            ConsentInput in = consent.get(channel);
            return in == null ? null : in.status().name();
        }

        private static String join(List<String> values) {
            return values == null || values.isEmpty() ? null : String.join(ImportColumns.LIST_SEPARATOR, values);
        }
    }

    /** The edge list and planted communities for the analytics peer baseline. */
    public static final class EdgeList implements SyntheticNetwork.Sink, Closeable {

        private final Writer edges;
        private final Writer truth;

        public EdgeList(Path edgesFile, Path truthFile) throws IOException {
            edges = open(edgesFile, List.of("source", "target", "weight"));
            truth = open(truthFile, List.of("id", "community"));
        }

        @Override
        public void contact(SyntheticNetwork.Contact contact) {
            line(truth, contact.externalId(), String.valueOf(contact.community()));
        }

        @Override
        public void tie(SyntheticNetwork.Tie tie) {
            line(edges, tie.fromExternalId(), tie.toExternalId(), String.valueOf(tie.declaredStrength()));
        }

        @Override
        public void close() throws IOException {
            edges.close();
            truth.close();
        }
    }

    /** Sends every record to each sink in turn. */
    public static SyntheticNetwork.Sink all(SyntheticNetwork.Sink... sinks) {
        return new SyntheticNetwork.Sink() {
            @Override
            public void contact(SyntheticNetwork.Contact contact) {
                for (var s : sinks) {
                    s.contact(contact);
                }
            }

            @Override
            public void tie(SyntheticNetwork.Tie tie) {
                for (var s : sinks) {
                    s.tie(tie);
                }
            }

            @Override
            public void touchpoint(SyntheticNetwork.Touchpoint touchpoint) {
                for (var s : sinks) {
                    s.touchpoint(touchpoint);
                }
            }
        };
    }

    private static Writer open(Path file, List<String> header) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 16);
        w.write(String.join(",", header));
        w.write('\n');
        return w;
    }

    private static void line(Writer w, String... cells) {
        try {
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    w.write(',');
                }
                String cell = cells[i];
                if (cell == null) {
                    continue;
                }
                if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0) {
                    w.write('"');
                    w.write(cell.replace("\"", "\"\""));
                    w.write('"');
                } else {
                    w.write(cell);
                }
            }
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
