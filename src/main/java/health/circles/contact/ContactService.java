package health.circles.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.RowIds;
import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.StaleVersion;
import health.circles.security.AuditNotes;
import health.circles.security.Callers;
import health.circles.security.Disclosure;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import health.circles.sync.Outbox;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
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
import java.util.stream.Collectors;

/** ContactStore: the transaction boundary of every contact write, each committed with its outbox row. */
@ApplicationScoped
public class ContactService {

    private final ContactStore contacts;
    private final ErasureStore erasures;
    private final Outbox outbox;
    private final Validator validator;
    private final ObjectMapper json;
    private final Disclosure disclosure;
    private final Callers callers;
    private final AuditNotes auditNotes;
    private final Event<ContactErased> erased;
    private final ConsentLedger ledger;
    private final ErasureRegister register;
    private final Clock clock;
    private final ChangeEvents events;

    /** Fields of a contact's JSON form that are bookkeeping, not a change of their own. */
    private static final Set<String> NOT_CHANGES = Set.of("id", "version", "createdAt", "updatedAt", "displayName");

    ContactService(ContactStore contacts, ErasureStore erasures, Outbox outbox, Validator validator, ObjectMapper json,
                   Disclosure disclosure, Callers callers, AuditNotes auditNotes, Event<ContactErased> erased,
                   ConsentLedger ledger, ErasureRegister register, ChangeEvents events) {
        this.events = events;
        this.contacts = contacts;
        this.erasures = erasures;
        this.outbox = outbox;
        this.validator = validator;
        this.json = json;
        this.disclosure = disclosure;
        this.callers = callers;
        this.auditNotes = auditNotes;
        this.erased = erased;
        this.ledger = ledger;
        this.register = register;
        this.clock = Clock.systemUTC();
    }

    /** A contact as written, with the outbox position at which the graph will have seen it. */
    public record Written(ContactView contact, long position) {
    }

    @Transactional
    public Written create(ContactInput input) {
        checkShape(input, input.externalId(), null);
        Instant now = now();
        Contact contact = new Contact();
        contact.id = RowIds.next();
        contact.createdAt = now;
        assign(contact, input, now);
        // The ledger first, so that the contact is inserted with its consent at version 0 (the ledger's reference to
        // the contact is checked at commit).
        ledger.record(contact, entries(input.consent(), input.doNotContact()), ledger.requestAuthor());
        contacts.persist(contact);
        return written(contact, EventTypes.CONTACT_CREATED, List.of());
    }

    /**
     * The contact as the caller may see it. No transaction: its row and its consent are read with one plain statement,
     * as a search reads its hits (a JTA transaction and a Hibernate session cost more than the statement).
     */
    public ContactView get(UUID id) {
        Contact contact = contacts.read(id).orElseThrow(() -> new NotFound("Contact", id));
        return disclosure.disclosed(ContactView.of(contact));
    }

    /**
     * PUT: replaces the writable fields. Consent changes only for the channels the body names and do-not-contact only
     * when it says true or false; an externalId left out is kept (null removes it). Read-only fields a GET answer
     * carries are checked (id, version) or ignored (displayName, createdAt, updatedAt). {@code expectedVersion} is the
     * If-Match version.
     */
    @Transactional
    public Written replace(UUID id, long expectedVersion, JsonNode body) throws JsonProcessingException {
        if (body == null || !body.isObject()) {
            throw malformed("the body must be a JSON object");
        }
        ContactReplacement replacement = json.treeToValue(body, ContactReplacement.class);
        Set<ConstraintViolation<ContactReplacement>> violations = validator.validate(replacement);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        if (replacement.id() != null && !replacement.id().equals(id)) {
            throw InvalidInput.field("id", "must be the id in the path (" + id + ") when given");
        }
        Contact contact = findForUpdate(id);
        disclosure.requireWhole("Contact", id, id);
        checkVersion(contact, expectedVersion);
        Map<String, Object> before = fields(contact);
        if (replacement.version() != null) {
            checkVersion(contact, replacement.version());
        }
        ContactInput input = replacement.toInput();
        String externalId = body.has("externalId") ? trimmed(input.externalId()) : contact.externalId;
        checkShape(input, externalId, id);
        assign(contact, input, now());
        contact.externalId = externalId; // left out of the body: kept
        List<ConsentLedger.Entry> answers = entries(input.consent(), input.doNotContact());
        requireCareToGrant(id, answers, ledger.record(contact, answers, ledger.requestAuthor()));
        return writtenChanging(contact, EventTypes.CONTACT_UPDATED, before);
    }

    /**
     * JSON merge patch (RFC 7396) over the writable fields, then validated like a PUT. Consent is the exception: each
     * channel the patch names is a new answer taken as written (null: UNKNOWN), never merged with the answer before
     * it, whose source and time belong to that earlier answer; {@code "consent": null} and {@code "doNotContact":
     * null} are refused, since they would undo answers without saying which.
     */
    @Transactional
    public Written patch(UUID id, long expectedVersion, String mergePatch) throws JsonProcessingException {
        Contact contact = findForUpdate(id);
        disclosure.requireWhole("Contact", id, id);
        checkVersion(contact, expectedVersion);
        Map<String, Object> before = fields(contact);
        JsonValue patch;
        try {
            patch = Json.createReader(new StringReader(mergePatch)).readValue();
        } catch (JsonParsingException e) {
            throw malformed("the body is not well-formed JSON");
        } catch (JsonException e) {
            throw malformed("the body is empty or not JSON");
        } catch (RuntimeException e) { // the parser's own limits, e.g. nesting deeper than 1000
            throw malformed("the body is not acceptable JSON: " + e.getMessage());
        }
        if (patch.getValueType() != JsonValue.ValueType.OBJECT) {
            throw malformed("a merge patch must be a JSON object");
        }
        JsonObject changes = patch.asJsonObject();
        if (changes.containsKey("consent") && changes.get("consent").getValueType() == JsonValue.ValueType.NULL) {
            throw InvalidInput.field("consent", "null would undo every answer; name the channels to change");
        }
        if (changes.containsKey("doNotContact") && changes.get("doNotContact").getValueType() == JsonValue.ValueType.NULL) {
            throw InvalidInput.field("doNotContact", "must be true or false");
        }
        String current = json.writeValueAsString(ContactView.of(contact).toInput());
        JsonObject target = Json.createReader(new StringReader(current)).readObject();
        JsonObject result = Json.createMergePatch(patch).apply(target).asJsonObject();
        // Consent and do-not-contact come from the patch alone: only what it names changes.
        var merged = Json.createObjectBuilder(result).remove("consent").remove("doNotContact");
        if (changes.get("consent") instanceof JsonObject named) {
            var answers = Json.createObjectBuilder();
            named.forEach((channel, answer) -> answers.add(channel, answer.getValueType() == JsonValue.ValueType.NULL
                    ? Json.createObjectBuilder().add("status", ConsentStatus.UNKNOWN.name()).build() : answer));
            merged.add("consent", answers);
        } else if (changes.containsKey("consent")) {
            merged.add("consent", changes.get("consent")); // not an object: refused below as the wrong type
        }
        if (changes.containsKey("doNotContact")) {
            merged.add("doNotContact", changes.get("doNotContact"));
        }
        ContactInput input = json.readValue(merged.build().toString(), ContactInput.class);
        Set<ConstraintViolation<ContactInput>> violations = validator.validate(input);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        checkShape(input, input.externalId(), id);
        assign(contact, input, now());
        List<ConsentLedger.Entry> answers = entries(input.consent(), input.doNotContact());
        requireCareToGrant(id, answers, ledger.record(contact, answers, ledger.requestAuthor()));
        return writtenChanging(contact, EventTypes.CONTACT_UPDATED, before);
    }

    @Transactional
    public long delete(UUID id, long expectedVersion) {
        Contact contact = findForUpdate(id);
        checkVersion(contact, expectedVersion);
        if (contact.doNotContact) {
            // The opt-out lives on the record: deleted, it is gone, and the same person imported or created again
            // (by external id from the EHR, say) would start out reachable.
            throw new Conflict("opt-out-would-be-lost", "Contact " + id + " is do-not-contact; deleting the record "
                    + "would lose that, and the person created again would be reachable. Erase it if they asked to be "
                    + "forgotten (POST /contacts/{id}/erasure: the register keeps them from coming back), or keep it");
        }
        Map<String, Object> payload = ContactGraph.deleted(contact);
        contacts.delete(contact);
        contacts.flush();
        events.record(Change.of(EventTypes.CONTACT_DELETED, contact.id, contact.version + 1));
        return outbox.append(ContactGraph.DELETED, contact.id, contact.version + 1, payload);
    }

    /**
     * Right to be forgotten: removes the contact and everything derived from it (observers of {@link ContactErased}
     * clear their own data in this transaction), scrubs its name from the search lexicon, from outbox payloads and from
     * dead letters, and records that it was erased. Audit rows keep the id, which is all they ever held. Idempotent:
     * erasing an erased contact changes nothing and succeeds; an id that never existed is a 404. Returns whether
     * anything was erased.
     */
    @Transactional
    public boolean erase(UUID id) {
        auditNotes.concerns(id);
        erasures.excludeWritersOfErased();
        // The row lock first, as every contact write takes it: a write naming the contact in flight (a touchpoint,
        // a tie) commits before the erasure reads and clears what hangs off it, or waits for it, never both ways.
        Contact contact = contacts.lock(id) ? contacts.findById(id) : null;
        if (contact == null) {
            if (!erasures.erased(id)) {
                throw new NotFound("Contact", id);
            }
            return false;
        }
        erased.fire(new ContactErased(id, contact.externalId, contact.givenName, contact.familyName));
        ledger.erase(id);
        Map<String, Object> payload = ContactGraph.deleted(contact);
        contacts.delete(contact);
        contacts.flush(); // the deletion's trigger takes the words no other contact holds out of the search lexicon
        outbox.forgetErased(id);
        long through = outbox.append(ContactGraph.DELETED, contact.id, contact.version + 1, payload);
        events.forgetRelated(contact.id);
        events.record(Change.of(EventTypes.CONTACT_ERASED, contact.id, contact.version + 1));
        erasures.record(id, now(), callers.current().subject(), register.fingerprintHex(contact.externalId), through);
        return true;
    }

    /** Whether there is no contact at all (a first start). */
    @Transactional
    public boolean none() {
        return contacts.count() == 0;
    }

    /** The contacts of {@code ids} that exist, in that order, as the caller may see them (for member listings). */
    @Transactional
    public List<ContactView> views(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, Contact> byId = contacts.byIds(ids);
        List<ContactView> items = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Contact c = byId.get(id);
            if (c != null) {
                items.add(ContactView.of(c));
            }
        }
        return disclosure.disclosed(items);
    }

    /**
     * Records one channel's consent answer (an opt-out recorded by a campaign) through the ledger: when it becomes the
     * effective answer it is a contact write like any other, so the version, the outbox row and the audit trail follow
     * the usual rules. {@code givenAt} is when the contact answered (null: now). Returns whether the answer is now the
     * channel's effective one: not when the contact answered otherwise later (an opt-out logged after the contact
     * opted in again stays history, as the ledger keeps it).
     */
    @Transactional
    public boolean recordConsent(UUID id, Channel channel, ConsentStatus status, String source, Instant givenAt) {
        Contact contact = findForUpdate(id);
        List<ConsentLedger.Verdict> verdicts = ledger.record(contact, List.of(new ConsentLedger.Entry(
                ConsentChannel.of(channel), status, givenAt, source)), ledger.requestAuthor());
        if (verdicts.contains(ConsentLedger.Verdict.EFFECTIVE)) {
            contact.updatedAt = now();
            written(contact, EventTypes.CONTACT_CONSENT_CHANGED, List.of("consent"));
        }
        return verdicts.contains(ConsentLedger.Verdict.EFFECTIVE) || verdicts.contains(ConsentLedger.Verdict.REPEAT);
    }

    /** Records one explicit entry (POST /contacts/{id}/consent): the way an opt-out is lifted. */
    @Transactional
    public ConsentChange recordConsent(UUID id, ConsentEntryInput in) {
        if (in.channel() == ConsentChannel.DO_NOT_CONTACT && in.status() == ConsentStatus.UNKNOWN) {
            throw InvalidInput.field("status", "must be DENIED (set do-not-contact) or GRANTED (lift it)");
        }
        Contact contact = findForUpdate(id);
        disclosure.requireWhole("Contact", id, id);
        List<ConsentLedger.Entry> answers = List.of(new ConsentLedger.Entry(in.channel(), in.status(), in.givenAt(),
                in.source()));
        List<ConsentLedger.Verdict> verdicts = ledger.record(contact, answers, ledger.requestAuthor());
        requireCareToGrant(id, answers, verdicts);
        ConsentLedger.Verdict verdict = verdicts.get(0);
        if (verdict == ConsentLedger.Verdict.EFFECTIVE) {
            contact.updatedAt = now();
            written(contact, EventTypes.CONTACT_CONSENT_CHANGED, List.of(
                    in.channel() == ConsentChannel.DO_NOT_CONTACT ? "doNotContact" : "consent"));
        }
        return new ConsentChange(id, verdict, effective(ledger.effective(id)), contact.doNotContact, contact.version);
    }

    /**
     * A grant that takes effect (a first yes, or an opt-out lifted) makes the person reachable by outreach. A clinician
     * records one only for a patient they treat or themselves: emergency access opens the record for an emergency, not
     * for consent on the patient's behalf. Checked on the ledger's verdicts, so sending back the answers a record
     * already holds (a PUT of what a GET returned) is not refused; refused, the transaction writes nothing.
     */
    private void requireCareToGrant(UUID id, List<ConsentLedger.Entry> answers, List<ConsentLedger.Verdict> verdicts) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() == ConsentStatus.GRANTED && verdicts.get(i) == ConsentLedger.Verdict.EFFECTIVE) {
                disclosure.requireCare(id, "A consent grant", "a patient you treat or yourself; emergency access "
                        + "does not let you grant consent for a patient");
                return;
            }
        }
    }

    /** A contact's consent: the effective answers and a page of its ledger, newest first. */
    @Transactional
    public ConsentHistory consentHistory(UUID id, Cursor after, int limit) {
        find(id);
        List<ConsentLedger.Recorded> rows = ledger.history(id, after, limit);
        boolean more = rows.size() > limit;
        List<ConsentLedger.Recorded> page = more ? rows.subList(0, limit) : rows;
        // Who recorded an entry, and in which request, is trail data: for those who see the whole record only.
        boolean whole = disclosure.seesClinicalDetail(Set.of(id));
        Map<ConsentChannel, ConsentLedger.Effective> effective = ledger.effective(id);
        ConsentLedger.Effective dnc = effective.get(ConsentChannel.DO_NOT_CONTACT);
        return new ConsentHistory(id, effective(effective), dnc != null && dnc.status() == ConsentStatus.DENIED,
                page.stream().map(r -> ConsentEntryView.of(r, whole)).toList(),
                more ? ConsentLedger.cursorOf(page.get(page.size() - 1)).encode() : null);
    }

    private static Map<ConsentChannel, ContactView.ConsentView> effective(Map<ConsentChannel, ConsentLedger.Effective> in) {
        Map<ConsentChannel, ContactView.ConsentView> out = new EnumMap<>(ConsentChannel.class);
        for (ConsentChannel channel : ConsentChannel.values()) {
            ConsentLedger.Effective e = in.get(channel);
            out.put(channel, e == null ? new ContactView.ConsentView(ConsentStatus.UNKNOWN, null, null)
                    : new ContactView.ConsentView(e.status(), e.givenAt(), e.source()));
        }
        return out;
    }

    /** The ledger entries a contact body asks for: the channels it names, and do-not-contact when it says so. */
    public static List<ConsentLedger.Entry> entries(Map<Channel, ConsentInput> consent, Boolean doNotContact) {
        List<ConsentLedger.Entry> entries = new ArrayList<>();
        if (consent != null) {
            consent.forEach((channel, given) -> entries.add(new ConsentLedger.Entry(ConsentChannel.of(channel),
                    given.status(), given.at(), given.source())));
        }
        if (doNotContact != null) {
            entries.add(new ConsentLedger.Entry(ConsentChannel.DO_NOT_CONTACT,
                    doNotContact ? ConsentStatus.DENIED : ConsentStatus.GRANTED, null, null));
        }
        return entries;
    }

    /**
     * The contact whose externalId is exactly {@code externalId}: a page of 0 or 1 item, and 0 for a caller who would
     * see it in the limited view. That view hides the EHR identifier, so the lookup must not tie one to a person either.
     */
    @Transactional
    public Page<ContactView> byExternalId(String externalId) {
        List<ContactView> items = contacts.byExternalId(externalId.strip()).map(ContactView::of).stream().toList();
        return new Page<>(disclosure.disclosed(items).stream().filter(v -> v.externalId() != null).toList(), null);
    }

    /**
     * A page of hits as the caller may see them. No transaction: the store reads the hits with their rows and their
     * consent in one statement, and nothing here writes (the audit row is the filter's, in a transaction of its own).
     * A transaction and a Hibernate session per search cost a fifth of the request thread's time and a second round
     * trip for the rows.
     */
    public Page<ContactView> search(ContactQuery query) {
        List<ContactStore.Hit> hits = contacts.search(query, !callers.current().seesEverything());
        boolean more = hits.size() > query.limit();
        List<ContactStore.Hit> page = more ? hits.subList(0, query.limit()) : hits;
        String next = more ? ContactStore.cursorOf(page.get(page.size() - 1), query).encode() : null;
        return new Page<>(disclosure.disclosed(page.stream().map(h -> ContactView.of(h.contact())).toList()), next);
    }

    /**
     * Flushes a write and records its outbox row and its change event ({@code before}: the fields as they were, for
     * the names of those that changed; null for a creation).
     */
    private Written writtenChanging(Contact contact, String eventType, Map<String, Object> before) {
        List<String> changed = Change.changedFields(before, fields(contact), NOT_CHANGES);
        return written(contact, eventType, changed);
    }

    private Written written(Contact contact, String eventType, List<String> changed) {
        contacts.flush(); // assigns the new version, which the outbox row and the ETag carry
        long position = outbox.append(ContactGraph.UPSERTED, contact.id, contact.version, ContactGraph.upserted(contact));
        events.record(new Change(eventType, contact.id, contact.version, changed, Map.of()));
        return new Written(disclosure.disclosed(ContactView.of(contact)), position);
    }

    /** A contact's fields as its JSON form has them, copied (the entity's lists change in place). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> fields(Contact contact) {
        return json.convertValue(ContactView.of(contact), Map.class);
    }

    private Contact find(UUID id) {
        Contact contact = contacts.findById(id);
        if (contact == null) {
            throw new NotFound("Contact", id);
        }
        return contact;
    }

    /**
     * Writers lock the row first, so concurrent writes to one contact queue up rather than fail: each sees the
     * version the previous one left, which is what If-Match is compared with.
     */
    private Contact findForUpdate(UUID id) {
        if (!contacts.lock(id)) {
            throw new NotFound("Contact", id);
        }
        return find(id);
    }

    private static void checkVersion(Contact contact, long expected) {
        if (expected != contact.version) {
            throw new StaleVersion("Precondition Failed",
                    "The contact is at version " + contact.version + ", not " + expected
                            + "; read it again and reapply the change");
        }
    }

    /** Rules that span fields, which Bean Validation on the record cannot express alone. */
    private void checkShape(ContactInput input, String externalId, UUID self) {
        input.shapeError().ifPresent(e -> {
            if (ContactInput.NO_NAME.equals(e.reason())) {
                throw new InvalidInput("validation", "Bad Request", "givenName, familyName: " + e.reason(),
                        List.of(new InvalidInput.FieldError("givenName", e.reason()), e));
            }
            throw InvalidInput.field(e.field(), e.reason());
        });
        if (!blank(externalId)) {
            contacts.externalIdHolder(externalId.strip(), self).ifPresent(holder -> {
                // Named only to a caller who sees the holder whole: the limited view hides the EHR identifier.
                if (!disclosure.seesClinicalDetail(List.of(holder))) {
                    throw new Conflict("duplicate-external-id", "Conflict", "Another contact already has externalId "
                            + externalId, List.of(new Conflict.FieldError("externalId", "held by another contact")));
                }
                throw new Conflict("duplicate-external-id", "Conflict", "Contact " + holder
                        + " already has externalId " + externalId + " (/api/v1/contacts/" + holder + ")",
                        List.of(new Conflict.FieldError("externalId", "held by /api/v1/contacts/" + holder)));
            });
        }
        // A source system that still holds an erased person must not bring them back under the same id.
        if (!blank(externalId) && register.erased(externalId)) {
            throw new Conflict("erased-external-id", "externalId " + externalId + " belonged to a contact "
                    + "erased on request; it cannot be used again");
        }
    }

    /**
     * Copies a client's input onto a contact, normalised as every write path stores it (bulk imports too). Consent and
     * do-not-contact are not copied: they change only through {@link ConsentLedger}.
     */
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
        c.externalId = trimmed(in.externalId());
        c.updatedAt = now;
        c.refreshNames();
    }

    private static InvalidInput malformed(String detail) {
        return new InvalidInput("malformed-json", "Bad Request", detail, List.of());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String trimmed(String s) {
        return blank(s) ? null : s.strip();
    }

    private static List<String> distinct(List<String> values) {
        if (values == null) {
            return new ArrayList<>();
        }
        return values.stream().map(String::strip).distinct().collect(Collectors.toCollection(ArrayList::new));
    }
}
