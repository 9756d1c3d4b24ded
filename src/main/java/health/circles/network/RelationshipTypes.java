package health.circles.network;

import health.circles.contact.ContactKind;
import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.security.Callers;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The registry of relationship types: which types a tie may have, how each reads from either end, which contact kinds
 * it joins, and the admins' additions. Read from PostgreSQL on every use, not cached: the table is a few dozen rows
 * behind its primary key, and a cache would need invalidating on every replica, while a read is always current.
 * Whether a type grants access is not read here but from {@link TieType}: only built-in types grant it.
 */
@ApplicationScoped
public class RelationshipTypes {

    /** A code or a name: UPPER_SNAKE, starting with a letter. */
    public static final String NAME = "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*";
    public static final int NAME_MAX = 40;
    public static final String NAME_MESSAGE =
            "must be UPPER_SNAKE: capital letters and digits in words joined by single underscores, starting with a letter";
    static final double DEFAULT_WEIGHT = 0.5;

    private static final UUID NO_ID = new UUID(0, 0);
    private final RelationshipTypeStore store;
    private final Callers callers;
    private final Clock clock = Clock.systemUTC();

    RelationshipTypes(RelationshipTypeStore store, Callers callers) {
        this.store = store;
        this.callers = callers;
    }

    @Transactional
    public Page<RelationshipType> list(Cursor after, int limit) {
        String from = null;
        if (after != null) {
            if (!NO_ID.equals(after.id()) || !after.key().matches(NAME)) {
                throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
            }
            from = after.key();
        }
        List<RelationshipType> found = store.page(from, limit + 1);
        boolean more = found.size() > limit;
        List<RelationshipType> page = more ? found.subList(0, limit) : found;
        return new Page<>(page, more ? new Cursor(page.get(page.size() - 1).code(), NO_ID).encode() : null);
    }

    @Transactional
    public RelationshipType get(String code) {
        return store.find(code).orElseThrow(() -> new NotFound("Relationship type", code));
    }

    /** Every type by code, for naming a page of ties or checking a batch of rows against the registry. */
    @Transactional
    public Map<String, RelationshipType> byCode() {
        Map<String, RelationshipType> types = new LinkedHashMap<>();
        store.all().forEach(t -> types.put(t.code(), t));
        return types;
    }

    /**
     * The type a tie being written in the caller's transaction names, held against deletion until that transaction
     * ends; an unknown code is a 400 on {@code field}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RelationshipType forTie(String field, String code) {
        return store.findHeld(code).orElseThrow(() -> unknown(field, code));
    }

    /** A query parameter naming one type (any case), or null when absent; an unknown one is a 400. */
    @Transactional
    public String code(String param, String value) {
        List<String> codes = codes(param, value == null ? null : List.of(value));
        if (codes != null && codes.size() > 1) {
            throw InvalidInput.field(param, "names one relationship type");
        }
        return codes == null ? null : codes.get(0);
    }

    /** Query parameters naming types (repeated or comma-separated, any case), or null when none; unknown ones 400. */
    @Transactional
    public List<String> codes(String param, List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        Map<String, RelationshipType> known = null;
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                String code = part.strip().toUpperCase(Locale.ROOT);
                if (known == null) {
                    known = byCode();
                }
                if (!known.containsKey(code)) {
                    throw unknown(param, part.strip());
                }
                out.add(code);
            }
        }
        return out.isEmpty() ? null : new ArrayList<>(out);
    }

    @Transactional
    public RelationshipType create(RelationshipTypeInput in) {
        if (Boolean.TRUE.equals(in.grantsAccess())) {
            throw new RuleRefused("type-grants-access", "Added types grant no access",
                    "Only built-in types (TREATS) grant access to records; an added type cannot",
                    List.of(new DomainException.FieldError("grantsAccess", "must be false for an added type")));
        }
        String forward = in.forwardName() == null ? in.code() : in.forwardName();
        String reverse;
        if (in.symmetric()) {
            if (in.reverseName() != null && !in.reverseName().equals(forward)) {
                throw InvalidInput.field("reverseName", "a symmetric type reads the same from both ends: leave it out "
                        + "or give the forward name (" + forward + ")");
            }
            reverse = forward;
        } else {
            if (in.reverseName() == null) {
                throw InvalidInput.field("reverseName", "a directed type needs a name for its other end");
            }
            if (in.reverseName().equals(forward)) {
                throw InvalidInput.field("reverseName", "a directed type reads differently from its other end; "
                        + "a type that does not is symmetric");
            }
            reverse = in.reverseName();
        }
        store.lockForChange();
        if (store.find(in.code()).isPresent()) {
            throw new Conflict("duplicate-relationship-type", "Conflict",
                    "Relationship type " + in.code() + " exists: /api/v1/relationship-types/" + in.code(),
                    List.of(new Conflict.FieldError("code", "taken")));
        }
        checkNamesFree(in.code(), Map.of("code", in.code(), "forwardName", forward, "reverseName", reverse));
        Instant now = now();
        RelationshipType type = new RelationshipType(in.code(), forward, reverse, kinds(in.fromKinds()),
                kinds(in.toKinds()), in.symmetric(), false,
                in.defaultWeight() == null ? DEFAULT_WEIGHT : in.defaultWeight(), blankToNull(in.description()),
                false, callers.current().subject(), now, now, 0);
        store.insert(type);
        return type;
    }

    @Transactional
    public RelationshipType change(String code, long expectedVersion, RelationshipTypeChange change) {
        store.lockForChange();
        RelationshipType type = get(code);
        if (type.version() != expectedVersion) {
            throw new StaleVersion("Precondition Failed", "The relationship type is at version " + type.version()
                    + ", not " + expectedVersion + "; read it again and reapply the change");
        }
        String forward = change.forwardName() == null ? type.forwardName() : change.forwardName();
        String reverse = change.reverseName() == null ? type.reverseName() : change.reverseName();
        if (type.symmetric()) {
            if (change.reverseName() != null && !change.reverseName().equals(forward)) {
                throw InvalidInput.field("reverseName", "a symmetric type reads the same from both ends");
            }
            reverse = forward;
        } else if (reverse.equals(forward)) {
            throw InvalidInput.field("reverseName", "a directed type reads differently from its other end");
        }
        boolean renamed = !forward.equals(type.forwardName()) || !reverse.equals(type.reverseName());
        if (renamed && type.builtIn()) {
            throw new RuleRefused("built-in-relationship-type", "Built-in relationship type",
                    "The names of built-in type " + code + " are the documented vocabulary clients and the FHIR "
                            + "mapping rely on; only its description and default weight change",
                    List.of(new DomainException.FieldError(change.forwardName() != null ? "forwardName" : "reverseName",
                            "fixed for a built-in type")));
        }
        if (renamed) {
            checkNamesFree(code, Map.of("forwardName", forward, "reverseName", reverse));
        }
        String description = change.description() == null ? type.description() : blankToNull(change.description());
        double weight = change.defaultWeight() == null ? type.defaultWeight() : change.defaultWeight();
        Instant now = now();
        if (!store.update(code, expectedVersion, forward, reverse, description, weight, now)) {
            throw new Conflict("concurrent-update", "The relationship type changed meanwhile; read it again");
        }
        return get(code);
    }

    /** Deletes an added type that no tie, open or ended, has. */
    @Transactional
    public void delete(String code, long expectedVersion) {
        store.lockForChange();
        RelationshipType type = get(code);
        if (type.builtIn()) {
            throw new RuleRefused("built-in-relationship-type", "Built-in relationship type",
                    "Built-in type " + code + " is one the service relies on; it cannot be deleted");
        }
        if (type.version() != expectedVersion) {
            throw new StaleVersion("Precondition Failed", "The relationship type is at version " + type.version()
                    + ", not " + expectedVersion);
        }
        if (store.inUse(code)) {
            throw inUse(code);
        }
        try {
            store.delete(code);
        } catch (RuntimeException e) {
            if (RelationshipTypeStore.isInUse(e)) {
                throw inUse(code); // a tie of the type was written while the check ran
            }
            throw e;
        }
    }

    /**
     * A code or name must not be any other type's code or name, so that a name read on a tie says which type it is
     * and from which end (the registry is locked for change).
     */
    private void checkNamesFree(String code, Map<String, String> names) {
        for (RelationshipType other : store.all()) {
            if (other.code().equals(code)) {
                continue;
            }
            for (Map.Entry<String, String> name : names.entrySet()) {
                String n = name.getValue();
                if (n.equals(other.code()) || n.equals(other.forwardName()) || n.equals(other.reverseName())) {
                    throw new Conflict("relationship-name-taken", "Conflict",
                            n + " already names relationship type " + other.code(),
                            List.of(new Conflict.FieldError(name.getKey(), "names type " + other.code())));
                }
            }
        }
    }

    private static Conflict inUse(String code) {
        return new Conflict("relationship-type-in-use", "Conflict",
                "Ties of type " + code + " exist (ended ones included); delete or retype them first");
    }

    private static InvalidInput unknown(String field, String code) {
        return InvalidInput.field(field, "is not a relationship type: " + code
                + " (GET /api/v1/relationship-types lists them)");
    }

    private static Set<ContactKind> kinds(Set<ContactKind> kinds) {
        return java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(kinds));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
