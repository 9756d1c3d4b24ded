package health.circles.demo;

import health.circles.analytics.AnalyticsService;
import health.circles.analytics.RunView;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.group.GroupInput;
import health.circles.group.GroupKind;
import health.circles.group.GroupService;
import health.circles.group.MemberInput;
import health.circles.security.Callers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final GroupService groups;
    private final Callers callers;
    /** The demo import queued by this process, until the first analytics run over it has started. */
    private volatile UUID awaitingAnalysis;
    /** The network the demo import was written from, until its groups are made. */
    private volatile SyntheticNetwork network;

    /** At most this many of each: enough for the map and the group endpoints, quick at start. */
    static final int HOUSEHOLDS = 40;
    static final int CONGREGATIONS = 3;
    static final int CARE_TEAMS = 20;

    DemoData(DemoConfig config, ImportService imports, ContactService contacts, com.fasterxml.jackson.databind.ObjectMapper json,
             SyncMonitor sync, AnalyticsService analytics, GroupService groups, Callers callers) {
        this.groups = groups;
        this.callers = callers;
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
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
        SyntheticNetwork made = network;
        network = null;
        if (made != null) {
            try {
                int count = callers.asIntegration("demo", () -> makeGroups(made));
                LOG.infof("Demo groups: %d households, congregations and care teams", count);
            } catch (DomainException e) {
                LOG.warnf("Demo groups not made: %s", e.getMessage());
            }
        }
        try {
            RunView run = analytics.start(null, "GRAPH_CHANGE");
            LOG.infof("Demo network in both stores: analytics run %s started (influencers, communities, maps)", run.id());
        } catch (DomainException e) { // refused by the run's rules (e.g. one already running)
            LOG.infof("Demo network in both stores; no analytics run started: %s", e.getMessage());
        }
    }

    /**
     * The demo network's groups, once its contacts are in: households (the synthetic families, head first), each
     * community's congregation with the households its MEMBER_OF ties join (managed by the congregation's
     * organisation), and care teams (a patient, their household's caregiver, a clinician of their community's
     * clinic). Returns how many groups were made.
     */
    int makeGroups(SyntheticNetwork made) {
        Map<Integer, UUID> ids = new HashMap<>();
        java.util.function.IntFunction<UUID> id = i -> ids.computeIfAbsent(i, k -> contacts
                .byExternalId(made.contactId(k)).items().stream().findFirst().map(ContactView::id).orElse(null));
        int count = 0;
        int households = 0;
        int congregations = 0;
        int careTeams = 0;
        for (int c = 0; c < made.communities(); c++) {
            int[] range = made.communityRange(c);
            UUID clinician = null;
            int clinicianIndex = -1;
            for (int i = range[0]; i < range[1]; i++) {
                if (made.kindOf(i).isClinician()) {
                    clinician = id.apply(i);
                    clinicianIndex = i;
                    break;
                }
            }
            for (int i = range[0]; i < range[1]; i++) {
                if (made.isCongregation(i) && congregations < CONGREGATIONS && !made.congregantsOf(i).isEmpty()) {
                    List<MemberInput> members = new ArrayList<>();
                    for (int head : made.congregantsOf(i)) {
                        UUID member = id.apply(head);
                        if (member != null && members.size() < 100) {
                            members.add(new MemberInput(member, "member", null, null));
                        }
                    }
                    groups.create(new GroupInput(GroupKind.CONGREGATION, "Congregation of community " + (c + 1),
                            null, null, id.apply(i), members));
                    congregations++;
                    count++;
                }
                if (made.householdOf(i) != i) {
                    continue; // i is not the first member of a household
                }
                List<Integer> family = new ArrayList<>();
                for (int j = i; j < range[1] && made.householdOf(j) == i; j++) {
                    family.add(j);
                }
                if (family.size() >= 2 && households < HOUSEHOLDS) {
                    List<MemberInput> members = new ArrayList<>();
                    for (int j : family) {
                        UUID member = id.apply(j);
                        if (member != null) {
                            members.add(new MemberInput(member, j == i ? "head" : "member", null, null));
                        }
                    }
                    groups.create(new GroupInput(GroupKind.HOUSEHOLD, made.familyOf(i) + " household", null,
                            null, null, members));
                    households++;
                    count++;
                }
                int carer = family.stream().filter(j -> made.kindOf(j) == ContactKind.CAREGIVER).findFirst()
                        .orElse(-1);
                if (carer >= 0 && clinician != null && careTeams < CARE_TEAMS
                        && made.kindOf(i) == ContactKind.PATIENT && id.apply(i) != null && id.apply(carer) != null) {
                    ContactKind kind = made.kindOf(clinicianIndex);
                    String role = kind == ContactKind.PHYSICIAN ? "physician" : kind == ContactKind.NURSE ? "nurse"
                            : "clinician";
                    groups.create(new GroupInput(GroupKind.CARE_TEAM, "Care team", null, null, null, List.of(
                            new MemberInput(id.apply(i), "patient", null, null),
                            new MemberInput(id.apply(carer), "caregiver", null, null),
                            new MemberInput(clinician, role, null, null))));
                    careTeams++;
                    count++;
                }
            }
        }
        return count;
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
            SyntheticNetwork made = new SyntheticNetwork(spec);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
                 ImportFiles.Ndjson sink = new ImportFiles.Ndjson(json, out)) {
                made.generate(sink);
            }
            network = made;
            return imports.submitFile(file, ImportFormat.NDJSON);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the demo network", e);
        }
    }
}
