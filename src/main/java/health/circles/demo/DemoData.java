package health.circles.demo;

import health.circles.analytics.AnalyticsService;
import health.circles.analytics.RunView;
import health.circles.contact.ContactService;
import health.circles.failure.DomainException;
import health.circles.imports.ImportFormat;
import health.circles.imports.ImportJobView;
import health.circles.imports.ImportService;
import health.circles.imports.ImportState;
import health.circles.sync.SyncMonitor;
import health.circles.synthetic.ImportFiles;
import health.circles.synthetic.SyntheticNetwork;
import health.circles.failure.DomainException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Loads the demo network on the first start: a synthetic health network (households, clinics, congregations and
 * neighbourhood groups with planted communities) written as an NDJSON file and queued through the bulk import, so
 * the demo takes the same path as real data. Once both stores hold it, one analytics run starts, so influencers,
 * communities and the map page have something to show on the first visit.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    private final DemoConfig config;
    private final ImportService imports;
    private final ContactService contacts;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final SyncMonitor sync;
    private final AnalyticsService analytics;
    /** The demo import queued by this process, until the first analytics run over it has started. */
    private volatile UUID awaitingAnalysis;

    DemoData(DemoConfig config, ImportService imports, ContactService contacts, com.fasterxml.jackson.databind.ObjectMapper json,
             SyncMonitor sync, AnalyticsService analytics) {
        this.config = config;
        this.imports = imports;
        this.contacts = contacts;
        this.json = json;
        this.sync = sync;
        this.analytics = analytics;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled() && isEmpty()) {
            ImportJobView job = load();
            awaitingAnalysis = job.id();
            LOG.infof("Demo network of %d contacts queued as import %s (CIRCLES_DEMO_ENABLED=false turns this off)",
                    config.contacts(), job.id());
        }
    }

    /** Starts the first analytics run once the demo import succeeded and the graph holds all of it. */
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void analyseOnceLoaded() {
        UUID job = awaitingAnalysis;
        if (job == null) {
            return;
        }
        ImportState state = imports.get(job).state();
        if (state == ImportState.QUEUED || state == ImportState.RUNNING || sync.status().backlog() > 0) {
            return;
        }
        awaitingAnalysis = null;
        if (state != ImportState.SUCCEEDED) {
            return;
        }
        try {
            RunView run = analytics.start(null, "GRAPH_CHANGE");
            LOG.infof("Demo network in both stores: analytics run %s started (influencers, communities, maps)", run.id());
        } catch (DomainException e) { // refused by the run's rules (e.g. one already running)
            LOG.infof("Demo network in both stores; no analytics run started: %s", e.getMessage());
        }
    }

    boolean isEmpty() {
        return contacts.none();
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
