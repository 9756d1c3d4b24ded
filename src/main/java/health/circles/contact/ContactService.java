package health.circles.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.security.AuditNotes;
import health.circles.security.Callers;
import health.circles.security.Disclosure;
import health.circles.sync.Outbox;
import health.circles.web.ApiProblem;
import health.circles.web.Cursor;
import health.circles.web.Page;
import health.circles.web.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Contacts: the transaction boundary of every contact write, each committed with its outbox row. */
@ApplicationScoped
public class ContactService {

    private final Contacts contacts;
    private final Outbox outbox;
    private final EntityManager em;
    private final Validator validator;
    private final ObjectMapper json;
    private final Disclosure disclosure;
    private final Callers callers;
    private final AuditNotes auditNotes;
    private final Event<ContactErased> erased;
    private final Clock clock;

    ContactService(Contacts contacts, Outbox outbox, EntityManager em, Validator validator, ObjectMapper json,
                   Disclosure disclosure, Callers callers, AuditNotes auditNotes, Event<ContactErased> erased) {
        this.contacts = contacts;
        this.outbox = outbox;
        this.em = em;
        this.validator = validator;
        this.json = json;
        this.disclosure = disclosure;
        this.callers = callers;
        this.auditNotes = auditNotes;
        this.erased = erased;
        this.clock = Clock.systemUTC();
    }

    /** A contact as written, with the outbox position at which the graph will have seen it. */
    public record Written(ContactView contact, long position) {
    }

    @Transactional
    public Written create(ContactInput input) {
        checkShape(input, null);
        Instant now = now();
        Contact contact = new Contact();
        contact.id = UUID.randomUUID();
        contact.createdAt = now;
        assign(contact, input, now);
        contacts.persist(contact);
        return written(contact);
    }

    @Transactional
    public ContactView get(UUID id) {
        return disclosure.contact(ContactView.of(find(id)));
    }

    /** PUT: replaces every writable field. {@code expectedVersion} is the If-Match version, or null for none. */
    @Transactional
    public Written replace(UUID id, Long expectedVersion, ContactInput input) {
        Contact contact = findForUpdate(id);
        disclosure.requireWhole("Contact", id, id);
        checkVersion(contact, expectedVersion);
        checkShape(input, id);
        assign(contact, input, now());
        return written(contact);
    }

    /** JSON merge patch (RFC 7396) over the writable fields, then validated like a PUT. */
    @Transactional
    public Written patch(UUID id, Long expectedVersion, String mergePatch) throws JsonProcessingException {
        Contact contact = findForUpdate(id);
        disclosure.requireWhole("Contact", id, id);
        checkVersion(contact, expectedVersion);
        JsonValue patch;
        try {
            patch = Json.createReader(new StringReader(mergePatch)).readValue();
        } catch (JsonParsingException e) {
            throw new ApiProblem(400, "malformed-json", "Malformed request body", "the body is not well-formed JSON");
        } catch (JsonException e) {
            throw new ApiProblem(400, "malformed-json", "Malformed request body", "the body is empty or not JSON");
        } catch (RuntimeException e) { // the parser's own limits, e.g. nesting deeper than 1000
            throw new ApiProblem(400, "malformed-json", "Malformed request body", "the body is not acceptable JSON: "
                    + e.getMessage());
        }
        if (patch.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ApiProblem(400, "malformed-json", "Malformed request body", "a merge patch must be a JSON object");
        }
        String current = json.writeValueAsString(ContactView.of(contact).toInput());
        JsonObject target = Json.createReader(new StringReader(current)).readObject();
        JsonValue result = Json.createMergePatch(patch).apply(target);
        ContactInput merged = json.readValue(result.toString(), ContactInput.class);
        Set<ConstraintViolation<ContactInput>> violations = validator.validate(merged);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        checkShape(merged, id);
        assign(contact, merged, now());
        return written(contact);
    }

    @Transactional
    public long delete(UUID id, Long expectedVersion) {
        Contact contact = findForUpdate(id);
        checkVersion(contact, expectedVersion);
        Map<String, Object> payload = ContactNodes.deleted(contact);
        contacts.delete(contact);
        em.flush();
        return outbox.append(ContactNodes.DELETED, contact.id, contact.version + 1, payload);
    }

    /**
     * Right to be forgotten: removes the contact and everything derived from it (observers of {@link ContactErased}
     * clear their own data in this transaction), scrubs its name from the search lexicon and from outbox payloads, and
     * records that it was erased. Audit rows keep the id, which is all they ever held. Idempotent: erasing an erased
     * contact changes nothing and succeeds; an id that never existed is a 404. Returns whether anything was erased.
     */
    @Transactional
    public boolean erase(UUID id) {
        auditNotes.concerns(id);
        Contact contact = contacts.findById(id);
        if (contact == null) {
            if (em.createNativeQuery("SELECT 1 FROM contact_erasure WHERE contact_id = :id").setParameter("id", id)
                    .getResultList().isEmpty()) {
                throw ApiProblem.notFound("Contact", id);
            }
            return false;
        }
        erased.fire(new ContactErased(id));
        Map<String, Object> payload = ContactNodes.deleted(contact);
        contacts.delete(contact);
        em.flush();
        // Words of the erased name that no other contact uses leave the typo-tolerance lexicon.
        em.createNativeQuery("""
                        DELETE FROM search_lexicon l
                        WHERE l.word = ANY(CAST(:words AS text[]))
                          AND NOT EXISTS (SELECT 1 FROM contact c
                                          WHERE c.search_doc @@ to_tsquery('simple', quote_literal(l.word)))""")
                .setParameter("words", lexemes(contact))
                .executeUpdate();
        // Changes already in the graph need not be kept; the pending ones lose the name but keep their order.
        em.createNativeQuery("DELETE FROM outbox WHERE aggregate_id = :id AND applied_at IS NOT NULL")
                .setParameter("id", id).executeUpdate();
        em.createNativeQuery("""
                        UPDATE outbox SET payload = payload || '{"displayName": "(erased)"}'::jsonb
                        WHERE aggregate_id = :id AND applied_at IS NULL AND payload ->> 'displayName' IS NOT NULL""")
                .setParameter("id", id).executeUpdate();
        outbox.append(ContactNodes.DELETED, contact.id, contact.version + 1, payload);
        em.createNativeQuery("INSERT INTO contact_erasure (contact_id, erased_at, erased_by) VALUES (:id, :at, :by)")
                .setParameter("id", id).setParameter("at", now()).setParameter("by", callers.current().subject())
                .executeUpdate();
        return true;
    }

    /** The words the search index made of the contact's names, tags and specialties, as the lexicon stores them. */
    private String lexemes(Contact c) {
        Object words = em.createNativeQuery("""
                        SELECT CAST(tsvector_to_array(
                            to_tsvector('simple', unaccent(coalesce(CAST(:given AS text), '') || ' '
                                || coalesce(CAST(:family AS text), '') || ' ' || coalesce(CAST(:org AS text), '')))) AS text)""")
                .setParameter("given", c.givenName).setParameter("family", c.familyName)
                .setParameter("org", c.organizationName)
                .getSingleResult();
        return words == null ? "{}" : words.toString();
    }

    /** The contacts of {@code ids} that exist, in that order, as the caller may see them (for member listings). */
    @Transactional
    public List<ContactView> views(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, Contact> byId = contacts.list("id in ?1", ids).stream()
                .collect(Collectors.toMap(c -> c.id, Function.identity()));
        List<ContactView> items = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Contact c = byId.get(id);
            if (c != null) {
                items.add(ContactView.of(c));
            }
        }
        return disclosure.contacts(items);
    }

    /**
     * Records one channel's consent answer (an opt-out recorded by a campaign): a contact write like any other, so the
     * version, the outbox row and the audit trail follow the usual rules. Returns the new version.
     */
    @Transactional
    public long recordConsent(UUID id, Channel channel, ConsentStatus status, String source) {
        Contact contact = findForUpdate(id);
        Instant now = now();
        contact.consent.put(channel, new ConsentRecord(status, now, trimmed(source)));
        contact.updatedAt = now;
        written(contact);
        return contact.version;
    }

    @Transactional
    public Page<ContactView> search(ContactQuery query) {
        List<Contacts.Hit> hits = contacts.search(query);
        boolean more = hits.size() > query.limit();
        List<Contacts.Hit> page = more ? hits.subList(0, query.limit()) : hits;
        Map<UUID, Contact> byId = contacts.list("id in ?1", page.stream().map(Contacts.Hit::id).toList()).stream()
                .collect(Collectors.toMap(c -> c.id, Function.identity()));
        List<ContactView> items = new ArrayList<>(page.size());
        for (Contacts.Hit hit : page) {
            Contact c = byId.get(hit.id());
            if (c != null) { // deleted between the two reads
                items.add(ContactView.of(c));
            }
        }
        String next = more ? Contacts.cursorOf(page.get(page.size() - 1), query).encode() : null;
        return new Page<>(disclosure.contacts(items), next);
    }

    private Written written(Contact contact) {
        em.flush(); // assigns the new version, which the outbox row and the ETag carry
        long position = outbox.append(ContactNodes.UPSERTED, contact.id, contact.version, ContactNodes.upserted(contact));
        return new Written(disclosure.contact(ContactView.of(contact)), position);
    }

    private Contact find(UUID id) {
        Contact contact = contacts.findById(id);
        if (contact == null) {
            throw ApiProblem.notFound("Contact", id);
        }
        return contact;
    }

    /**
     * Writers lock the row first, so concurrent writes to one contact queue up rather than fail: each sees the
     * version the previous one left, which is what If-Match is compared with.
     */
    private Contact findForUpdate(UUID id) {
        // Lock with a statement of its own: Hibernate locks an entity with an eagerly fetched collection only after
        // loading it ("follow-on locking"), so the state it loaded could already be stale when the lock is granted.
        List<?> locked = em.createNativeQuery("SELECT id FROM contact WHERE id = :id FOR UPDATE")
                .setParameter("id", id)
                .getResultList();
        if (locked.isEmpty()) {
            throw ApiProblem.notFound("Contact", id);
        }
        return find(id);
    }

    private static void checkVersion(Contact contact, Long expected) {
        if (expected != null && expected != contact.version) {
            throw new ApiProblem(412, "stale-version", "Precondition failed",
                    "The contact is at version " + contact.version + ", not " + expected
                            + "; read it again and reapply the change");
        }
    }

    /** Rules that span fields, which Bean Validation on the record cannot express alone. */
    private void checkShape(ContactInput input, UUID self) {
        input.shapeError().ifPresent(e -> {
            if (ContactInput.NO_NAME.equals(e.reason())) {
                throw new ApiProblem(400, "validation", "Invalid request", "givenName, familyName: " + e.reason(),
                        List.of(new Problem.FieldError("givenName", e.reason()), e));
            }
            throw ApiProblem.invalidField(e.field(), e.reason());
        });
        if (!blank(input.externalId()) && contacts.externalIdTaken(input.externalId(), self)) {
            throw ApiProblem.conflict("duplicate-external-id",
                    "Another contact already has externalId " + input.externalId());
        }
    }

    /** Copies a client's input onto a contact, normalised as every write path stores it (bulk imports too). */
    public static void assign(Contact c, ContactInput in, Instant now) {
        c.kind = in.kind();
        c.givenName = trimmed(in.givenName());
        c.familyName = trimmed(in.familyName());
        c.organizationName = trimmed(in.organizationName());
        c.email = trimmed(in.email());
        c.phone = trimmed(in.phone());
        c.postalCode = in.postalCode() == null ? null : in.postalCode().strip().toUpperCase(java.util.Locale.ROOT);
        c.city = trimmed(in.city());
        c.languages = distinct(in.languages());
        c.specialties = distinct(in.specialties());
        c.tags = distinct(in.tags() == null ? null : in.tags().stream().map(t -> t.strip().toLowerCase(java.util.Locale.ROOT)).toList());
        c.doNotContact = Boolean.TRUE.equals(in.doNotContact());
        c.externalId = trimmed(in.externalId());
        Map<Channel, ConsentRecord> consent = new EnumMap<>(Channel.class);
        if (in.consent() != null) {
            in.consent().forEach((channel, given) -> {
                ConsentRecord before = c.consent.get(channel);
                ConsentRecord answer = new ConsentRecord(given.status(),
                        given.at() != null ? given.at().truncatedTo(ChronoUnit.MICROS) : now, trimmed(given.source()));
                // Keep when the contact answered, unless the answer itself changed.
                consent.put(channel, answer.sameAnswer(before) && given.at() == null ? before : answer);
            });
        }
        c.consent.clear();
        c.consent.putAll(consent);
        c.updatedAt = now;
        c.refreshNames();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String trimmed(String s) {
        return blank(s) ? null : s.strip();
    }

    private static List<String> distinct(List<String> values) {
        if (values == null) {
            return new ArrayList<>();
        }
        return values.stream().map(String::strip).distinct().collect(Collectors.toCollection(ArrayList::new));
    }
}
