package health.circles.events;

import health.circles.failure.Conflict;
import health.circles.failure.Gone;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.NotPermitted;
import health.circles.security.Caller;
import health.circles.security.Callers;
import health.circles.security.Roles;
import health.circles.web.Cursor;
import health.circles.web.Page;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Webhook subscriptions: the rules of who owns and sees one (an admin sees all; anyone else only their own, and
 * someone else's answers like an unknown id), the types an owner may subscribe to, the target check, secrets.
 */
@ApplicationScoped
public class WebhookService {

    private final WebhookStore store;
    private final EventStore events;
    private final WebhookTargets targets;
    private final WebhooksConfig config;
    private final Callers callers;
    private final WebhookDeliverer deliverer;
    private final Clock clock = Clock.systemUTC();

    WebhookService(WebhookStore store, EventStore events, WebhookTargets targets, WebhooksConfig config,
                   Callers callers, WebhookDeliverer deliverer) {
        this.store = store;
        this.events = events;
        this.targets = targets;
        this.config = config;
        this.callers = callers;
        this.deliverer = deliverer;
    }

    /**
     * Creates a subscription. The target is checked (a DNS lookup, in production) before the transaction's first
     * statement: a connection joins the transaction only when first used, so a slow name server holds none. The
     * owner's lock then makes counting and inserting one step against concurrent creations.
     */
    @Transactional
    public WebhookView create(WebhookInput in) {
        Caller caller = callers.current();
        List<String> types = TypeFilter.patterns("types", in.types());
        List<String> roles = ownerRoles(caller);
        TypeFilter.resolve(types, roles, true);
        boolean includeRecord = Boolean.TRUE.equals(in.includeRecord());
        checkIncludeRecord(caller, includeRecord);
        String url = targets.check("url", in.url());
        store.lockOwner(caller.subject());
        if (store.countOf(caller.subject()) >= config.maxPerOwner()) {
            throw new Conflict("too-many-webhooks", "You hold " + config.maxPerOwner()
                    + " webhook subscriptions, the most one may; delete one first");
        }
        UUID id = UUID.randomUUID();
        String secret = WebhookSignature.newSecret();
        Instant now = now();
        store.insert(id, caller.subject(), roles, url, types, blankToNull(in.description()), includeRecord, secret,
                now);
        return WebhookView.of(store.find(id).orElseThrow(), secret, now);
    }

    @Transactional
    public WebhookView get(UUID id) {
        return WebhookView.of(owned(id, false), null, now());
    }

    @Transactional
    public Page<WebhookView> list(String cursor, int limit) {
        Caller caller = callers.current();
        Cursor from = Cursor.decode(cursor); // null for none, or a blank one
        UUID after = from == null ? null : from.id();
        List<WebhookStore.Subscription> rows = store.page(caller.has(Roles.ADMIN) ? null : caller.subject(), after,
                limit + 1);
        boolean more = rows.size() > limit;
        List<WebhookStore.Subscription> page = more ? rows.subList(0, limit) : rows;
        Instant now = now();
        return new Page<>(page.stream().map(s -> WebhookView.of(s, null, now)).toList(),
                more ? new Cursor("", page.get(page.size() - 1).id()).encode() : null);
    }

    /**
     * Changes a subscription. A target check may wait for DNS, and must not do so holding the row's lock and a
     * connection (twenty slow lookups would hold the pool): a new URL is checked before the transaction's first
     * statement; re-enabling checks the stored URL, read in a short transaction of its own, before the row is locked,
     * and refuses with 409 when the URL changed meanwhile.
     */
    @Transactional
    public WebhookView update(UUID id, WebhookChange change) {
        Caller caller = callers.current();
        String changedUrl = change.url() == null ? null : targets.check("url", change.url());
        String storedUrlChecked = null;
        if (changedUrl == null && Boolean.TRUE.equals(change.enabled())) {
            WebhookStore.Subscription seen = QuarkusTransaction.requiringNew().call(() -> owned(id, false));
            if (!seen.enabled()) {
                // The target may have moved since it was disabled.
                storedUrlChecked = targets.check("url", seen.url());
            }
        }
        WebhookStore.Subscription s = owned(id, true);
        String url = changedUrl == null ? s.url() : changedUrl;
        List<String> types = change.types() == null ? s.types() : TypeFilter.patterns("types", change.types());
        TypeFilter.resolve(types, s.ownerRoles(), true);
        boolean includeRecord = change.includeRecord() == null ? s.includeRecord() : change.includeRecord();
        if (includeRecord && !s.includeRecord()) {
            checkIncludeRecord(caller, true);
        }
        String description = change.description() == null ? s.description() : blankToNull(change.description());
        boolean enabled = change.enabled() == null ? s.enabled() : change.enabled();
        Instant now = now();
        String reason = s.disabledReason();
        Instant disabledAt = s.disabledAt();
        int failures = s.failures();
        Instant next = s.nextAttemptAt();
        if (enabled && !s.enabled()) {
            if (changedUrl == null && !s.url().equals(storedUrlChecked)) {
                throw new Conflict("concurrent-update", "The webhook changed while its URL was being checked; read "
                        + "it again and retry");
            }
            reason = null;
            disabledAt = null;
            failures = 0;
            next = null;
        } else if (!enabled && s.enabled()) {
            reason = "disabled by " + caller.subject();
            disabledAt = now;
            next = null;
        }
        store.update(new WebhookStore.Subscription(s.id(), s.ownerSubject(), s.ownerRoles(), url, types, description,
                includeRecord, enabled, reason, disabledAt, s.secret(), s.previousSecret(), s.previousSecretUntil(),
                s.deliveredThrough(), failures, next, s.createdAt(), now, s.version()), now);
        deliverer.wakeAfterCommit();
        return WebhookView.of(store.find(id).orElseThrow(), null, now);
    }

    @Transactional
    public void delete(UUID id) {
        owned(id, true);
        store.delete(id);
    }

    /** A new secret, returned once; the old one keeps signing beside it for the grace period. */
    @Transactional
    public WebhookView rotate(UUID id) {
        owned(id, true);
        String secret = WebhookSignature.newSecret();
        Instant now = now();
        store.rotate(id, secret, now.plus(config.rotationGrace()), now);
        return WebhookView.of(store.find(id).orElseThrow(), secret, now);
    }

    /** Delivers again every matching event from {@code from} on, in order (also to a disabled one, once enabled). */
    @Transactional
    public WebhookView replay(UUID id, long from) {
        owned(id, true);
        EventStore.State state = events.state();
        if (from - 1 < state.purgedThrough()) {
            throw new Gone("events-purged", "Gone", "Events up to position " + state.purgedThrough()
                    + " are past their retention and gone; replay from " + (state.purgedThrough() + 1) + " or later");
        }
        if (from - 1 > state.lastPosition()) {
            throw InvalidInput.field("from", "must be at most " + (state.lastPosition() + 1)
                    + ", one past the last event published");
        }
        Instant now = now();
        store.replay(id, from - 1, now);
        deliverer.wakeAfterCommit();
        return WebhookView.of(store.find(id).orElseThrow(), null, now);
    }

    /** The delivery log, newest first. */
    @Transactional
    public Page<DeliveryView> deliveries(UUID id, String cursor, int limit) {
        owned(id, false);
        Long before = null;
        Cursor c = Cursor.decode(cursor); // null for none, or a blank one
        if (c != null) {
            try {
                before = Long.parseLong(c.key());
            } catch (NumberFormatException e) {
                throw InvalidInput.field("cursor", "was not handed out by this listing");
            }
        }
        List<WebhookStore.Delivery> rows = store.deliveries(id, before, limit + 1);
        boolean more = rows.size() > limit;
        List<WebhookStore.Delivery> page = more ? rows.subList(0, limit) : rows;
        return new Page<>(page.stream().map(DeliveryView::of).toList(), more
                ? new Cursor(Long.toString(page.get(page.size() - 1).id()), new UUID(0, 0)).encode() : null);
    }

    /** A subscription the caller may see: an admin any, anyone else their own; others answer as unknown. */
    private WebhookStore.Subscription owned(UUID id, boolean forUpdate) {
        Caller caller = callers.current();
        WebhookStore.Subscription s = (forUpdate ? store.findForUpdate(id) : store.find(id))
                .orElseThrow(() -> new NotFound("Webhook", id));
        if (!caller.has(Roles.ADMIN) && !caller.subject().equals(s.ownerSubject())) {
            throw new NotFound("Webhook", id);
        }
        return s;
    }

    private static List<String> ownerRoles(Caller caller) {
        return EventTypes.READERS.stream().filter(caller::has).sorted().toList();
    }

    private static void checkIncludeRecord(Caller caller, boolean includeRecord) {
        if (includeRecord && !caller.seesEverything()) {
            throw new NotPermitted("include-record-not-permitted", "Forbidden",
                    "Only owners who read records whole (admin, integration) may have records in payloads");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
