package health.circles.demo;

import health.circles.contact.Contacts;
import health.circles.imports.ImportFormat;
import health.circles.imports.ImportJobView;
import health.circles.imports.ImportService;
import health.circles.synthetic.ImportFiles;
import health.circles.synthetic.SyntheticNetwork;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Loads the demo network on the first start: a synthetic health network (households, clinics, congregations and
 * neighbourhood groups with planted communities) written as an NDJSON file and queued through the bulk import, so
 * the demo takes the same path as real data.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    private final DemoConfig config;
    private final ImportService imports;
    private final Contacts store;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    DemoData(DemoConfig config, ImportService imports, Contacts store, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.config = config;
        this.imports = imports;
        this.store = store;
        this.json = json;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled() && isEmpty()) {
            ImportJobView job = load();
            LOG.infof("Demo network of %d contacts queued as import %s (CIRCLES_DEMO_DATA=false turns this off)",
                    config.contacts(), job.id());
        }
    }

    @Transactional
    boolean isEmpty() {
        return store.count() == 0;
    }

    ImportJobView load() {
        SyntheticNetwork.Spec spec = SyntheticNetwork.Spec.of(config.contacts(),
                (long) config.contacts() * config.tiesPerContact(), config.mixing(), config.seed())
                .withPrefix("demo-");
        try {
            Path file = Files.createTempFile("circles-demo", ".ndjson");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
                 ImportFiles.Ndjson sink = new ImportFiles.Ndjson(json, out)) {
                new SyntheticNetwork(spec).generate(sink);
            }
            return imports.submitFile(file, ImportFormat.NDJSON);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the demo network", e);
        }
    }
}
