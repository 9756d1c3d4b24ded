package health.circles.group;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.contact.ContactDirectory;
import health.circles.events.Change;
import health.circles.events.ChangeEvents;
import health.circles.events.EventTypes;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.security.AuditNotes;
import health.circles.security.Callers;
import health.circles.security.Disclosure;
import health.circles.sync.Outbox;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Groups and their memberships: the transaction boundary of every write, each committed with its outbox rows. Groups
 * grant nothing: being in a patient's care team shows no clinician the patient's record (only an asserted TREATS tie
 * does), so a membership is never a way to widen access. A clinician changes only memberships of contacts whose record
 * they see whole, and a group's own fields only when they see one of its current members whole (or it has none).
 */
@ApplicationScoped
public class GroupService {

    private final GroupStore groups;
    private final MembershipStore memberships;
    private final ContactDirectory contacts;
    private final ContactService contactViews;
    private final Outbox outbox;
    private final Disclosure disclosure;
    private final AuditNotes auditNotes;
    private final Validator validator;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    GroupService(GroupStore groups, MembershipStore memberships, ContactDirectory contacts, ContactService contactViews,
                 Outbox outbox, Disclosure disclosure, AuditNotes auditNotes, Validator validator, ObjectMapper json,
                 ChangeEvents events, Callers callers) {
        this.events = events;
        this.callers = callers;
        this.groups = groups;
        this.memberships = memberships;
        this.contacts = contacts;
        this.contactViews = contactViews;
        this.outbox = outbox;
        this.disclosure = disclosure;
        this.auditNotes = auditNotes;
        this.validator = validator;
        this.json = json;
    }

    private final ChangeEvents events;
    private final Callers callers;

    /** A group as written, with the outbox position at which the graph will have seen it. */
    public record Written(GroupView group, long position) {
    }

    /** A membership as written, with its outbox position. */
    public record WrittenMember(MemberView member, long position) {
    }

    @Transactional
    public Written create(GroupInput in) {
        Instant now = now();
        ContactGroup g = new ContactGroup();
        g.id = UUID.randomUUID();
        g.createdAt = now;
        assign(g, in, null);
        g.updatedAt = now;
        List<MemberInput> members = in.members() == null ? List.of() : in.members();
        Map<UUID, ContactDirectory.Entry> found = contacts.findAll(members.stream().map(MemberInput::contactId).toList());
        Set<UUID> open = new HashSet<>();
        List<Membership> added = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            MemberInput m = members.get(i);
            String field = "members[" + i + "]";
            ContactDirectory.Entry contact = found.get(m.contactId());
            if (contact == null) {
                throw unknownContact(field + ".contactId", m.contactId());
            }
            disclosure.requireWhole("Contact", m.contactId(), m.contactId());
            if (m.until() == null && !open.add(m.contactId())) {
                throw InvalidInput.field(field + ".contactId", "is already an open member in this request");
            }
            added.add(membership(g, field, m, contact.kind(), now));
        }
        groups.persist(g);
        groups.flush();
        added.forEach(memberships::persist);
        memberships.flush();
        long position = outbox.append(GroupGraph.UPSERTED, g.id, g.version, GroupGraph.upserted(g));
        List<Change> changes = new ArrayList<>();
        changes.add(new Change(EventTypes.GROUP_CREATED, g.id, g.version, List.of(), Map.of("kind", g.kind.name())));
        for (Membership m : added) {
            position = GroupGraph.append(outbox, m);
            changes.add(memberChange(EventTypes.GROUP_MEMBER_ADDED, g, m, List.of()));
        }
        events.recordAll(changes);
        return new Written(view(g).concerning(added.stream().map(m -> m.contactId).collect(Collectors.toSet())),
                position);
    }

    @Transactional
    public GroupView get(UUID id) {
        return view(find(id));
    }

    @Transactional
    public Page<GroupView> list(GroupKind kind, String q, UUID member, Instant updatedSince, Cursor after, int limit) {
        if (member != null) {
            auditNotes.concerns(member); // the answer says which groups this contact belongs to
            if (contacts.find(member).isEmpty()) {
                throw InvalidInput.field("memberId", "no such contact");
            }
        }
        List<ContactGroup> found = groups.page(kind, q, member, updatedSince, today(), after == null ? null : after.id(),
                limit + 1);
        boolean more = found.size() > limit;
        List<ContactGroup> page = more ? found.subList(0, limit) : found;
        String next = more ? new Cursor("", page.get(page.size() - 1).id).encode() : null;
        return new Page<>(views(page), next);
    }

    /**
     * The group whose externalId is exactly {@code externalId}: a page of 0 or 1 item, and 0 for a caller who would see
     * it limited. That view hides the external id, so the lookup must not tie one to a group either.
     */
    @Transactional
    public Page<GroupView> byExternalId(String externalId) {
        return new Page<>(views(groups.find("externalId", externalId).firstResultOptional().stream().toList())
                .stream().filter(v -> v.externalId() != null).toList(), null);
    }

    /**
     * JSON merge patch (RFC 7396) over kind, name, description, externalId and managingOrganization, validated like a
     * creation. Members change through their own endpoints; the kind only while the group has never had any.
     */
    @Transactional
    public Written patch(UUID id, long expectedVersion, String mergePatch)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        ContactGroup g = find(id);
        requireWholeGroup(g);
        checkVersion("group", g.version, expectedVersion);
        JsonObject changes = object(mergePatch);
        if (changes.containsKey("members")) {
            throw InvalidInput.field("members", "members change through /api/v1/groups/{id}/members");
        }
        JsonObject target = Json.createObjectBuilder()
                .add("kind", g.kind.name()).add("name", g.name)
                .add("description", g.description == null ? JsonValue.NULL : Json.createValue(g.description))
                .add("externalId", g.externalId == null ? JsonValue.NULL : Json.createValue(g.externalId))
                .add("managingOrganization", g.managingOrganization == null ? JsonValue.NULL
                        : Json.createValue(g.managingOrganization.toString()))
                .build();
        JsonValue merged = Json.createMergePatch(changes).apply(target);
        GroupInput input = json.readValue(merged.toString(), GroupInput.class);
        Set<ConstraintViolation<GroupInput>> violations = validator.validate(input);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        if (input.kind() != g.kind && memberships.count("groupId", g.id) > 0) {
            throw new Conflict("group-kind-fixed", "Group " + id + " has members whose roles belong to a "
                    + g.kind + " group; its kind is fixed (create a new group)");
        }
        Map<String, Object> before = fields(g);
        assign(g, input, g.id);
        g.updatedAt = now();
        groups.flush();
        long position = outbox.append(GroupGraph.UPSERTED, g.id, g.version, GroupGraph.upserted(g));
        events.record(new Change(EventTypes.GROUP_UPDATED, g.id, g.version, Change.changedFields(before, fields(g), Set.of()),
                Map.of("kind", g.kind.name())));
        return new Written(view(g), position);
    }

    /** Deletes the group with its memberships, history included (both stores; the graph through the outbox). */
    @Transactional
    public long delete(UUID id, long expectedVersion) {
        ContactGroup g = find(id);
        List<Membership> all = memberships.list("groupId", id);
        auditNotes.concerns(all.stream().map(m -> m.contactId).filter(java.util.Objects::nonNull).toArray(UUID[]::new));
        checkVersion("group", g.version, expectedVersion);
        Map<String, Object> payload = GroupGraph.deleted(g);
        all.forEach(memberships::delete);
        groups.delete(g);
        groups.flush();
        events.record(new Change(EventTypes.GROUP_DELETED, g.id, g.version + 1, List.of(), Map.of("kind", g.kind.name())));
        return outbox.append(GroupGraph.DELETED, g.id, g.version + 1, payload);
    }

    /** The group's memberships, current and past, by id; each member's contact as the caller may see it. */
    @Transactional
    public Page<MemberView> members(UUID groupId, Boolean active, Cursor after, int limit) {
        ContactGroup g = find(groupId);
        List<Membership> found = memberships.page(groupId, null, active, today(), after == null ? null : after.id(),
                limit + 1);
        boolean more = found.size() > limit;
        List<Membership> page = more ? found.subList(0, limit) : found;
        Map<UUID, ContactView> shown = contactViews.views(page.stream().map(m -> m.contactId)
                .filter(java.util.Objects::nonNull).distinct().toList()).stream()
                .collect(Collectors.toMap(ContactView::id, Function.identity()));
        GroupRef ref = new GroupRef(g.id, g.kind, g.name);
        LocalDate today = today();
        List<MemberView> items = page.stream()
                .map(m -> MemberView.of(m, ref, m.contactId == null ? null : shown.get(m.contactId), today)).toList();
        return new Page<>(items, more ? new Cursor("", page.get(page.size() - 1).id).encode() : null);
    }

    @Transactional
    public MemberView member(UUID groupId, UUID memberId) {
        ContactGroup g = find(groupId);
        Membership m = findMember(g, memberId);
        ContactView contact = m.contactId == null ? null : contactViews.views(List.of(m.contactId)).stream()
                .findFirst().orElse(null);
        return MemberView.of(m, ref(g), contact, today());
    }

    /** The groups a contact belongs or belonged to, each membership with its group. */
    @Transactional
    public Page<MemberView> ofContact(UUID contactId, Boolean active, Cursor after, int limit) {
        if (contacts.find(contactId).isEmpty()) {
            throw new NotFound("Contact", contactId);
        }
        List<Membership> found = memberships.page(null, contactId, active, today(), after == null ? null : after.id(),
                limit + 1);
        boolean more = found.size() > limit;
        List<Membership> page = more ? found.subList(0, limit) : found;
        Map<UUID, ContactGroup> byId = page.isEmpty() ? Map.of() : groups.list("id in ?1",
                page.stream().map(m -> m.groupId).distinct().toList()).stream()
                .collect(Collectors.toMap(g -> g.id, Function.identity()));
        LocalDate today = today();
        List<MemberView> items = page.stream().map(m -> MemberView.of(m, ref(byId.get(m.groupId)), null, today)).toList();
        return new Page<>(items, more ? new Cursor("", page.get(page.size() - 1).id).encode() : null);
    }

    @Transactional
    public WrittenMember addMember(UUID groupId, MemberInput in) {
        ContactGroup g = find(groupId);
        auditNotes.concerns(in.contactId());
        ContactDirectory.Entry contact = contacts.find(in.contactId())
                .orElseThrow(() -> unknownContact("contactId", in.contactId()));
        disclosure.requireWhole("Contact", in.contactId(), in.contactId());
        groups.lock(g); // two concurrent adds of one contact: the second sees the first
        if (in.until() == null) {
            memberships.findOpen(g.id, in.contactId(), null).ifPresent(existing -> {
                throw duplicate(g.id, existing);
            });
        }
        Membership m = membership(g, null, in, contact.kind(), now());
        m.addedBy = callers.current().subject();
        memberships.persist(m);
        return written(g, m, EventTypes.GROUP_MEMBER_ADDED, List.of());
    }

    /** Replaces a membership's role and dates; {@code expectedVersion} is the If-Match version. */
    @Transactional
    public WrittenMember changeMember(UUID groupId, UUID memberId, long expectedVersion, MemberChange change) {
        ContactGroup g = find(groupId);
        Membership m = findMember(g, memberId);
        requireChangeable(m);
        checkVersion("membership", m.version, expectedVersion);
        ContactDirectory.Entry contact = contacts.find(m.contactId).orElseThrow(() -> new NotFound("Membership", memberId));
        String role = role(g.kind, "role", change.role(), contact.kind());
        checkDates(change.since(), change.until());
        if (change.until() == null && m.until != null) {
            groups.lock(g);
            memberships.findOpen(g.id, m.contactId, m.id).ifPresent(existing -> {
                throw duplicate(g.id, existing);
            });
        }
        List<String> changed = new ArrayList<>();
        if (!java.util.Objects.equals(m.role, role)) {
            changed.add("role");
        }
        if (!java.util.Objects.equals(m.since, change.since())) {
            changed.add("since");
        }
        if (!java.util.Objects.equals(m.until, change.until())) {
            changed.add("until");
        }
        m.role = role;
        m.since = change.since();
        m.until = change.until();
        m.updatedAt = now();
        return written(g, m, EventTypes.GROUP_MEMBER_UPDATED, changed);
    }

    /** Ends a membership on {@code until} (today when null); it stays in the group's history. */
    @Transactional
    public WrittenMember endMember(UUID groupId, UUID memberId, Long expectedVersion, LocalDate until) {
        ContactGroup g = find(groupId);
        Membership m = findMember(g, memberId);
        requireChangeable(m);
        if (expectedVersion != null) {
            checkVersion("membership", m.version, expectedVersion);
        }
        LocalDate end = until == null ? today() : until;
        checkDates(m.since, end);
        m.until = end;
        m.updatedAt = now();
        return written(g, m, EventTypes.GROUP_MEMBER_ENDED, List.of("until"));
    }

    /** For maps and other packages: the groups each of {@code contacts} belongs to today. */
    @Transactional
    public Map<UUID, List<GroupRef>> currentGroupsOf(java.util.Collection<UUID> contactIds) {
        List<Object[]> rows = memberships.activeOf(contactIds, today());
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<UUID, ContactGroup> byId = groups.list("id in ?1", rows.stream().map(r -> (UUID) r[1]).distinct().toList())
                .stream().collect(Collectors.toMap(g -> g.id, Function.identity()));
        Map<UUID, List<GroupRef>> out = new HashMap<>();
        for (Object[] r : rows) {
            ContactGroup g = byId.get((UUID) r[1]);
            if (g != null) {
                out.computeIfAbsent((UUID) r[0], k -> new ArrayList<>()).add(ref(g));
            }
        }
        return out;
    }

    /** The ids among {@code ids} that are no group (for filters that name groups). */
    @Transactional
    public List<UUID> unknown(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Set<UUID> known = groups.list("id in ?1", List.copyOf(ids)).stream().map(g -> g.id).collect(Collectors.toSet());
        return ids.stream().filter(id -> !known.contains(id)).distinct().toList();
    }

    private WrittenMember written(ContactGroup g, Membership m, String eventType, List<String> changed) {
        memberships.flush(); // assigns the version the outbox row and the ETag carry
        long position = GroupGraph.append(outbox, m);
        events.record(memberChange(eventType, g, m, changed));
        ContactView contact = m.contactId == null ? null
                : contactViews.views(List.of(m.contactId)).stream().findFirst().orElse(null);
        return new WrittenMember(MemberView.of(m, ref(g), contact, today()), position);
    }

    /** A membership's event: ids and codes only (the group, its kind, the member's contact and role). */
    private static Change memberChange(String type, ContactGroup g, Membership m, List<String> changed) {
        Map<String, Object> related = new java.util.LinkedHashMap<>();
        related.put("group", g.id.toString());
        related.put("kind", g.kind.name());
        if (m.contactId != null) {
            related.put("contact", m.contactId.toString());
        }
        related.put("role", m.role);
        return new Change(type, m.id, m.version, changed, related);
    }

    /** The fields of a group an update event names when they change. */
    private static Map<String, Object> fields(ContactGroup g) {
        Map<String, Object> f = new java.util.HashMap<>();
        f.put("kind", g.kind.name());
        f.put("name", g.name);
        f.put("description", g.description);
        f.put("externalId", g.externalId);
        f.put("managingOrganization", g.managingOrganization);
        return f;
    }

    private Membership membership(ContactGroup g, String field, MemberInput in, ContactKind kind, Instant now) {
        String prefix = field == null ? "" : field + ".";
        Membership m = new Membership();
        m.id = UUID.randomUUID();
        m.groupId = g.id;
        m.contactId = in.contactId();
        m.role = role(g.kind, prefix + "role", in.role(), kind);
        if (in.since() != null && in.until() != null && in.until().isBefore(in.since())) {
            throw InvalidInput.field(prefix + "until", "must not be before since (" + in.since() + ")");
        }
        m.since = in.since();
        m.until = in.until();
        m.createdAt = now;
        m.updatedAt = now;
        return m;
    }

    /** The role code, normalised, that a contact of {@code kind} may hold in a group of {@code groupKind}. */
    private static String role(GroupKind groupKind, String field, String given, ContactKind kind) {
        String role = given == null || given.isBlank() ? groupKind.defaultRole()
                : given.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        String misfit = groupKind.misfit(role, kind);
        if (misfit != null) {
            throw new RuleRefused("role-not-allowed", "Role does not fit", field + " " + misfit,
                    List.of(new DomainException.FieldError(field, misfit)));
        }
        return role;
    }

    private void assign(ContactGroup g, GroupInput in, UUID self) {
        String externalId = in.externalId() == null || in.externalId().isBlank() ? null : in.externalId().strip();
        if (externalId != null) {
            groups.find("externalId", externalId).firstResultOptional()
                    .filter(holder -> !holder.id.equals(self)).ifPresent(holder -> {
                        // Named only to a caller who sees the holder whole: the limited view hides the external id.
                        if (view(holder).externalId() == null) {
                            throw new Conflict("duplicate-external-id", "Conflict", "Another group already has "
                                    + "externalId " + externalId, List.of(new Conflict.FieldError("externalId",
                                    "held by another group")));
                        }
                        throw new Conflict("duplicate-external-id", "Conflict", "Group " + holder.id
                                + " already has externalId " + externalId + " (/api/v1/groups/" + holder.id + ")",
                                List.of(new Conflict.FieldError("externalId", "held by /api/v1/groups/" + holder.id)));
                    });
        }
        if (in.managingOrganization() != null && !in.managingOrganization().equals(g.managingOrganization)) {
            ContactDirectory.Entry org = contacts.find(in.managingOrganization())
                    .orElseThrow(() -> unknownContact("managingOrganization", in.managingOrganization()));
            if (org.kind() != ContactKind.ORGANIZATION) {
                throw new RuleRefused("not-an-organization", "Not an organisation",
                        "managingOrganization must be a contact of kind ORGANIZATION, not " + org.kind(),
                        List.of(new DomainException.FieldError("managingOrganization", "is a " + org.kind())));
            }
        }
        String name = in.name().strip();
        if (name.isEmpty()) { // blank by Unicode's measure (e.g. U+3000), which @NotBlank does not apply
            throw InvalidInput.field("name", "must not be blank");
        }
        g.kind = in.kind();
        g.name = name;
        g.description = in.description() == null || in.description().isBlank() ? null : in.description().strip();
        g.externalId = externalId;
        g.managingOrganization = in.managingOrganization();
    }

    private List<GroupView> views(List<ContactGroup> page) {
        Map<UUID, List<MembershipStore.Active>> members = memberships.activeMembers(page.stream().map(g -> g.id)
                .toList(), today());
        return disclosure.disclosed(page.stream().map(g -> {
            List<MembershipStore.Active> current = members.getOrDefault(g.id, List.of());
            return GroupView.of(g, current.stream().map(MembershipStore.Active::contact).toList(), disclosers(current));
        }).toList());
    }

    /**
     * The current members through whom the caller may see a group whole: not those the caller added to it (nor, in
     * {@link GroupView#ownContactDiscloses}, their own contact). Adding a patient one treats to a group is a
     * clinician's to do; it must not open the group to them.
     */
    private List<UUID> disclosers(List<MembershipStore.Active> current) {
        String subject = callers.current().subject();
        return current.stream().filter(m -> !subject.equals(m.addedBy())).map(MembershipStore.Active::contact).toList();
    }

    private GroupView view(ContactGroup g) {
        return views(List.of(g)).get(0);
    }

    /**
     * A clinician changes a group's own fields only when they see a current member whole (or it has none), their own
     * contact aside: adding themselves to a group must not make it theirs to rewrite.
     */
    private void requireWholeGroup(ContactGroup g) {
        List<MembershipStore.Active> active = memberships.activeMembers(List.of(g.id), today())
                .getOrDefault(g.id, List.of());
        if (disclosure.besidesOwnContact(active.stream().map(MembershipStore.Active::contact).toList()).isEmpty()) {
            return; // nobody in it but, at most, the caller
        }
        // Members the caller added count no more than their own contact: with none left, the group is not theirs.
        disclosure.requireWhole("Group", g.id, disclosure.besidesOwnContact(disclosers(active)).toArray(UUID[]::new));
    }

    private void requireChangeable(Membership m) {
        if (m.contactId == null) {
            throw new Conflict("member-erased", "Membership " + m.id + " belonged to a contact erased on request; it "
                    + "is history and does not change");
        }
        auditNotes.concerns(m.contactId);
        disclosure.requireWhole("Membership", m.id, m.contactId);
    }

    private ContactGroup find(UUID id) {
        ContactGroup g = groups.findById(id);
        if (g == null) {
            throw new NotFound("Group", id);
        }
        return g;
    }

    private Membership findMember(ContactGroup g, UUID memberId) {
        Membership m = memberships.findById(memberId);
        if (m == null || !m.groupId.equals(g.id)) {
            throw new NotFound("Membership", memberId);
        }
        return m;
    }

    private static GroupRef ref(ContactGroup g) {
        return new GroupRef(g.id, g.kind, g.name);
    }

    private static Conflict duplicate(UUID group, Membership existing) {
        return new Conflict("duplicate-membership", "Conflict", "The contact is already an open member of this group: "
                + "/api/v1/groups/" + group + "/members/" + existing.id,
                List.of(new Conflict.FieldError("contactId", "open member as /api/v1/groups/" + group + "/members/"
                        + existing.id)));
    }

    private static RuleRefused unknownContact(String field, UUID id) {
        return new RuleRefused("unknown-contact", "Unknown contact", field + ": contact " + id + " does not exist",
                List.of(new DomainException.FieldError(field, "no such contact")));
    }

    private static void checkDates(LocalDate since, LocalDate until) {
        if (since != null && until != null && until.isBefore(since)) {
            throw InvalidInput.field("until", "must not be before since (" + since + ")");
        }
    }

    private static void checkVersion(String what, long current, long expected) {
        if (current != expected) {
            throw new StaleVersion("Precondition Failed", "The " + what + " is at version " + current + ", not "
                    + expected + "; read it again and reapply the change");
        }
    }

    private static JsonObject object(String body) {
        JsonValue patch;
        try {
            patch = Json.createReader(new StringReader(body)).readValue();
        } catch (JsonParsingException e) {
            throw InvalidInput.request("malformed-json", "the body is not well-formed JSON");
        } catch (JsonException e) {
            throw InvalidInput.request("malformed-json", "the body is empty or not JSON");
        } catch (RuntimeException e) { // the parser's own limits, e.g. nesting deeper than 1000
            throw InvalidInput.request("malformed-json", "the body is not acceptable JSON");
        }
        if (patch.getValueType() != JsonValue.ValueType.OBJECT) {
            throw InvalidInput.request("malformed-json", "a merge patch must be a JSON object");
        }
        return patch.asJsonObject();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }
}
