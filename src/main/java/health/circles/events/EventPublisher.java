package health.circles.events;

import health.circles.sync.BackgroundWork;
import health.circles.sync.CoalescingWorker;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Gives committed change events their public positions: one numbering at a time across replicas (an advisory lock
 * held for the numbering's transaction), nudged after every commit that recorded events and on a schedule. Also
 * purges events past their retention.
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final AgroalDataSource dataSource;
    private final EventStore store;
    private final EventsConfig config;
    private final Event<Published> published;
    private final CoalescingWorker worker;
    private final Object progress = new Object();
    private final Clock clock = Clock.systemUTC();

    EventPublisher(AgroalDataSource dataSource, EventStore store, EventsConfig config, Event<Published> published,
                   BackgroundWork background) {
        this.dataSource = dataSource;
        this.store = store;
        this.config = config;
        this.published = published;
        this.worker = background.worker("event-publisher", this::publishAll);
    }

    /** Fired after a numbering committed that published events (the deliverer wakes on it). */
    public record Published(long count) {
    }

    void onStart(@Observes StartupEvent event) {
        worker.wake();
    }

    void onStop(@Observes @jakarta.annotation.Priority(10) ShutdownEvent event) {
        worker.stop(false);
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChangeEvents.Recorded recorded) {
        worker.wake();
    }

    @Scheduled(every = "${circles.events.publish-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        worker.wake();
    }

    @Scheduled(every = "1h", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purge() {
        long through = store.purge(clock.instant().minus(config.retention()));
        LOG.debugf("Change events purged through position %d", through);
    }

    /** Asks for a numbering now; coalesces with one already queued. */
    public void wake() {
        worker.wake();
    }

    /**
     * Waits until the last published position passes {@code position} or the timeout ends; returns the last
     * published position. Another replica's publications are seen by polling.
     */
    long awaitBeyond(long position, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long last = store.state().lastPosition();
            long left = deadline - System.nanoTime();
            if (last > position || left <= 0) {
                return last;
            }
            synchronized (progress) {
                try {
                    progress.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 250)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return last;
                }
            }
        }
    }

    /** Numbers batches until none is left or another replica holds the lock. */
    void publishAll() {
        long count;
        do {
            count = QuarkusTransaction.requiringNew().timeout(60).call(this::publishOnce);
            if (count > 0) {
                synchronized (progress) {
                    progress.notifyAll();
                }
                published.fire(new Published(count));
            }
        } while (count >= config.publishBatch() && !worker.stopping());
    }

    private long publishOnce() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return store.publish(c, config.publishBatch());
        }
    }
}
