package health.circles.fhir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.contact.Channel;
import health.circles.contact.ConsentChannel;
import health.circles.contact.ConsentEntryInput;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactDirectory;
import health.circles.contact.ContactErased;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.contact.ErasureRegister;
import health.circles.failure.Conflict;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.NotPermitted;
import health.circles.failure.PreconditionRequired;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.failure.TooLarge;
import health.circles.failure.Unavailable;
import health.circles.group.GroupInput;
import health.circles.group.GroupKind;
import health.circles.group.GroupService;
import health.circles.group.GroupView;
import health.circles.group.MemberChange;
import health.circles.group.MemberInput;
import health.circles.group.MemberView;
import health.circles.network.TieAssertion;
import health.circles.network.TieInput;
import health.circles.network.TieType;
import health.circles.network.TieService;
import health.circles.network.TieSource;
import health.circles.network.TieView;
import health.circles.security.AuditCall;
import health.circles.security.AuditLog;
import health.circles.security.AuditNotes;
import health.circles.security.Caller;
import health.circles.security.Callers;
import health.circles.web.Cursor;
import health.circles.web.Page;
import health.circles.web.Problem;
import health.circles.web.ProblemMappers;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.jboss.logging.Logger;

/**
 * FHIR R4 writes and reads over the contact, network and consent services: a transaction Bundle in one database
 * transaction (all or nothing; the graph follows through the outbox), a batch entry by entry, single resources;
 * resources matched by identifier so that sending them again changes nothing.
 */
@ApplicationScoped
public class FhirService {

    private static final Logger LOG = Logger.getLogger(FhirService.class);

    /** The resource types Circles takes, in the order a Bundle's entries are applied (referenced ones first). */
    static final List<String> WRITABLE = List.of("Organization", "Patient", "Practitioner", "RelatedPerson",
            "PractitionerRole", "CareTeam", "Group", "Consent");
    static final int MAX_ENTRIES = 1000;
    static final String CONSENT_SOURCE = "fhir:Consent";
    private static final int MAX_TIES = 200;
    private static final int MAX_MEMBERS = 5000;

    private final ContactService contacts;
    private final ContactDirectory directory;
    private final TieService ties;
    private final IdentifierStore identifiers;
    private final ErasureRegister register;
    private final AuditNotes auditNotes;
    private final Validator validator;
    private final ObjectMapper json;
    private final FhirOut out;
    private final GroupService groups;
    private final Callers callers;
    private final AuditLog auditLog;
    private final Clock clock = Clock.systemUTC();

    FhirService(ContactService contacts, ContactDirectory directory, TieService ties, IdentifierStore identifiers,
                ErasureRegister register, AuditNotes auditNotes, Validator validator, ObjectMapper json, FhirOut out,
                GroupService groups, Callers callers, AuditLog auditLog) {
        this.groups = groups;
        this.callers = callers;
        this.auditLog = auditLog;
        this.contacts = contacts;
        this.directory = directory;
        this.ties = ties;
        this.identifiers = identifiers;
        this.register = register;
        this.auditNotes = auditNotes;
        this.validator = validator;
        this.json = json;
        this.out = out;
    }

    // ---------------------------------------------------------------------------------------------- writes

    /** What one entry did: its answer in the response Bundle and the records it wrote (for the audit trail). */
    record Applied(String status, String location, String etag, UUID contact, List<FhirAnswer.Shown> shown,
                   boolean changed) {
    }

    /** A transaction or batch Bundle; a transaction fails whole on its first refused entry. */
    @Transactional
    public FhirAnswer bundle(Bundle bundle) {
        boolean transaction = bundle.getType() == Bundle.BundleType.TRANSACTION;
        if (!transaction && bundle.getType() != Bundle.BundleType.BATCH) {
            throw InvalidInput.field("Bundle.type", "must be transaction or batch");
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        if (entries.size() > MAX_ENTRIES) {
            throw new TooLarge("Content Too Large", "A Bundle holds at most " + MAX_ENTRIES
                    + " entries here; send larger sets as several Bundles");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> rank(entries.get(i))));
        Map<String, UUID> resolved = new HashMap<>();
        Applied[] applied = new Applied[entries.size()];
        OperationOutcome[] failed = new OperationOutcome[entries.size()];
        String[] failedStatus = new String[entries.size()];
        for (int i : order) {
            Bundle.BundleEntryComponent entry = entries.get(i);
            String at = "Bundle.entry[" + i + "]";
            if (transaction) {
                try {
                    applied[i] = entry(entry, at, resolved);
                } catch (DomainException e) {
                    throw located(e, at);
                }
            } else {
                try {
                    applied[i] = QuarkusTransaction.requiringNew().call(() -> audited(entry(entry, at, resolved), at));
                } catch (DomainException e) {
                    failedStatus[i] = ProblemMappers.status(e) + " " + Problem.reason(ProblemMappers.status(e));
                    failed[i] = FhirProblems.outcome(problem(located(e, at)));
                } catch (ConstraintViolationException e) {
                    failedStatus[i] = "400 Bad Request";
                    failed[i] = FhirProblems.outcome(problem(InvalidInput.request("validation", at
                            + ": the resource breaks a rule of Circles' records")));
                } catch (RuntimeException e) {
                    java.util.Optional<Problem> race = ProblemMappers.known(e, null);
                    if (race.isPresent()) {
                        // Another request changed the same record meanwhile: the entry may be sent again.
                        Problem p = race.get();
                        failedStatus[i] = p.status() + " " + Problem.reason(p.status());
                        failed[i] = FhirProblems.outcome(new Problem(p.type(), p.title(), p.status(),
                                at + ": " + p.detail(), null, List.of()));
                        continue;
                    }
                    // A fault of Circles', not of the entry. The entries applied before it stay applied, so the
                    // answer (and its audit row, which names their contacts) must still go out.
                    String incident = UUID.randomUUID().toString();
                    LOG.errorf(e, "Unexpected failure of %s in a batch, incident %s", at, incident);
                    failedStatus[i] = "500 Internal Server Error";
                    failed[i] = FhirProblems.outcome(new Problem(Problem.type("internal"), "Internal Server Error",
                            500, at + " could not be applied; quote incident " + incident + " when reporting it",
                            null, List.of()));
                }
            }
            if (applied[i] != null && entry.hasFullUrl() && applied[i].contact() != null) {
                resolved.put(entry.getFullUrl(), applied[i].contact());
            }
        }
        Bundle response = new Bundle();
        response.setType(transaction ? Bundle.BundleType.TRANSACTIONRESPONSE : Bundle.BundleType.BATCHRESPONSE);
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryResponseComponent r = response.addEntry().getResponse();
            if (applied[i] != null) {
                r.setStatus(applied[i].status()).setLocation(applied[i].location()).setEtag(applied[i].etag());
                shown.addAll(applied[i].shown());
            } else {
                r.setStatus(failedStatus[i]).setOutcome(failed[i]);
            }
        }
        response.setTimestamp(java.util.Date.from(now()));
        return new FhirAnswer(response, shown);
    }

    /**
     * A batch entry commits on its own, before the request's audit row (written in the request's transaction, after
     * every entry) could be: so each applied entry also writes a row of its own in its transaction, naming what it
     * wrote, under the request's id. An entry whose row cannot be written is not applied. The request's row still
     * names them all.
     */
    private Applied audited(Applied applied, String at) {
        Caller caller = callers.current();
        Set<UUID> named = new LinkedHashSet<>();
        List<String> references = new ArrayList<>();
        for (FhirAnswer.Shown shown : applied.shown()) {
            references.add(shown.reference());
            named.addAll(shown.contacts());
        }
        if (applied.contact() != null) {
            named.add(applied.contact());
        }
        auditLog.append(new AuditLog.Event(caller.subject(), caller.roles().stream().sorted().toList(), "batch-entry",
                "fhir", at, references, List.copyOf(named), "POST", "/fhir", Integer.parseInt(applied.status()
                .substring(0, 3)), AuditCall.currentRequestId(), null));
        return applied;
    }

    /** One resource posted to its type's endpoint: an entry of a transaction of one. */
    @Transactional
    public Applied single(String type, IBaseResource resource) {
        if (!(resource instanceof Resource r) || !type.equals(r.fhirType())) {
            throw InvalidInput.field("resourceType", "must be " + type + ", the type in the path");
        }
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(r);
        entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(type);
        return entry(entry, type, new HashMap<>());
    }

    private static int rank(Bundle.BundleEntryComponent entry) {
        int rank = entry.hasResource() ? WRITABLE.indexOf(entry.getResource().fhirType()) : -1;
        return rank < 0 ? WRITABLE.size() : rank;
    }

    private Applied entry(Bundle.BundleEntryComponent entry, String at, Map<String, UUID> resolved) {
        if (!entry.hasResource()) {
            throw InvalidInput.field(at + ".resource", "is required: Circles takes resources to create or update");
        }
        Resource resource = entry.getResource();
        String type = resource.fhirType();
        String where = at.startsWith("Bundle") ? at + ".resource" : type;
        if (!WRITABLE.contains(type)) {
            throw new InvalidInput("not-supported", "Bad Request", where + ": " + type + " is not taken here (only "
                    + String.join(", ", WRITABLE) + ")", List.of(new DomainException.FieldError(where, "is a "
                    + type + ", which Circles does not keep")));
        }
        UUID explicit = null;
        if (entry.hasRequest()) {
            Bundle.HTTPVerb method = entry.getRequest().getMethod();
            if (method != Bundle.HTTPVerb.POST && method != Bundle.HTTPVerb.PUT) {
                throw InvalidInput.field(at + ".request.method", "must be POST or PUT (conditional create or update)");
            }
            String url = entry.getRequest().getUrl();
            if (method == Bundle.HTTPVerb.PUT && url != null && url.startsWith(type + "/")) {
                explicit = uuid(url.substring(type.length() + 1), at + ".request.url")
                        .orElseThrow(() -> new NotFound(type, Texts.clip(url, 100)));
            }
        }
        FhirIn in = FhirIn.at(validator, where);
        return switch (type) {
            case "Patient" -> person(type, in.patient((Patient) resource), explicit, Set.of(ContactKind.PATIENT));
            case "Practitioner" -> person(type, in.practitioner((Practitioner) resource), explicit,
                    Set.of(ContactKind.PHYSICIAN, ContactKind.NURSE, ContactKind.OTHER_CLINICIAN));
            case "Organization" -> person(type, in.organization((Organization) resource), explicit,
                    Set.of(ContactKind.ORGANIZATION));
            case "RelatedPerson" -> related(in.relatedPerson((RelatedPerson) resource), explicit, where, resolved);
            case "PractitionerRole" -> role(in.practitionerRole((PractitionerRole) resource), where, resolved);
            case "CareTeam" -> careTeam(in.careTeam((CareTeam) resource), where, resolved);
            case "Group" -> group(in.group((Group) resource), explicit, where, resolved);
            case "Consent" -> consent(in.consent((Consent) resource, now()), where, resolved);
            default -> throw new IllegalStateException(type);
        };
    }

    /**
     * Conditional create or update of a contact: the contact holding one of the resource's identifiers (or the one
     * named by a PUT) takes the fields Circles keeps from the resource, unless they are already what it holds; none
     * found: a new contact. {@code kinds}: what an existing contact may be for this resource type.
     */
    private Applied person(String type, FhirIn.Person person, UUID explicit, Set<ContactKind> kinds) {
        List<String> fingerprints = person.identifiers().stream().map(i -> register.fingerprintHex(i.key())).toList();
        if (identifiers.anyErased(fingerprints)) {
            throw new Conflict("erased-identifier", "An identifier of this " + type + " belonged to a contact erased "
                    + "on request; it cannot be used again");
        }
        Set<UUID> holders = new LinkedHashSet<>();
        identifiers.holders(person.identifiers()).forEach(h -> holders.add(h.contact()));
        if (explicit != null) {
            holders.add(explicit);
        }
        if (holders.size() > 1) {
            throw new Conflict("ambiguous-identifier", "The identifiers of this " + type + " belong to "
                    + holders.size() + " different contacts (" + holders + "); send them separately or merge the "
                    + "contacts first");
        }
        Instant now = now();
        if (holders.isEmpty()) {
            ContactView created = contacts.create(person.contact()).contact();
            identifiers.add(created.id(), person.identifiers(), now);
            return applied("201 Created", type, created, true);
        }
        UUID id = holders.iterator().next();
        ContactView current = contacts.get(id);
        ContactInput wanted = person.contact();
        boolean relatedKeepsKind = "RelatedPerson".equals(type) && current.kind().isPerson();
        boolean becomesPatient = "Patient".equals(type) && current.kind().isPerson() && !current.kind().isClinician();
        if (!kinds.contains(current.kind()) && !relatedKeepsKind && !becomesPatient) {
            throw new Conflict("kind-mismatch", "Contact " + id + " is a " + current.kind() + ", which a " + type
                    + " cannot describe");
        }
        // A related person stays what they are (a patient may be someone's daughter); a practitioner whose
        // qualification says nothing of their kind keeps the one Circles has.
        ContactKind kind = relatedKeepsKind
                || kinds.contains(current.kind()) && wanted.kind() == ContactKind.OTHER_CLINICIAN
                ? current.kind() : wanted.kind();
        identifiers.add(id, person.identifiers(), now);
        // Specialties add up: a PractitionerRole adds its own, which a re-sent Practitioner must not take away again.
        List<String> specialties = new ArrayList<>(current.specialties());
        distinct(wanted.specialties()).stream().filter(x -> !specialties.contains(x)).forEach(specialties::add);
        if (same(current, wanted, kind, specialties)) {
            return applied("200 OK", type, current, false);
        }
        ObjectNode body = json.createObjectNode();
        body.put("kind", kind.name());
        body.put("givenName", wanted.givenName());
        body.put("familyName", wanted.familyName());
        body.put("organizationName", wanted.organizationName());
        body.put("email", wanted.email());
        body.put("phone", wanted.phone());
        body.put("postalCode", wanted.postalCode());
        body.put("city", wanted.city());
        body.set("languages", json.valueToTree(wanted.languages()));
        body.set("specialties", json.valueToTree(kind.isClinician() || kind == ContactKind.ORGANIZATION
                ? specialties : List.of()));
        body.set("tags", json.valueToTree(current.tags()));
        try {
            return applied("200 OK", type, contacts.replace(id, current.version(), body).contact(), true);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the contact already holds what the resource says (so that a re-sent resource writes nothing). */
    private static boolean same(ContactView c, ContactInput in, ContactKind kind, List<String> specialties) {
        return c.kind() == kind && eq(c.givenName(), in.givenName()) && eq(c.familyName(), in.familyName())
                && eq(c.organizationName(), in.organizationName()) && eq(c.email(), in.email())
                && eq(c.phone(), in.phone())
                && eq(c.postalCode(), in.postalCode() == null ? null : in.postalCode().strip()
                .toUpperCase(java.util.Locale.ROOT))
                && eq(c.city(), in.city()) && c.languages().equals(distinct(in.languages()))
                && (!kind.isClinician() && kind != ContactKind.ORGANIZATION
                || c.specialties().equals(specialties));
    }

    private static boolean eq(String a, String b) {
        String x = a == null || a.isBlank() ? null : a.strip();
        String y = b == null || b.isBlank() ? null : b.strip();
        return java.util.Objects.equals(x, y);
    }

    private static List<String> distinct(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).distinct().toList();
    }

    private Applied related(FhirIn.Related related, UUID explicit, String where, Map<String, UUID> resolved) {
        UUID patient = reference(related.patient(), where + ".patient", resolved, "Patient",
                Set.of(ContactKind.PATIENT));
        Applied person = person("RelatedPerson", related.person(), explicit, Set.of(ContactKind.FAMILY,
                ContactKind.CAREGIVER));
        if (person.contact().equals(patient)) {
            throw InvalidInput.field(where + ".patient", "names the related person themselves");
        }
        List<FhirAnswer.Shown> shown = new ArrayList<>(person.shown());
        int before = shown.size();
        for (RelationshipCodes.Relationship r : related.relationships()) {
            boolean toPatient = r.direction() == RelationshipCodes.Direction.TO_PATIENT;
            tie(toPatient ? person.contact() : patient, toPatient ? patient : person.contact(), r.tieType(),
                    related.since(), related.until()).ifPresent(shown::add);
        }
        return new Applied(person.status(), person.location(), person.etag(), person.contact(), shown,
                person.changed() || shown.size() > before);
    }

    private Applied role(FhirIn.Role role, String where, Map<String, UUID> resolved) {
        UUID practitioner = reference(role.practitioner(), where + ".practitioner", resolved, "Practitioner",
                Set.of(ContactKind.PHYSICIAN, ContactKind.NURSE, ContactKind.OTHER_CLINICIAN));
        UUID organization = reference(role.organization(), where + ".organization", resolved, "Organization",
                Set.of(ContactKind.ORGANIZATION));
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        if (!role.specialties().isEmpty()) {
            ContactView current = contacts.get(practitioner);
            List<String> all = new ArrayList<>(current.specialties());
            role.specialties().stream().filter(s -> !all.contains(s)).forEach(all::add);
            if (all.size() != current.specialties().size()) {
                if (all.size() > 30) {
                    throw InvalidInput.field(where + ".specialty", "a practitioner has at most 30 specialties");
                }
                ObjectNode body = json.valueToTree(current);
                for (String readOnly : List.of("id", "displayName", "createdAt", "updatedAt", "version", "consent",
                        "doNotContact")) {
                    body.remove(readOnly);
                }
                body.set("specialties", json.valueToTree(all));
                try {
                    contacts.replace(practitioner, current.version(), body);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                shown.add(new FhirAnswer.Shown("Practitioner/" + practitioner, Set.of(practitioner)));
            }
        }
        Optional<FhirAnswer.Shown> tie = tie(practitioner, organization, "WORKS_AT", role.since(), role.until());
        tie.ifPresent(shown::add);
        UUID tieId = tieBetween(practitioner, organization, "WORKS_AT").map(TieView::id).orElse(null);
        return new Applied(tie.isPresent() ? "201 Created" : "200 OK", "PractitionerRole/" + tieId, null,
                practitioner, shown.isEmpty() ? List.of(new FhirAnswer.Shown("PractitionerRole/" + tieId,
                Set.of(practitioner, organization))) : shown, !shown.isEmpty());
    }

    private Applied careTeam(FhirIn.Team team, String where, Map<String, UUID> resolved) {
        UUID patient = reference(team.subject(), where + ".subject", resolved, "Patient", Set.of(ContactKind.PATIENT));
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        List<Wanted> wanted = new ArrayList<>();
        wanted.add(new Wanted(patient, "patient", null, null, false, where + ".subject"));
        boolean created = false;
        for (FhirIn.Member m : team.members()) {
            String path = where + "." + m.path() + ".member";
            UUID member = reference(m.member(), path, resolved, null, null);
            ContactKind kind = directory.find(member).orElseThrow().kind();
            String tieType = m.role() != null ? m.role().tieType() : kind.isClinician() ? "TREATS" : "CARES_FOR";
            if ("TREATS".equals(tieType) && !kind.isClinician()) {
                throw new RuleRefused("tie-kind-not-allowed", "Tie type does not fit these contacts",
                        path + ": a clinical role needs a Practitioner; contact " + member + " is a " + kind,
                        List.of(new DomainException.FieldError(path, "is not a clinician")));
            }
            if (member.equals(patient)) {
                throw InvalidInput.field(path, "names the subject of the care team");
            }
            Optional<FhirAnswer.Shown> tie = tie(member, patient, tieType, m.since(), m.until());
            created |= tie.isPresent();
            tie.ifPresent(shown::add);
            if (kind != ContactKind.ORGANIZATION // an organisation manages a group rather than belongs to it
                    && wanted.stream().noneMatch(w -> w.contact().equals(member))) {
                boolean ended = m.until() != null && !m.until().isAfter(today());
                wanted.add(new Wanted(member, careTeamRole(tieType, kind), m.since(), m.until(), ended, path));
            }
        }
        created |= careTeamGroup(team, patient, wanted, where, shown);
        boolean changed = !shown.isEmpty();
        if (shown.isEmpty()) {
            shown.add(new FhirAnswer.Shown("CareTeam/" + patient, Set.of(patient)));
        }
        return new Applied(created ? "201 Created" : "200 OK", "CareTeam/" + patient, null, patient, shown, changed);
    }

    /** A member as a Group or CareTeam says it: the role is what a new membership gets. */
    private record Wanted(UUID contact, String role, LocalDate since, LocalDate until, boolean inactive, String path) {
    }

    /** A care team member's role in the care-team group: caregiver, or the clinician's own kind. */
    private static String careTeamRole(String tieType, ContactKind kind) {
        if ("CARES_FOR".equals(tieType) || !kind.isClinician()) {
            return "caregiver";
        }
        return kind == ContactKind.PHYSICIAN ? "physician" : kind == ContactKind.NURSE ? "nurse" : "clinician";
    }

    /** The role a Group's member gets in a group of {@code groupKind}: the one their kind of contact fits best. */
    private static String memberRole(GroupKind groupKind, ContactKind kind) {
        List<String> preferred = switch (kind) {
            case PHYSICIAN -> List.of("physician", "clinician");
            case NURSE -> List.of("nurse", "clinician");
            case OTHER_CLINICIAN -> List.of("clinician");
            case PATIENT -> groupKind == GroupKind.HOUSEHOLD ? List.of() : List.of("patient");
            default -> List.of();
        };
        return preferred.stream().filter(groupKind.roles()::contains).findFirst().orElse(groupKind.defaultRole());
    }

    /**
     * The care-team group of a CareTeam: matched by the CareTeam's identifiers, or (when it has none) the care team
     * the subject is the patient of and no identifier names; created when there is none. Members are added and brought
     * up to date, never removed (like the care ties). Whether anything was created.
     */
    private boolean careTeamGroup(FhirIn.Team team, UUID patient, List<Wanted> wanted, String where,
                                  List<FhirAnswer.Shown> shown) {
        UUID id = matchGroup(team.identifiers(), null, "CareTeam");
        if (id == null && team.identifiers().isEmpty()) {
            id = careTeamGroupOf(patient).orElse(null);
        }
        Set<UUID> concerned = new LinkedHashSet<>();
        wanted.forEach(w -> concerned.add(w.contact()));
        if (id == null) {
            GroupView created = groups.create(new GroupInput(GroupKind.CARE_TEAM,
                    team.name() == null ? "Care team" : team.name(), null, null, null, memberInputs(wanted))).group();
            identifiers.addToGroup(created.id(), team.identifiers(), now());
            shown.add(new FhirAnswer.Shown("Group/" + created.id(), concerned));
            return true;
        }
        GroupView current = groups.get(id);
        if (current.kind() != GroupKind.CARE_TEAM) {
            throw new Conflict("kind-mismatch", where + ": the identifiers of this CareTeam name group " + id
                    + ", which is a " + current.kind() + ", not a care team");
        }
        identifiers.addToGroup(id, team.identifiers(), now());
        boolean changed = false;
        if (team.name() != null && !team.name().equals(current.name())) {
            patchGroup(current, Map.of("name", team.name()));
            changed = true;
        }
        changed |= syncMembers(id, wanted, true, false);
        if (changed) {
            shown.add(new FhirAnswer.Shown("Group/" + id, concerned));
        }
        return false;
    }

    /** The care team the patient is the patient of (current member, role patient) that no FHIR identifier names. */
    private Optional<UUID> careTeamGroupOf(UUID patient) {
        List<UUID> candidates = new ArrayList<>();
        for (MemberView m : membershipsOf(patient, true)) {
            if (m.group().kind() == GroupKind.CARE_TEAM && "patient".equals(m.role())) {
                candidates.add(m.group().id());
            }
        }
        Set<UUID> named = identifiers.withIdentifiers(candidates);
        return candidates.stream().filter(c -> !named.contains(c)).findFirst();
    }

    /** The care-team groups the patient is the patient of, those a FHIR identifier names first. */
    private List<GroupView> careTeamGroupsOf(UUID patient) {
        List<UUID> candidates = new ArrayList<>();
        for (MemberView m : membershipsOf(patient, true)) {
            if (m.group().kind() == GroupKind.CARE_TEAM && "patient".equals(m.role())) {
                candidates.add(m.group().id());
            }
        }
        Set<UUID> named = identifiers.withIdentifiers(candidates);
        return candidates.stream().sorted(Comparator.comparing(c -> !named.contains(c))).map(groups::get).toList();
    }

    /** A Group: a group of its kind with its members, matched by identifier (or the id of a PUT). */
    private Applied group(FhirIn.GroupIn in, UUID explicit, String where, Map<String, UUID> resolved) {
        UUID organization = in.managingEntity() == null ? null : reference(in.managingEntity(),
                where + ".managingEntity", resolved, "Organization", Set.of(ContactKind.ORGANIZATION));
        List<Wanted> wanted = new ArrayList<>();
        Set<UUID> concerned = new LinkedHashSet<>();
        for (FhirIn.GroupMember m : in.members()) {
            String path = where + "." + m.path() + ".entity";
            UUID contact = reference(m.entity(), path, resolved, null, null);
            if (!concerned.add(contact)) {
                throw InvalidInput.field(path, "names a member the Group names already");
            }
            ContactKind kind = directory.find(contact).orElseThrow().kind();
            boolean ended = m.inactive() || m.until() != null && !m.until().isAfter(today());
            wanted.add(new Wanted(contact, memberRole(in.kind(), kind), m.since(), m.until(), ended, path));
        }
        UUID id = matchGroup(in.identifiers(), explicit, "Group");
        if (id == null) {
            GroupView created = groups.create(new GroupInput(in.kind(), in.name(), null, null, organization,
                    memberInputs(wanted))).group();
            identifiers.addToGroup(created.id(), in.identifiers(), now());
            return new Applied("201 Created", "Group/" + created.id(), "W/\"" + created.version() + "\"", null,
                    List.of(new FhirAnswer.Shown("Group/" + created.id(), concerned)), true);
        }
        GroupView current = groups.get(id);
        identifiers.addToGroup(id, in.identifiers(), now());
        Map<String, Object> changes = new HashMap<>();
        if (current.kind() != in.kind()) {
            changes.put("kind", in.kind().name());
        }
        if (!current.name().equals(in.name())) {
            changes.put("name", in.name());
        }
        if (!java.util.Objects.equals(current.managingOrganization(), organization)) {
            changes.put("managingOrganization", organization == null ? null : organization.toString());
        }
        if (!changes.isEmpty()) {
            patchGroup(current, changes);
        }
        // A Group says who is in it: open members it leaves out have left (they stay in the group's history).
        Set<UUID> before = new LinkedHashSet<>();
        membersOf(id).stream().filter(MemberView::active).map(MemberView::contactId)
                .filter(java.util.Objects::nonNull).forEach(before::add);
        boolean changed = syncMembers(id, wanted, false, true) || !changes.isEmpty();
        concerned.addAll(before);
        GroupView now = groups.get(id);
        return new Applied("200 OK", "Group/" + id, "W/\"" + now.version() + "\"", null,
                List.of(new FhirAnswer.Shown("Group/" + id, concerned)), changed);
    }

    /** The group holding one of the identifiers (or named by a PUT); null when none; 409 when several. */
    private UUID matchGroup(List<IdentifierStore.Identifier> ids, UUID explicit, String type) {
        Set<UUID> holders = new LinkedHashSet<>(identifiers.groupHolders(ids));
        if (explicit != null) {
            groups.get(explicit); // 404 when there is no such group
            holders.add(explicit);
        }
        if (holders.size() > 1) {
            throw new Conflict("ambiguous-identifier", "The identifiers of this " + type + " belong to "
                    + holders.size() + " different groups (" + holders + "); send them separately");
        }
        return holders.isEmpty() ? null : holders.iterator().next();
    }

    private static List<MemberInput> memberInputs(List<Wanted> wanted) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return wanted.stream().map(w -> new MemberInput(w.contact(), w.role(), w.since(), w.inactive()
                ? endOf(w, today) : w.until())).toList();
    }

    /** When an inactive member's membership ends: their period's end, else today (not before they joined). */
    private static LocalDate endOf(Wanted w, LocalDate today) {
        LocalDate end = w.until() != null ? w.until() : today;
        return w.since() != null && w.since().isAfter(end) ? w.since() : end;
    }

    private void patchGroup(GroupView current, Map<String, Object> changes) {
        try {
            groups.patch(current.id(), current.version(), json.writeValueAsString(changes));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Brings a group's memberships to what a resource says: a membership with the same dates stays as it is; an open
     * one takes the new dates (and, with {@code setRole}, the role); otherwise a new one. A member said to be inactive
     * ends their open membership. With {@code endOthers}, open members the resource leaves out are ended today.
     * Whether anything was written.
     */
    private boolean syncMembers(UUID groupId, List<Wanted> wanted, boolean setRole, boolean endOthers) {
        LocalDate today = today();
        Map<UUID, List<MemberView>> byContact = new HashMap<>();
        for (MemberView m : membersOf(groupId)) {
            if (m.contactId() != null) {
                byContact.computeIfAbsent(m.contactId(), k -> new ArrayList<>()).add(m);
            }
        }
        boolean changed = false;
        for (Wanted w : wanted) {
            List<MemberView> held = byContact.getOrDefault(w.contact(), List.of());
            LocalDate until = w.inactive() ? endOf(w, today) : w.until();
            Optional<MemberView> exact = held.stream().filter(m -> (w.since() == null
                    || w.since().equals(m.since())) && java.util.Objects.equals(m.until(), until)).findFirst();
            Optional<MemberView> open = held.stream().filter(MemberView::active).findFirst();
            if (exact.isPresent()) {
                MemberView m = exact.get();
                if (setRole && !m.role().equals(w.role())) {
                    groups.changeMember(groupId, m.id(), m.version(), new MemberChange(w.role(), m.since(), m.until()));
                    changed = true;
                }
            } else if (w.inactive() && w.until() == null && open.isEmpty() && !held.isEmpty()) {
                continue; // said to be inactive, and no longer a member: ended already
            } else if (open.isPresent()) {
                MemberView m = open.get();
                MemberChange change = new MemberChange(setRole ? w.role() : m.role(),
                        w.since() == null ? m.since() : w.since(), until);
                if (!change.role().equals(m.role()) || !java.util.Objects.equals(change.since(), m.since())
                        || !java.util.Objects.equals(change.until(), m.until())) {
                    groups.changeMember(groupId, m.id(), m.version(), change);
                    changed = true;
                }
            } else {
                groups.addMember(groupId, new MemberInput(w.contact(), w.role(), w.since(), until));
                changed = true;
            }
        }
        if (endOthers) {
            Set<UUID> named = new HashSet<>();
            wanted.forEach(w -> named.add(w.contact()));
            for (Map.Entry<UUID, List<MemberView>> e : byContact.entrySet()) {
                if (named.contains(e.getKey())) {
                    continue;
                }
                for (MemberView m : e.getValue()) {
                    if (m.active()) {
                        LocalDate end = m.since() != null && m.since().isAfter(today) ? m.since() : today;
                        groups.endMember(groupId, m.id(), m.version(), end);
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    /** Every membership of a group, current and past (a group holds at most a few thousand). */
    private List<MemberView> membersOf(UUID groupId) {
        List<MemberView> all = new ArrayList<>();
        Cursor after = null;
        do {
            Page<MemberView> page = groups.members(groupId, null, after, 500);
            all.addAll(page.items());
            after = page.next() == null ? null : Cursor.decode(page.next());
        } while (after != null && all.size() < MAX_MEMBERS);
        return all;
    }

    /** A contact's memberships ({@code active}: current only), each with its group. */
    private List<MemberView> membershipsOf(UUID contact, Boolean active) {
        List<MemberView> all = new ArrayList<>();
        Cursor after = null;
        do {
            Page<MemberView> page = groups.ofContact(contact, active, after, 500);
            all.addAll(page.items());
            after = page.next() == null ? null : Cursor.decode(page.next());
        } while (after != null && all.size() < MAX_MEMBERS);
        return all;
    }

    private Applied consent(FhirIn.ConsentAnswers consent, String where, Map<String, UUID> resolved) {
        UUID patient = reference(consent.patient(), where + ".patient", resolved, "Patient", Set.of(ContactKind.PATIENT));
        long version = contacts.get(patient).version();
        long before = version;
        for (Map.Entry<Channel, ConsentStatus> answer : consent.answers().entrySet()) {
            version = contacts.recordConsent(patient, new ConsentEntryInput(ConsentChannel.of(answer.getKey()),
                    answer.getValue(), consent.givenAt(), CONSENT_SOURCE)).version();
        }
        return new Applied("200 OK", "Consent/" + patient, "W/\"" + version + "\"", patient,
                List.of(new FhirAnswer.Shown("Consent/" + patient, Set.of(patient))), version != before);
    }

    /**
     * Opens the tie unless an open one of the type joins the two already; the tie written, if any. The EHR's word (an
     * integration's or an admin's: FHIR takes no other) confirms a clinician's pending claim of the same tie, and a
     * rejected claim is history, not a tie: a new one is asserted beside it.
     */
    private Optional<FhirAnswer.Shown> tie(UUID from, UUID to, String tieType, java.time.LocalDate since,
                                           java.time.LocalDate until) {
        Optional<TieView> open = tieBetween(from, to, tieType);
        if (open.isPresent()) {
            // Only a claim of a tie that grants access, and only while the EHR says the relationship is current:
            // confirming it grants access from now on, however the claim was dated.
            boolean current = until == null || until.isAfter(java.time.LocalDate.now(java.time.ZoneOffset.UTC));
            if (open.get().assertion() == TieAssertion.CLAIMED && TieType.grantsAccess(tieType) && current) {
                ties.confirm(open.get().id(), null);
                return Optional.of(new FhirAnswer.Shown("Tie/" + open.get().id(), Set.of(from, to)));
            }
            return Optional.empty();
        }
        TieView tie = ties.create(new TieInput(from, to, tieType, since, until, null, TieSource.FHIR,
                null, null)).tie();
        return Optional.of(new FhirAnswer.Shown("Tie/" + tie.id(), Set.of(from, to)));
    }

    /** The open tie of the type from one contact to the other (either way for a symmetric type), rejected ones aside. */
    private Optional<TieView> tieBetween(UUID from, UUID to, String tieType) {
        return ties.list(from, tieType, null, true, null, null, MAX_TIES).items().stream()
                .filter(t -> t.assertion() != TieAssertion.REJECTED)
                .filter(t -> t.to().equals(to) && t.from().equals(from)
                        || !t.directed() && t.from().equals(to) && t.to().equals(from))
                .findFirst();
    }

    /**
     * The contact a reference names: a resource of this Bundle (its fullUrl, e.g. urn:uuid:…), a Circles id
     * ({@code Patient/<id>}), or an identifier ({@code Patient?identifier=system|value}). {@code type} and
     * {@code kinds}, when given, are what it must be.
     */
    private UUID reference(Reference reference, String path, Map<String, UUID> resolved, String type,
                           Set<ContactKind> kinds) {
        String ref = reference.getReference();
        UUID id = resolved.get(ref);
        if (id == null) {
            int slash = ref.indexOf('/');
            int query = ref.indexOf("?identifier=");
            if (ref.startsWith("urn:")) {
                throw InvalidInput.field(path, "names no entry of this Bundle (" + Texts.clip(ref, 80) + ")");
            } else if (query > 0) {
                String named = ref.substring(0, query);
                String[] parts;
                try {
                    parts = java.net.URLDecoder.decode(ref.substring(query + 12), java.nio.charset.StandardCharsets.UTF_8)
                            .split("\\|", 2);
                } catch (IllegalArgumentException e) { // a % not followed by two hex digits
                    throw InvalidInput.field(path, "is not URL-encoded (" + Texts.clip(ref, 80) + ")");
                }
                if (parts.length != 2 || (type != null && !named.equals(type))) {
                    throw InvalidInput.field(path, "must be " + (type == null ? "Type" : type)
                            + "?identifier=system|value");
                }
                id = identifiers.holders(List.of(new IdentifierStore.Identifier(parts[0], parts[1]))).stream()
                        .map(IdentifierStore.Held::contact).findFirst()
                        .orElseThrow(() -> new RuleRefused("unknown-reference", "Unknown reference",
                                path + ": no contact holds that identifier",
                                List.of(new DomainException.FieldError(path, "no contact holds that identifier"))));
            } else if (slash > 0 && (type == null || ref.substring(0, slash).equals(type))) {
                String named = ref.substring(0, slash);
                if (!List.of("Patient", "Practitioner", "RelatedPerson", "Organization").contains(named)) {
                    throw InvalidInput.field(path, "must name a Patient, Practitioner, RelatedPerson or Organization");
                }
                id = uuid(ref.substring(slash + 1), path).orElse(null);
            }
            if (id == null) {
                throw InvalidInput.field(path, "must be " + (type == null ? "a resource" : "a " + type)
                        + " of this Bundle (its fullUrl), " + (type == null ? "Type" : type) + "/<id> or "
                        + (type == null ? "Type" : type) + "?identifier=system|value");
            }
        }
        UUID found = id;
        ContactDirectory.Entry entry = directory.find(found).orElseThrow(() -> new RuleRefused("unknown-reference",
                "Unknown reference", path + ": no contact " + found,
                List.of(new DomainException.FieldError(path, "names no contact"))));
        if (kinds != null && !kinds.contains(entry.kind())) {
            throw new RuleRefused("unknown-reference", "Unknown reference", path + ": contact " + found + " is a "
                    + entry.kind() + ", not a " + type, List.of(new DomainException.FieldError(path, "is not a " + type)));
        }
        return found;
    }

    private static Optional<UUID> uuid(String text, String path) {
        try {
            return text.length() == 36 ? Optional.of(UUID.fromString(text)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Applied applied(String status, String type, ContactView contact, boolean changed) {
        // Location without a version: later entries of the same Bundle (a Consent) may change the record again.
        return new Applied(status, type + "/" + contact.id(),
                "W/\"" + contact.version() + "\"", contact.id(),
                List.of(new FhirAnswer.Shown(type + "/" + contact.id(), Set.of(contact.id()))), changed);
    }

    /** The failure of an entry, said of that entry: its fields prefixed with the entry's place unless they are. */
    static DomainException located(DomainException e, String at) {
        List<DomainException.FieldError> errors = e.errors().stream()
                .map(f -> new DomainException.FieldError(f.field() != null && f.field().startsWith(at) ? f.field()
                        : at + (f.field() == null ? "" : "." + f.field()), f.reason())).toList();
        String detail = e.detail() != null && e.detail().startsWith(at) ? e.detail() : at + ": " + e.detail();
        if (e instanceof InvalidInput) {
            return new InvalidInput(e.code(), e.title(), detail, errors);
        } else if (e instanceof Conflict) {
            return new Conflict(e.code(), e.title(), detail, errors);
        } else if (e instanceof RuleRefused) {
            return new RuleRefused(e.code(), e.title(), detail, errors);
        } else if (e instanceof NotFound) {
            return new NotFound(e.code(), e.title(), detail);
        }
        return e; // StaleVersion, NotPermitted, PreconditionRequired, TooLarge, Unavailable: as they are
    }

    private static Problem problem(DomainException e) {
        return new Problem(Problem.type(e.code()), e.title(), ProblemMappers.status(e), e.detail(), null,
                e.errors().stream().map(f -> new Problem.FieldError(f.field(), f.reason())).toList());
    }

    // ----------------------------------------------------------------------------------------------- reads

    @Transactional
    public FhirAnswer patient(UUID id) {
        ContactView c = contacts.get(id);
        if (c.kind() != ContactKind.PATIENT) {
            throw new NotFound("Patient", id);
        }
        return one(out.patient(c, identifiers.of(id)), "Patient/" + id, id);
    }

    @Transactional
    public FhirAnswer practitioner(UUID id) {
        ContactView c = contacts.get(id);
        if (!c.kind().isClinician()) {
            throw new NotFound("Practitioner", id);
        }
        return one(out.practitioner(c, identifiers.of(id)), "Practitioner/" + id, id);
    }

    @Transactional
    public FhirAnswer relatedPersons(UUID patient, FhirPaging paging) {
        List<Resource> found = new ArrayList<>();
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        relatedOf(patient, found, shown);
        return page(found, shown, paging);
    }

    @Transactional
    public FhirAnswer careTeams(UUID patient, FhirPaging paging) {
        List<Resource> found = new ArrayList<>();
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        careTeamOf(patient, found, shown, false);
        return page(found, shown, paging);
    }

    @Transactional
    public FhirAnswer consents(UUID patient, FhirPaging paging) {
        ContactView c = patientView(patient);
        return page(out.consent(c).map(List::<Resource>of).orElse(List.of()),
                List.of(new FhirAnswer.Shown("Consent/" + patient, Set.of(patient))), paging);
    }

    /** A group as a FHIR Group, with every membership (id: the Circles group id). */
    @Transactional
    public FhirAnswer group(UUID id) {
        List<Resource> found = new ArrayList<>();
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        groupOf(groups.get(id), found, shown);
        return new FhirAnswer(found.get(0), shown);
    }

    /** The groups a contact is a current member of, each as a Group with its members. */
    @Transactional
    public FhirAnswer groupsOf(UUID member, FhirPaging paging) {
        List<UUID> ids = membershipsOf(member, true).stream().map(m -> m.group().id()).distinct().toList();
        List<Resource> found = new ArrayList<>();
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        int end = (int) Math.min(ids.size(), (long) paging.offset() + paging.count());
        for (UUID id : ids.subList(Math.min(paging.offset(), ids.size()), end)) {
            groupOf(groups.get(id), found, shown);
        }
        Bundle bundle = out.searchSet(found, ids.size());
        if (shown.isEmpty()) {
            shown.add(new FhirAnswer.Shown("Group?member=" + member, Set.of(member)));
        }
        return new FhirAnswer(bundle, shown);
    }

    private void groupOf(GroupView g, List<Resource> found, List<FhirAnswer.Shown> shown) {
        List<MemberView> members = membersOf(g.id());
        found.add(out.group(g, members, identifiers.ofGroup(g.id())));
        Set<UUID> concerned = new LinkedHashSet<>();
        members.stream().map(MemberView::contactId).filter(java.util.Objects::nonNull).forEach(concerned::add);
        shown.add(new FhirAnswer.Shown("Group/" + g.id(), concerned));
    }

    /**
     * One page of a search's matches (and the records of those shown, for the audit row); {@code shown} goes with {@code found}
     * entry by entry, or names what was searched when nothing was found.
     */
    private FhirAnswer page(List<Resource> found, List<FhirAnswer.Shown> shown, FhirPaging paging) {
        int from = Math.min(paging.offset(), found.size());
        int to = (int) Math.min(found.size(), (long) from + paging.count());
        Bundle bundle = out.searchSet(found.subList(from, to), found.size());
        List<FhirAnswer.Shown> audited = shown.size() == found.size() && !found.isEmpty()
                ? shown.subList(from, to) : shown;
        return new FhirAnswer(bundle, audited.isEmpty() && !shown.isEmpty() ? shown.subList(0, 1) : audited);
    }

    /** Everything Circles holds about a patient: the person, related persons, care team (with its members), consent. */
    @Transactional
    public FhirAnswer everything(UUID patient) {
        ContactView c = patientView(patient);
        List<Resource> found = new ArrayList<>();
        List<FhirAnswer.Shown> shown = new ArrayList<>();
        found.add(out.patient(c, identifiers.of(patient)));
        shown.add(new FhirAnswer.Shown("Patient/" + patient, Set.of(patient)));
        relatedOf(patient, found, shown);
        careTeamOf(patient, found, shown, true);
        out.consent(c).ifPresent(found::add);
        return new FhirAnswer(out.searchSet(found), shown);
    }

    private ContactView patientView(UUID id) {
        ContactView c = contacts.get(id);
        if (c.kind() != ContactKind.PATIENT) {
            throw new NotFound("Patient", id);
        }
        return c;
    }

    private void relatedOf(UUID patient, List<Resource> found, List<FhirAnswer.Shown> shown) {
        patientView(patient);
        Map<UUID, List<RelationshipCodes.Relationship>> types = new java.util.LinkedHashMap<>();
        for (String tieType : RelationshipCodes.relatedTieTypes()) {
            for (TieView t : ties.list(patient, tieType, null, true, null, null, MAX_TIES).items()) {
                UUID other = t.from().equals(patient) ? t.to() : t.from();
                boolean relatedIsFrom = !t.directed() || t.from().equals(other);
                // A tie the other way round (the patient a carer or guardian of someone) makes no related person.
                RelationshipCodes.relatedOut(tieType, relatedIsFrom)
                        .ifPresent(code -> types.computeIfAbsent(other, k -> new ArrayList<>()).add(code));
            }
        }
        for (ContactView v : contacts.views(List.copyOf(types.keySet()))) {
            if (v.kind().isClinician() || v.kind() == ContactKind.ORGANIZATION) {
                continue; // a clinician's care is in the care team
            }
            found.add(out.relatedPerson(v, patient, types.get(v.id()), identifiers.of(v.id())));
            shown.add(new FhirAnswer.Shown("RelatedPerson/" + v.id(), new LinkedHashSet<>(List.of(v.id(), patient))));
        }
    }

    private void careTeamOf(UUID patient, List<Resource> found, List<FhirAnswer.Shown> shown, boolean withMembers) {
        patientView(patient);
        List<FhirOut.Member> members = new ArrayList<>();
        Map<UUID, TieView> byMember = new java.util.LinkedHashMap<>();
        for (String tieType : List.of("TREATS", "CARES_FOR")) {
            for (TieView t : ties.list(patient, tieType, null, true, null, null, MAX_TIES).items()) {
                if (t.to().equals(patient) && t.assertion().grantsAccess() || t.to().equals(patient)
                        && tieType.equals("CARES_FOR")) {
                    byMember.putIfAbsent(t.from(), t);
                }
            }
        }
        if (byMember.isEmpty()) {
            return;
        }
        for (ContactView v : contacts.views(List.copyOf(byMember.keySet()))) {
            members.add(new FhirOut.Member(v, byMember.get(v.id())));
            if (withMembers && v.kind().isClinician()) {
                found.add(out.practitioner(v, identifiers.of(v.id())));
                shown.add(new FhirAnswer.Shown("Practitioner/" + v.id(), Set.of(v.id())));
            }
        }
        GroupView group = careTeamGroupsOf(patient).stream().findFirst().orElse(null);
        found.add(out.careTeam(patient, members, group, group == null ? List.of() : identifiers.ofGroup(group.id())));
        Set<UUID> concerned = new LinkedHashSet<>(List.of(patient));
        concerned.addAll(byMember.keySet());
        shown.add(new FhirAnswer.Shown("CareTeam/" + patient, concerned));
    }

    private static FhirAnswer one(Resource resource, String reference, UUID contact) {
        return new FhirAnswer(resource, List.of(new FhirAnswer.Shown(reference, Set.of(contact))));
    }

    // --------------------------------------------------------------------------------------------- erasure

    /** An erased contact's identifiers are kept only as fingerprints, so that no FHIR resource brings them back. */
    void onErased(@Observes ContactErased erased) {
        List<String> fingerprints = identifiers.of(erased.contactId()).stream()
                .map(i -> register.fingerprintHex(i.key())).toList();
        identifiers.erase(erased.contactId(), fingerprints, now());
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
