package health.circles.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.failure.DomainException;
import health.circles.security.Roles;
import health.circles.sync.BackgroundWork;
import health.circles.sync.CoalescingWorker;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Delivers published events to webhook subscriptions, following Standard Webhooks: at least once, in position order
 * per subscription (the next event goes only after the previous one was answered 2xx), retried with exponential
 * backoff, the subscription disabled after repeated failures or at once on a 410. One deliverer works at a time
 * across replicas: it holds a session advisory lock on a connection of its own, which holds no transaction, so it
 * never delays the publication of events. Redirects are not followed, time is bounded, and each delivery connects to
 * the address just checked as public (see {@link WebhookTargets}).
 */
@ApplicationScoped
public class WebhookDeliverer {

    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class);
    /** Events one subscription gets per round, so that a backlog of one does not starve the others. */
    private static final int PER_ROUND = 100;

    /**
     * How long one owner's subscriptions may take of a round, together: deliveries go one at a time, so an owner
     * whose targets answer slowly (up to the request timeout each) would otherwise hold every other owner's events
     * for as long as their many subscriptions take. Past it, each of their subscriptions gets one event a round.
     */
    static final Duration OWNER_BUDGET = Duration.ofSeconds(10);
    private static final int MAX_ERROR = 500;

    private final AgroalDataSource dataSource;
    private final WebhookStore store;
    private final EventStore events;
    private final EventFeed feed;
    private final WebhookTargets targets;
    private final WebhooksConfig config;
    private final ObjectMapper json;
    private final Instance<EventRecords> records;
    private final health.circles.security.AuditLog audit;
    private final Vertx vertx;
    private final CoalescingWorker worker;
    private final jakarta.enterprise.event.Event<Due> due;
    private final Clock clock = Clock.systemUTC();
    private volatile HttpClient client;

    WebhookDeliverer(AgroalDataSource dataSource, WebhookStore store, EventStore events, EventFeed feed,
                     WebhookTargets targets, WebhooksConfig config, ObjectMapper json, Instance<EventRecords> records,
                     Vertx vertx, BackgroundWork background, jakarta.enterprise.event.Event<Due> due,
                     health.circles.security.AuditLog audit) {
        this.audit = audit;
        this.dataSource = dataSource;
        this.store = store;
        this.events = events;
        this.feed = feed;
        this.targets = targets;
        this.config = config;
        this.json = json;
        this.records = records;
        this.vertx = vertx;
        this.worker = background.worker("webhook-deliverer", this::deliverAll);
        this.due = due;
    }

    /** Fired by writes to subscriptions that may make a delivery due (re-enabling, replay). */
    record Due() {
    }

    void onStart(@Observes StartupEvent event) {
        worker.wake();
    }

    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        worker.stop(false);
        HttpClient c = client;
        if (c != null) {
            c.close();
        }
    }

    void onPublished(@Observes EventPublisher.Published published) {
        worker.wake();
    }

    void onDue(@Observes(during = TransactionPhase.AFTER_SUCCESS) Due due) {
        worker.wake();
    }

    @Scheduled(every = "${circles.webhooks.interval:2s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        worker.wake();
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purgeLog() {
        store.purgeLog(clock.instant().minus(config.logRetention()));
    }

    /** Wakes the deliverer once the caller's transaction commits. */
    void wakeAfterCommit() {
        due.fire(new Due());
    }

    /** One round over the due subscriptions, under the deliverer's lock; again while any delivered something. */
    void deliverAll() {
        try (Connection lock = dataSource.getConnection()) {
            if (!store.tryLock(lock)) {
                return; // another replica delivers
            }
            try {
                boolean progress;
                do {
                    progress = false;
                    Map<String, Long> spent = new HashMap<>(); // nanoseconds of this round, by owner
                    for (WebhookStore.Subscription s : store.due(clock.instant())) {
                        if (worker.stopping()) {
                            return;
                        }
                        // Once the owner's budget is spent, each of their other subscriptions still gets one event a
                        // round (so none of them starves behind a busy sibling), and the rest waits for the next.
                        long budget = Math.max(0, OWNER_BUDGET.toNanos() - spent.getOrDefault(s.ownerSubject(), 0L));
                        long started = System.nanoTime();
                        try {
                            progress |= deliverSome(s, started + budget);
                        } catch (RuntimeException e) {
                            // One subscription's trouble (its row changed, a store hiccup) must not stop the others.
                            LOG.warnf("Webhook %s: delivery round failed: %s", s.id(), e.getMessage());
                        }
                        spent.merge(s.ownerSubject(), System.nanoTime() - started, Long::sum);
                    }
                } while (progress && !worker.stopping());
            } finally {
                store.unlock(lock);
            }
        } catch (SQLException e) {
            LOG.warnf("Webhook delivery round failed: %s", e.getMessage());
        }
    }

    /**
     * Delivers a subscription's next events in order until one fails, none is left, or its owner's time in this round
     * runs out at {@code deadline} ({@link System#nanoTime()}); whether any went.
     */
    private boolean deliverSome(WebhookStore.Subscription s, long deadline) {
        String[] types = TypeFilter.resolve(s.types(), s.ownerRoles(), false);
        long from = s.deliveredThrough();
        int failures = s.failures();
        boolean any = false;
        for (int i = 0; i < PER_ROUND && (i == 0 || System.nanoTime() < deadline); i++) {
            long last = events.state().lastPosition();
            List<EventStore.Stored> next = types.length == 0 ? List.of() : events.after(from, types, 1);
            if (next.isEmpty()) {
                if (last > from) {
                    store.skipped(s.id(), from, last); // nothing of its types up to the last published position
                }
                return any;
            }
            EventStore.Stored event = next.get(0);
            Attempt attempt = attempt(s, event, failures + 1);
            Instant at = attempt.at();
            if (attempt.delivered()) {
                store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures + 1, at,
                        attempt.status(), attempt.latencyMs(), null, null);
                if (!store.delivered(s.id(), from, event.position())) {
                    return any; // replayed or changed meanwhile: the next round starts from the new point
                }
                from = event.position();
                failures = 0;
                any = true;
                continue;
            }
            failures++;
            if (attempt.status() != null && attempt.status() == 410) {
                store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures, at,
                        attempt.status(), attempt.latencyMs(), attempt.error(), null);
                store.disable(s.id(), "the target answered 410 Gone", at);
                LOG.infof("Webhook %s disabled: its target answered 410 Gone", s.id());
                return any;
            }
            if (failures >= config.maxFailures()) {
                store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures, at,
                        attempt.status(), attempt.latencyMs(), attempt.error(), null);
                store.failed(s.id(), from, failures, null);
                store.disable(s.id(), failures + " consecutive failed deliveries", at);
                LOG.infof("Webhook %s disabled after %d consecutive failed deliveries", s.id(), failures);
                return any;
            }
            Instant retry = at.plus(backoff(failures));
            store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures, at,
                    attempt.status(), attempt.latencyMs(), attempt.error(), retry);
            store.failed(s.id(), from, failures, retry);
            return any;
        }
        return any;
    }

    private Duration backoff(int failures) {
        Duration d = config.retryBackoff().multipliedBy(1L << Math.min(failures - 1, 30));
        return d.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : d;
    }

    /** How one attempt went. */
    private record Attempt(Instant at, boolean delivered, Integer status, Long latencyMs, String error) {
    }

    private Attempt attempt(WebhookStore.Subscription s, EventStore.Stored event, int attempt) {
        Instant at = clock.instant();
        WebhookTargets.Target target;
        try {
            target = targets.resolve("url", URI.create(s.url()));
        } catch (DomainException e) {
            return new Attempt(at, false, null, null, "target refused: " + e.getMessage());
        } catch (RuntimeException e) {
            return new Attempt(at, false, null, null, "target refused: " + e.getClass().getSimpleName());
        }
        String messageId = EventView.idOf(event.position());
        long timestamp = at.getEpochSecond();
        String body;
        try {
            body = json.writeValueAsString(payload(s, event));
        } catch (JsonProcessingException | RuntimeException e) {
            return new Attempt(at, false, null, null, "payload: " + e.getClass().getSimpleName());
        }
        List<String> secrets = new ArrayList<>();
        secrets.add(s.secret());
        if (s.previousSecret() != null && s.previousSecretUntil() != null && s.previousSecretUntil().isAfter(at)) {
            secrets.add(s.previousSecret());
        }
        String signature = WebhookSignature.header(secrets, messageId, timestamp, body);
        long started = System.nanoTime();
        try {
            int status = send(target, messageId, timestamp, signature, body);
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (s.includeRecord()) {
                auditDisclosure(s, event, status);
            }
            boolean ok = status >= 200 && status < 300;
            return new Attempt(at, ok, status, latency, ok ? null : "HTTP " + status
                    + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
        } catch (TimeoutException e) {
            return new Attempt(at, false, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    "timed out after " + config.requestTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Attempt(at, false, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    trim(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(at, false, null, null, "interrupted (shutting down)");
        }
    }

    /**
     * A record sent to a webhook is a disclosure like a read: one audit row in the owner's name, naming the contact
     * (for contact records) and the subscription, never its URL's secret parts or the secret.
     */
    private void auditDisclosure(WebhookStore.Subscription s, EventStore.Stored event, int status) {
        List<java.util.UUID> contacts = "contact".equals(event.subjectKind()) ? List.of(event.subjectId()) : List.of();
        audit.append(new health.circles.security.AuditLog.Event(s.ownerSubject(), s.ownerRoles(),
                "webhook-delivery", event.subjectKind(), event.subjectId().toString(), null, contacts, "POST",
                "webhook:" + s.id(), status, EventView.idOf(event.position()), null));
    }

    /** The Standard Webhooks body: type, timestamp, and the event as data (with the record, when asked for). */
    private Map<String, Object> payload(WebhookStore.Subscription s, EventStore.Stored event) {
        EventView view = feed.view(event);
        if (s.includeRecord() && (s.ownerRoles().contains(Roles.ADMIN) || s.ownerRoles().contains(Roles.INTEGRATION))) {
            view = view.withRecord(record(event).orElse(null));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("timestamp", event.occurredAt().toString());
        body.put("data", view);
        return body;
    }

    private Optional<Object> record(EventStore.Stored event) {
        for (EventRecords r : records) {
            if (r.kind().equals(event.subjectKind())) {
                return r.read(event.subjectId());
            }
        }
        return Optional.empty();
    }

    int send(WebhookTargets.Target target, String messageId, long timestamp, String signature, String body)
            throws InterruptedException, ExecutionException, TimeoutException {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.https())
                .setURI(target.pathAndQuery())
                .setFollowRedirects(false)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.requestTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "Circles-Webhooks/1")
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature);
        return client().request(options)
                .compose(request -> request.send(Buffer.buffer(body)))
                // Only the status counts. The answer's body is neither read nor kept: a response stream without a
                // handler drops its chunks. (Setting one throws once the response has ended, which a short answer can
                // have done by the time this step runs on a held-up sending thread; the delivery was then logged with
                // that error instead of the target's status.)
                .map(response -> response.statusCode())
                .toCompletionStage().toCompletableFuture()
                .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions()
                            .setKeepAlive(false)
                            .setMaxRedirects(0)
                            .setVerifyHost(true)
                            .setForceSni(true)
                            .setConnectTimeout((int) config.connectTimeout().toMillis()));
                }
                c = client;
            }
        }
        return c;
    }

    private static String trim(String s) {
        return s.length() > MAX_ERROR ? s.substring(0, MAX_ERROR) : s;
    }
}
