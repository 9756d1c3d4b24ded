package health.circles.web;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The link between a cache of answers and {@link ReusableBodyInterceptor}: a cache offers, for the call being
 * answered, the value it hands out and the slot where that value's JSON is kept. The body is reused only when the
 * resource method returns that very instance (compared by identity), so an answer filtered, copied or wrapped after
 * the cache is always written afresh.
 */
@ApplicationScoped
public class ReusableBodies {

    /** A cached value and where its serialized JSON is kept (empty until the first call that shows it). */
    public record Offer(Object value, AtomicReference<byte[]> json) {

        /** {@code value}, its JSON not written yet. */
        public Offer(Object value) {
            this(value, new AtomicReference<>());
        }
    }

    private static final String KEY = ReusableBodies.class.getName();

    private final CurrentVertxRequest request;
    private final AtomicLong reused = new AtomicLong();

    ReusableBodies(CurrentVertxRequest request) {
        this.request = request;
    }

    /** Offers a cached value and its kept JSON to the current call; nothing happens outside an HTTP call. */
    public void offer(Offer offer) {
        RoutingContext current = request.getCurrent();
        if (current != null) {
            current.put(KEY, offer);
        }
    }

    /** How many answers were sent as kept bytes since start. */
    public long reused() {
        return reused.get();
    }

    void reusedOnce() {
        reused.incrementAndGet();
    }

    /** What was offered for the current call, if it is {@code entity} itself; else null. */
    Offer offered(Object entity) {
        RoutingContext current = request.getCurrent();
        if (current == null) {
            return null;
        }
        Offer offer = current.get(KEY);
        return offer != null && offer.value() == entity ? offer : null;
    }
}
