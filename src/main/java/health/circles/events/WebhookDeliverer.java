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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.NoStackTraceTimeoutException;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
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
     * for as long as their many subscriptions take. Once it is spent, the owner's other subscriptions wait for the
     * next round (the attempt under way when it runs out still ends, so a round may overrun it by one attempt).
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
    /** Rounds begun, which decides which of an owner's subscriptions goes first ({@link #inTurn}). */
    private final AtomicLong rounds = new AtomicLong();
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
                    progress = round(store.due(clock.instant()), rounds.getAndIncrement(), System::nanoTime,
                            worker::stopping, this::deliverSome);
                } while (progress && !worker.stopping());
            } finally {
                store.unlock(lock);
            }
        } catch (SQLException e) {
            LOG.warnf("Webhook delivery round failed: %s", e.getMessage());
        }
    }

    /** A subscription's turn in a round: delivers until {@code deadline} ({@link System#nanoTime()}); whether any. */
    @FunctionalInterface
    interface Turn {
        boolean take(WebhookStore.Subscription s, long deadline);
    }

    /**
     * One round over the due subscriptions, {@link #inTurn in turn}, each owner's together bounded by
     * {@link #OWNER_BUDGET}: once an owner's time in the round is spent, the rest of their subscriptions wait for the
     * next round, so one owner's many slow targets hold back the others' events by about the budget, not by the sum
     * of their timeouts. Whether any subscription delivered something. {@code nanoTime} and {@code stopping} are
     * {@link System#nanoTime()} and the worker's, but for tests.
     */
    static boolean round(List<WebhookStore.Subscription> due, long round, LongSupplier nanoTime,
                         BooleanSupplier stopping, Turn turn) {
        long budget = OWNER_BUDGET.toNanos();
        Map<String, Long> spent = new HashMap<>(); // nanoseconds of this round, by owner
        boolean progress = false;
        for (WebhookStore.Subscription s : inTurn(due, round)) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            long used = spent.getOrDefault(s.ownerSubject(), 0L);
            if (used >= budget) {
                continue;
            }
            long started = nanoTime.getAsLong();
            try {
                progress |= turn.take(s, started + budget - used);
            } catch (RuntimeException e) {
                // One subscription's trouble (a store hiccup) must not stop the others.
                LOG.warnf("Webhook %s: delivery round failed: %s", s.id(), e.getMessage());
            }
            spent.merge(s.ownerSubject(), nanoTime.getAsLong() - started, Long::sum);
        }
        return progress;
    }

    /**
     * The order of a round: owners take turns, one subscription each (in the order of their first due one), and each
     * owner's subscriptions start one further on every round, so that when an owner's budget runs out before all of
     * theirs had a turn, a different one is left waiting each time and none starves behind its siblings.
     */
    static List<WebhookStore.Subscription> inTurn(List<WebhookStore.Subscription> due, long round) {
        Map<String, List<WebhookStore.Subscription>> byOwner = new LinkedHashMap<>();
        for (WebhookStore.Subscription s : due) {
            byOwner.computeIfAbsent(s.ownerSubject(), o -> new ArrayList<>()).add(s);
        }
        int longest = 0;
        for (List<WebhookStore.Subscription> own : byOwner.values()) {
            Collections.rotate(own, (int) -Math.floorMod(round, (long) own.size()));
            longest = Math.max(longest, own.size());
        }
        List<WebhookStore.Subscription> order = new ArrayList<>(due.size());
        for (int i = 0; i < longest; i++) {
            for (List<WebhookStore.Subscription> own : byOwner.values()) {
                if (i < own.size()) {
                    order.add(own.get(i));
                }
            }
        }
        return order;
    }

    /**
     * Delivers a subscription's next events in order until one fails, none is left, or its owner's time in this round
     * runs out at {@code deadline} ({@link System#nanoTime()}); whether any went.
     */
    private boolean deliverSome(WebhookStore.Subscription s, long deadline) {
        String[] types = TypeFilter.resolve(s.types(), s.ownerRoles(), false);
        long version = s.version(); // every write below holds only while the subscription is still at it
        long from = s.deliveredThrough();
        int failures = s.failures();
        boolean any = false;
        for (int i = 0; i < PER_ROUND && (i == 0 || System.nanoTime() < deadline); i++) {
            long last = events.state().lastPosition();
            List<EventStore.Stored> next = types.length == 0 ? List.of() : events.after(from, types, 1);
            if (next.isEmpty()) {
                if (last > from) {
                    store.skipped(s.id(), version, from, last); // nothing of its types up to the last published one
                }
                return any;
            }
            EventStore.Stored event = next.get(0);
            Attempt attempt = attempt(s, event, failures + 1);
            Instant at = attempt.at();
            if (attempt.delivered()) {
                store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures + 1, at,
                        attempt.status(), attempt.latencyMs(), null, null);
                if (!store.delivered(s.id(), version, from, event.position())) {
                    // Disabled, changed (its URL, say) or replayed meanwhile: not one more event for what it was. The
                    // next round starts from what it is now, with this event again unless it was replayed past it.
                    return any;
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
                if (store.disable(s.id(), version, "the target answered 410 Gone", at)) {
                    LOG.infof("Webhook %s disabled: its target answered 410 Gone", s.id());
                }
                return any;
            }
            if (failures >= config.maxFailures()) {
                store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures, at,
                        attempt.status(), attempt.latencyMs(), attempt.error(), null);
                if (store.failed(s.id(), version, from, failures, null)
                        && store.disable(s.id(), version, failures + " consecutive failed deliveries", at)) {
                    LOG.infof("Webhook %s disabled after %d consecutive failed deliveries", s.id(), failures);
                }
                return any;
            }
            Instant retry = at.plus(backoff(failures));
            store.log(s.id(), event.position(), EventView.idOf(event.position()), event.type(), failures, at,
                    attempt.status(), attempt.latencyMs(), attempt.error(), retry);
            store.failed(s.id(), version, from, failures, retry);
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
        Payload payload;
        String body;
        try {
            payload = payload(s, event);
            body = json.writeValueAsString(payload.body());
        } catch (JsonProcessingException | RuntimeException e) {
            return new Attempt(at, false, null, null, "payload: " + e.getClass().getSimpleName());
        }
        List<String> secrets = new ArrayList<>();
        secrets.add(s.secret());
        if (s.previousSecret() != null && s.previousSecretUntil() != null && s.previousSecretUntil().isAfter(at)) {
            secrets.add(s.previousSecret());
        }
        String signature = WebhookSignature.header(secrets, messageId, timestamp, body);
        if (payload.withRecord()) {
            // The row goes first: once the body is on the wire the record has left, whatever the target answers or
            // whether it answers at all. No row, no sending.
            try {
                auditDisclosure(s, event);
            } catch (RuntimeException e) {
                return new Attempt(at, false, null, null,
                        trim("not sent: its audit row could not be written (" + e.getClass().getSimpleName() + ")"));
            }
        }
        long started = System.nanoTime();
        int status;
        try {
            status = send(target, messageId, timestamp, signature, body);
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
        } catch (RuntimeException e) {
            // A request the HTTP client refuses before sending anything (a port out of range, from a row written
            // before such were refused) fails like any other attempt: logged, counted and backed off, rather than
            // failing the round unseen and being tried again every interval.
            return new Attempt(at, false, null, null,
                    trim("not sent: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        boolean ok = status >= 200 && status < 300;
        return new Attempt(at, ok, status, latency, ok ? null : "HTTP " + status
                + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
    }

    /**
     * A record sent to a webhook is a disclosure like a read: one audit row in the owner's name, naming the contact
     * (for contact records) and the subscription, never its URL's secret parts or the secret. One per attempt that
     * carried the record (each sent it again); none for an event sent without one (no record of its kind, or the
     * record deleted or erased), which discloses no more than the feed. Written before the body is sent, so its status
     * is 0 (the target's answer is in the delivery log, under the same {@code webhook-id}).
     */
    private void auditDisclosure(WebhookStore.Subscription s, EventStore.Stored event) {
        List<java.util.UUID> contacts = "contact".equals(event.subjectKind()) ? List.of(event.subjectId()) : List.of();
        audit.append(new health.circles.security.AuditLog.Event(s.ownerSubject(), s.ownerRoles(),
                "webhook-delivery", event.subjectKind(), event.subjectId().toString(), null, contacts, "POST",
                "webhook:" + s.id(), 0, EventView.idOf(event.position()), null));
    }

    /** A body to send, and whether it carries a record. */
    private record Payload(Map<String, Object> body, boolean withRecord) {
    }

    /** The Standard Webhooks body: type, timestamp, and the event as data (with the record, when asked for). */
    private Payload payload(WebhookStore.Subscription s, EventStore.Stored event) {
        EventView view = feed.view(event);
        Object record = null;
        if (s.includeRecord() && (s.ownerRoles().contains(Roles.ADMIN) || s.ownerRoles().contains(Roles.INTEGRATION))) {
            record = record(event).orElse(null);
            view = view.withRecord(record);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("timestamp", event.occurredAt().toString());
        body.put("data", view);
        return new Payload(body, record != null);
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
        Future<HttpClientRequest> requested = client().request(options);
        // Only the status counts. The answer's body is neither read nor kept: a response stream without a handler
        // drops its chunks. (Setting one throws once the response has ended, which a short answer can have done by
        // the time this step runs on a held-up sending thread; the delivery was then logged with that error instead
        // of the target's status.) Once the status is in, the connection is closed: the request timeout ends when the
        // head arrives, so a target that answered 200 and then never ended its body would otherwise hold the socket
        // open for as long as it kept sending, a file descriptor per delivery.
        Future<Integer> answered = requested.compose(request -> request.send(Buffer.buffer(body)).map(response -> {
            int status = response.statusCode();
            try {
                response.exceptionHandler(unread -> { }); // the rest of the body fails on the close: nobody reads it
            } catch (IllegalStateException ended) {
                // the answer has ended already: nothing of it is left to fail
            }
            hangUp(request);
            return status;
        }));
        try {
            return answered.toCompletionStage().toCompletableFuture()
                    .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            // Given up on: its connection goes too, now or once it is made, rather than whenever the idle timeout
            // gets to it (no later than this, as things are: only a final answer's body keeps that off).
            requested.onSuccess(WebhookDeliverer::hangUp);
            if (e instanceof ExecutionException && e.getCause() instanceof NoStackTraceTimeoutException) {
                // Vert.x's idle timeout and the wait above are the same length: whichever ends first, the attempt
                // timed out, and its delivery says so in the same words.
                TimeoutException timedOut = new TimeoutException(e.getCause().getMessage());
                timedOut.initCause(e.getCause());
                throw timedOut;
            }
            throw e;
        }
    }

    /**
     * Closes a delivery's connection. What it was still receiving (a body, a head) then fails, which Vert.x would log
     * as an error for want of a handler; nobody reads it, so it goes unsaid.
     */
    private static void hangUp(HttpClientRequest request) {
        HttpConnection connection = request.connection();
        connection.exceptionHandler(unread -> { });
        connection.close();
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
