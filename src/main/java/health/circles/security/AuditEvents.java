package health.circles.security;

import health.circles.web.Ids;
import health.circles.web.Page;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Turns one audited call and its outcome into the rows it leaves: the same rules whenever the rows are written. */
final class AuditEvents {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    /** An audited call as the audit sees it, whichever layer observed it. */
    record Call(Audited audited, Caller caller, String method, String path, Function<String, String> pathParams,
                int status, Object entity, String location, Set<UUID> noted, String requestId, String client,
                String actedAs) {

        /** The row's action: the annotation's, unless the request noted another ({@link AuditNotes#actedAs}). */
        String action() {
            return actedAs == null ? audited.action() : actedAs;
        }
    }

    private AuditEvents() {
    }

    /**
     * The one row of a call. A listing's row names every record it showed, in order, and the union of their contacts
     * (and the path's contact, and the contacts the service noted: a listing filtered by a contact is about that
     * contact), as FHIR's AuditEvent keeps one event with one entity per record; its resource id is the record's when
     * it showed exactly one. A call that carries no records (one that failed, a write without a body, an empty
     * listing) names what its path, its Location or its notes say.
     */
    static AuditLog.Event of(Call call) {
        Audited audited = call.audited();
        List<String> roles = call.caller().roles().stream().sorted().toList();
        String path = clip(call.path(), 1000);
        UUID pathContact = Ids.orNull(param(call, audited.contactParam()));
        List<AuditedRecord> records = records(call.entity());
        Set<UUID> contacts = new LinkedHashSet<>();
        if (records.isEmpty()) {
            if (pathContact != null) {
                contacts.add(pathContact);
            }
            contacts.addAll(call.noted());
            String resourceId = param(call, audited.idParam());
            if (resourceId == null && call.location() != null) {
                String location = call.location();
                resourceId = location.substring(location.lastIndexOf('/') + 1);
            }
            return new AuditLog.Event(call.caller().subject(), roles, call.action(), audited.resource(),
                    clip(resourceId, 100), null, List.copyOf(contacts), call.method(), path, call.status(),
                    call.requestId(), call.client());
        }
        List<String> ids = new ArrayList<>(records.size());
        records.forEach(record -> ids.add(clip(record.auditId(), 100)));
        boolean one = records.size() == 1;
        Set<UUID> only = one ? records.get(0).auditContacts() : null;
        if (one && (pathContact == null || only.contains(pathContact)) && only.containsAll(call.noted())) {
            // One record naming every contact the call is about (circles name their centre and every member): its
            // own set, in its order, is the row's, rather than a few hundred ids hashed again into a second set.
            contacts = only;
        } else {
            for (AuditedRecord record : records) {
                contacts.addAll(record.auditContacts());
            }
            if (pathContact != null) {
                contacts.add(pathContact);
            }
            contacts.addAll(call.noted()); // a contact the answer is about without being one of its records (a filter)
        }
        return new AuditLog.Event(call.caller().subject(), roles, call.action(), audited.resource(),
                one ? ids.get(0) : null, listing(call.entity()) ? List.copyOf(ids) : null, List.copyOf(contacts),
                call.method(), path, call.status(), call.requestId(), call.client());
    }

    /** When the row of a call is written: {@link Audited.When#AUTO} resolved by the HTTP method. */
    static Audited.When when(Audited audited, String method) {
        if (audited.when() != Audited.When.AUTO) {
            return audited.when();
        }
        return "GET".equals(method) || "HEAD".equals(method) ? Audited.When.BEFORE_ANSWER : Audited.When.IN_TRANSACTION;
    }

    /** Whether the body lists records, rather than being one record. */
    private static boolean listing(Object entity) {
        return entity instanceof Page<?> || entity instanceof Collection<?> || entity instanceof AuditedListing;
    }

    private static List<AuditedRecord> records(Object entity) {
        Collection<?> items;
        if (entity instanceof Page<?> page) {
            items = page.items();
        } else if (entity instanceof Collection<?> list) {
            items = list;
        } else if (entity instanceof AuditedListing listing) {
            items = listing.auditRecords();
        } else if (entity instanceof AuditedRecord one) {
            return List.of(one);
        } else {
            return List.of();
        }
        List<AuditedRecord> records = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof AuditedRecord r) {
                records.add(r);
            }
        }
        return records;
    }

    private static String param(Call call, String name) {
        return name == null || name.isEmpty() ? null : call.pathParams().apply(name);
    }

    /** Paths and ids come from clients: keep what is stored bounded and free of what text columns refuse (NUL). */
    static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = CONTROL.matcher(value).replaceAll("\uFFFD");
        return clean.length() <= max ? clean : clean.substring(0, max);
    }
}
