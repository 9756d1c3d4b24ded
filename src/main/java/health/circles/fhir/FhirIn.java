package health.circles.fhir;

import health.circles.contact.Channel;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactKind;
import health.circles.contact.ConsentStatus;
import health.circles.failure.DomainException;
import health.circles.failure.InvalidInput;
import health.circles.group.GroupKind;
import health.circles.web.InputRules;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.StringType;

/**
 * FHIR R4 resources read as what Circles keeps of them: contacts (with their identifiers), ties, consent answers.
 * Every refusal names the FHIR element at fault ({@code Patient.telecom[1]}); codes Circles cannot place are refused
 * as {@code unknown-code} rather than guessed.
 */
final class FhirIn {

    /** A contact as a resource describes it, and the identifiers it is matched by. */
    record Person(ContactInput contact, List<IdentifierStore.Identifier> identifiers) {
    }

    /** A RelatedPerson: the person, the patient they relate to, and the ties the relationship codes stand for. */
    record Related(Person person, Reference patient, List<RelationshipCodes.Relationship> relationships,
                   LocalDate since, LocalDate until) {
    }

    /** A PractitionerRole: the practitioner works at the organisation (WORKS_AT), with these specialties. */
    record Role(Reference practitioner, Reference organization, List<String> specialties, LocalDate since,
                LocalDate until) {
    }

    /** One care team member and the tie their role stands for (null: decided by the member's kind). */
    record Member(Reference member, RelationshipCodes.Relationship role, LocalDate since, LocalDate until,
                  String path) {
    }

    /** A CareTeam: its subject, members, name (may be null) and the identifiers its care-team group is matched by. */
    record Team(Reference subject, List<Member> members, String name, List<IdentifierStore.Identifier> identifiers) {
    }

    /** One Group member: who, their dates, and whether the Group says they are no longer in it. */
    record GroupMember(Reference entity, LocalDate since, LocalDate until, boolean inactive, String path) {
    }

    /** A Group: the kind its code names (OTHER without one), name, managing organisation, members, identifiers. */
    record GroupIn(GroupKind kind, String name, Reference managingEntity, List<GroupMember> members,
                   List<IdentifierStore.Identifier> identifiers) {
    }

    /** At most this many members in one Group resource (a group's creation takes as many through the REST API). */
    static final int MAX_GROUP_MEMBERS = 500;

    /** A Consent: the patient, when it was given, and the answer per channel. */
    record ConsentAnswers(Reference patient, Instant givenAt, Map<Channel, ConsentStatus> answers) {
    }

    private final Validator validator;
    private final String at;
    private final List<DomainException.FieldError> errors = new ArrayList<>();
    private final List<DomainException.FieldError> unknownCodes = new ArrayList<>();

    private FhirIn(Validator validator, String at) {
        this.validator = validator;
        this.at = at;
    }

    /** A reader of one resource; {@code at} is its path in the request ({@code Patient}, {@code Bundle.entry[2].resource}). */
    static FhirIn at(Validator validator, String at) {
        return new FhirIn(validator, at);
    }

    Person patient(Patient p) {
        Person person = person(ContactKind.PATIENT, p.getName(), p.getTelecom(), p.getAddress(),
                languages(p.getCommunication().stream().map(Patient.PatientCommunicationComponent::getLanguage).toList(),
                        "communication", "language"),
                List.of(), p.getIdentifier());
        done();
        return person;
    }

    Person practitioner(Practitioner p) {
        ContactKind kind = ContactKind.OTHER_CLINICIAN;
        List<String> specialties = new ArrayList<>();
        for (int i = 0; i < p.getQualification().size(); i++) {
            CodeableConcept code = p.getQualification().get(i).getCode();
            for (Coding c : code.getCoding()) {
                ContactKind k = FhirCodes.kindOfQualification(c.getSystem(), c.getCode()).orElse(null);
                if (k == ContactKind.PHYSICIAN || k == ContactKind.NURSE && kind != ContactKind.PHYSICIAN) {
                    kind = k;
                }
            }
            String text = text(code);
            if (text != null) {
                specialties.add(stored("qualification[" + i + "].code", text, 100));
            }
        }
        Person person = person(kind, p.getName(), p.getTelecom(), p.getAddress(),
                languages(p.getCommunication(), "communication", null), specialties, p.getIdentifier());
        done();
        return person;
    }

    Person organization(Organization o) {
        String name = o.hasName() ? stored("name", o.getName(), 200) : null;
        if (name == null || name.isBlank()) {
            error("name", "is required: Circles names an organisation");
        }
        ContactInput input = new ContactInput(ContactKind.ORGANIZATION, null, null, name, email(o.getTelecom()),
                phone(o.getTelecom()), postalCode(o.getAddress()), city(o.getAddress()), List.of(), List.of(), null,
                null, null, null);
        Person person = new Person(validated(input), identifiers(o.getIdentifier()));
        done();
        return person;
    }

    Related relatedPerson(RelatedPerson r) {
        List<RelationshipCodes.Relationship> relationships = new ArrayList<>();
        for (int i = 0; i < r.getRelationship().size(); i++) {
            CodeableConcept concept = r.getRelationship().get(i);
            RelationshipCodes.Relationship found = null;
            for (Coding c : concept.getCoding()) {
                found = RelationshipCodes.related(c.getSystem(), c.getCode()).orElse(null);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                unknownCode("relationship[" + i + "]", "names no relationship Circles knows (HL7 v3 RoleCode or v2 "
                        + "table 0131, e.g. MTH, FTH, SPS, CHILD, FRND, NBOR, C, N)");
            } else {
                relationships.add(found);
            }
        }
        if (r.getRelationship().isEmpty()) {
            error("relationship", "is required: Circles records a related person by their relationship to the patient");
        }
        if (!r.hasPatient() || !r.getPatient().hasReference()) {
            error("patient", "is required: a reference to the Patient");
        }
        ContactKind kind = relationships.stream().anyMatch(x -> x.relatedKind() == ContactKind.FAMILY)
                ? ContactKind.FAMILY : ContactKind.CAREGIVER;
        Person person = person(kind, r.getName(), r.getTelecom(), r.getAddress(),
                languages(r.getCommunication().stream().map(RelatedPerson.RelatedPersonCommunicationComponent::getLanguage)
                        .toList(), "communication", "language"), List.of(), r.getIdentifier());
        Related related = new Related(person, r.getPatient(), List.copyOf(new LinkedHashSet<>(relationships)),
                date("period.start", r.getPeriod(), true), date("period.end", r.getPeriod(), false));
        done();
        return related;
    }

    Role practitionerRole(PractitionerRole r) {
        if (!r.hasPractitioner() || !r.getPractitioner().hasReference()) {
            error("practitioner", "is required: a reference to the Practitioner");
        }
        if (!r.hasOrganization() || !r.getOrganization().hasReference()) {
            error("organization", "is required: a reference to the Organization the practitioner works at");
        }
        List<String> specialties = new ArrayList<>();
        for (int i = 0; i < r.getSpecialty().size(); i++) {
            String text = text(r.getSpecialty().get(i));
            if (text != null) {
                specialties.add(stored("specialty[" + i + "]", text, 100));
            }
        }
        Role role = new Role(r.getPractitioner(), r.getOrganization(), specialties,
                date("period.start", r.getPeriod(), true), date("period.end", r.getPeriod(), false));
        done();
        return role;
    }

    Team careTeam(CareTeam t) {
        if (!t.hasSubject() || !t.getSubject().hasReference()) {
            error("subject", "is required: a reference to the Patient the team cares for");
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < t.getParticipant().size(); i++) {
            CareTeam.CareTeamParticipantComponent p = t.getParticipant().get(i);
            String path = "participant[" + i + "]";
            if (!p.hasMember() || !p.getMember().hasReference()) {
                error(path + ".member", "is required: a reference to a Practitioner, PractitionerRole or RelatedPerson");
                continue;
            }
            RelationshipCodes.Relationship role = null;
            for (int j = 0; j < p.getRole().size(); j++) {
                RelationshipCodes.Relationship found = null;
                for (Coding c : p.getRole().get(j).getCoding()) {
                    found = RelationshipCodes.careTeamRole(c.getSystem(), c.getCode()).orElse(null);
                    if (found != null) {
                        break;
                    }
                }
                if (found == null) {
                    unknownCode(path + ".role[" + j + "]", "names no care team role Circles knows (SNOMED CT "
                            + "physician, nurse, caregiver...; practitioner-role doctor, nurse)");
                } else if (role == null || "TREATS".equals(found.tieType())) {
                    role = found;
                }
            }
            members.add(new Member(p.getMember(), role, date(path + ".period.start", p.getPeriod(), true),
                    date(path + ".period.end", p.getPeriod(), false), path));
        }
        if (members.isEmpty() && errors.isEmpty()) {
            error("participant", "is required: the members of the care team");
        }
        String name = t.hasName() ? stored("name", t.getName(), 200) : null;
        Team team = new Team(t.getSubject(), members, name, identifiers(t.getIdentifier()));
        done();
        return team;
    }

    GroupIn group(Group g) {
        if (!g.hasType()) {
            error("type", "is required: person (or practitioner)");
        } else if (g.getType() != Group.GroupType.PERSON && g.getType() != Group.GroupType.PRACTITIONER) {
            error("type", "must be person or practitioner: Circles groups people");
        }
        if (g.hasActual() && !g.getActual()) {
            error("actual", "must be true: Circles keeps groups of actual members, not definitions by characteristic");
        }
        if (g.hasCharacteristic()) {
            error("characteristic", "is not kept: Circles keeps a group by its members");
        }
        GroupKind kind = GroupKind.OTHER;
        if (g.hasCode() && g.getCode().hasCoding()) {
            kind = null;
            for (Coding c : g.getCode().getCoding()) {
                kind = FhirCodes.groupKind(c.getSystem(), c.getCode()).orElse(null);
                if (kind != null) {
                    break;
                }
            }
            if (kind == null) {
                unknownCode("code", "names no kind of group Circles knows (" + FhirCodes.GROUP_KIND + ": household, "
                        + "care-team, congregation, clinic-panel, support-group, other)");
            }
        }
        String name = g.hasName() ? stored("name", g.getName(), 200) : null;
        if (name == null || name.isBlank()) {
            error("name", "is required: Circles names every group");
        }
        if (g.hasManagingEntity() && !g.getManagingEntity().hasReference()) {
            error("managingEntity", "must be a reference to an Organization");
        }
        List<GroupMember> members = new ArrayList<>();
        if (g.getMember().size() > MAX_GROUP_MEMBERS) {
            error("member", "at most " + MAX_GROUP_MEMBERS + " members in one Group here");
        } else {
            for (int i = 0; i < g.getMember().size(); i++) {
                Group.GroupMemberComponent m = g.getMember().get(i);
                String path = "member[" + i + "]";
                if (!m.hasEntity() || !m.getEntity().hasReference()) {
                    error(path + ".entity", "is required: a reference to a Patient, RelatedPerson or Practitioner");
                    continue;
                }
                LocalDate since = date(path + ".period.start", m.getPeriod(), true);
                LocalDate until = date(path + ".period.end", m.getPeriod(), false);
                if (since != null && until != null && until.isBefore(since)) {
                    error(path + ".period.end", "must not be before period.start");
                }
                members.add(new GroupMember(m.getEntity(), since, until, m.hasInactive() && m.getInactive(), path));
            }
        }
        GroupIn group = new GroupIn(kind, name, g.hasManagingEntity() ? g.getManagingEntity() : null, members,
                identifiers(g.getIdentifier()));
        done();
        return group;
    }

    ConsentAnswers consent(Consent c, Instant now) {
        if (c.getStatus() != Consent.ConsentState.ACTIVE) {
            error("status", "must be active: Circles records consents in force (a withdrawn one is a new Consent "
                    + "that denies)");
        }
        if (!c.hasPatient() || !c.getPatient().hasReference()) {
            error("patient", "is required: a reference to the Patient");
        }
        Instant givenAt = null;
        if (!c.hasDateTime()) {
            error("dateTime", "is required: it is the time of the record in the consent ledger");
        } else {
            givenAt = c.getDateTime().toInstant();
            String problem = InputRules.dateProblem(givenAt);
            if (problem != null) {
                error("dateTime", problem);
            } else if (givenAt.isAfter(now)) {
                error("dateTime", "must not be in the future");
            }
        }
        boolean optOut = c.getPolicyRule().getCoding().stream()
                .anyMatch(k -> FhirCodes.ACT_CODE.equals(k.getSystem()) && "OPTOUT".equals(k.getCode()));
        Map<Channel, ConsentStatus> answers = new EnumMap<>(Channel.class);
        if (optOut) {
            for (Channel channel : Channel.values()) {
                answers.put(channel, ConsentStatus.DENIED);
            }
        } else if (!c.hasProvision()) {
            error("provision", "is required: a deny for marketing (purpose HMARKT), or a permit naming the channels "
                    + "(an OPTOUT policyRule needs none)");
        } else {
            provision(c.getProvision(), "provision", answers);
        }
        ConsentAnswers consent = new ConsentAnswers(c.getPatient(), givenAt, answers);
        done();
        return consent;
    }

    /** A provision and its nested ones: a deny for marketing stops every channel; otherwise the channels named. */
    private void provision(Consent.ProvisionComponent p, String path, Map<Channel, ConsentStatus> answers) {
        if (!p.hasType()) {
            if (p.getProvision().isEmpty()) {
                error(path + ".type", "is required: deny or permit");
            }
        } else {
            ConsentStatus status = p.getType() == Consent.ConsentProvisionType.DENY ? ConsentStatus.DENIED
                    : ConsentStatus.GRANTED;
            boolean marketing = p.getPurpose().stream()
                    .anyMatch(k -> FhirCodes.ACT_REASON.equals(k.getSystem()) && "HMARKT".equals(k.getCode()));
            List<Channel> named = new ArrayList<>();
            for (int i = 0; i < p.getCode().size(); i++) {
                Channel channel = null;
                for (Coding k : p.getCode().get(i).getCoding()) {
                    channel = FhirCodes.channel(k.getSystem(), k.getCode()).orElse(null);
                    if (channel != null) {
                        break;
                    }
                }
                if (channel == null) {
                    unknownCode(path + ".code[" + i + "]", "names no contact channel (contact-point-system email, sms, "
                            + "phone; v3 ParticipationMode MAILWRIT, FACE)");
                } else {
                    named.add(channel);
                }
            }
            if (named.isEmpty() && status == ConsentStatus.DENIED && marketing) {
                named.addAll(List.of(Channel.values()));
            }
            if (named.isEmpty() && p.getProvision().isEmpty() && p.getCode().isEmpty()) {
                error(path, status == ConsentStatus.DENIED
                        ? "a deny names the channels it stops, or has purpose HMARKT (marketing) to stop them all"
                        : "a permit names the channels it grants (code)");
            }
            named.forEach(channel -> answers.put(channel, status));
        }
        for (int i = 0; i < p.getProvision().size(); i++) {
            provision(p.getProvision().get(i), path + ".provision[" + i + "]", answers);
        }
    }

    private Person person(ContactKind kind, List<HumanName> names, List<ContactPoint> telecom, List<Address> addresses,
                          List<String> languages, List<String> specialties, List<Identifier> identifiers) {
        HumanName name = pick(names);
        String given = null;
        String family = null;
        if (name != null) {
            int index = names.indexOf(name);
            List<String> givens = name.getGiven().stream().map(StringType::getValue).filter(s -> s != null && !s.isBlank())
                    .toList();
            given = givens.isEmpty() ? null : stored("name[" + index + "].given", String.join(" ", givens), 100);
            family = name.hasFamily() ? stored("name[" + index + "].family", name.getFamily(), 100) : null;
            if (given == null && family == null && name.hasText()) {
                family = stored("name[" + index + "].text", name.getText(), 100);
            }
        }
        if ((given == null || given.isBlank()) && (family == null || family.isBlank())) {
            error("name", "is required: a person needs a given or a family name");
        }
        ContactInput input = new ContactInput(kind, given, family, null, email(telecom), phone(telecom),
                postalCode(addresses), city(addresses), languages, specialties, null, null, null, null);
        return new Person(validated(input), identifiers(identifiers));
    }

    private static HumanName pick(List<HumanName> names) {
        for (HumanName.NameUse use : List.of(HumanName.NameUse.OFFICIAL, HumanName.NameUse.USUAL)) {
            for (HumanName n : names) {
                if (n.getUse() == use) {
                    return n;
                }
            }
        }
        return names.isEmpty() ? null : names.get(0);
    }

    private String email(List<ContactPoint> telecom) {
        for (int i = 0; i < telecom.size(); i++) {
            ContactPoint c = telecom.get(i);
            if (c.getSystem() == ContactPoint.ContactPointSystem.EMAIL && c.hasValue()) {
                return stored("telecom[" + i + "].value", c.getValue(), 254);
            }
        }
        return null;
    }

    private String phone(List<ContactPoint> telecom) {
        for (ContactPoint.ContactPointSystem system : List.of(ContactPoint.ContactPointSystem.PHONE,
                ContactPoint.ContactPointSystem.SMS)) {
            for (int i = 0; i < telecom.size(); i++) {
                ContactPoint c = telecom.get(i);
                if (c.getSystem() == system && c.hasValue()) {
                    String value = stored("telecom[" + i + "].value", c.getValue(), 40);
                    // "(555) 010-2030" as the API's phone rule takes it: without the parentheses.
                    return value == null || value.matches("^\\+?[0-9][0-9 ().-]{3,28}[0-9]$") ? value
                            : value.replaceAll("[()]", "").strip();
                }
            }
        }
        return null;
    }

    private String postalCode(List<Address> addresses) {
        Address a = address(addresses);
        return a == null || !a.hasPostalCode() ? null
                : stored("address[" + addresses.indexOf(a) + "].postalCode", a.getPostalCode(), 20);
    }

    private String city(List<Address> addresses) {
        Address a = address(addresses);
        return a == null || !a.hasCity() ? null : stored("address[" + addresses.indexOf(a) + "].city", a.getCity(), 100);
    }

    private static Address address(List<Address> addresses) {
        for (Address a : addresses) {
            if (a.getUse() == Address.AddressUse.HOME) {
                return a;
            }
        }
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    private List<String> languages(List<CodeableConcept> concepts, String element, String inner) {
        List<String> languages = new ArrayList<>();
        for (int i = 0; i < concepts.size(); i++) {
            for (Coding c : concepts.get(i).getCoding()) {
                if (c.hasCode() && (!c.hasSystem() || FhirCodes.BCP47.equals(c.getSystem()))) {
                    String path = element + "[" + i + "]" + (inner == null ? "" : "." + inner);
                    String code = stored(path, c.getCode(), 20);
                    if (code != null && !code.matches("^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")) {
                        error(path, "must be a BCP 47 language tag such as en or pt-BR");
                    } else if (code != null && !languages.contains(code)) {
                        languages.add(code);
                    }
                    break;
                }
            }
        }
        return languages;
    }

    private List<IdentifierStore.Identifier> identifiers(List<Identifier> identifiers) {
        List<IdentifierStore.Identifier> out = new ArrayList<>();
        for (int i = 0; i < identifiers.size(); i++) {
            Identifier id = identifiers.get(i);
            if (!id.hasValue()) {
                continue; // an identifier without a value (only a type or a period) matches nothing
            }
            if (!id.hasSystem()) {
                error("identifier[" + i + "].system", "is required: an identifier is matched by system and value");
                continue;
            }
            String system = stored("identifier[" + i + "].system", id.getSystem(), 500);
            String value = stored("identifier[" + i + "].value", id.getValue(), 200);
            if (system != null && value != null) {
                IdentifierStore.Identifier identifier = new IdentifierStore.Identifier(system, value);
                if (!out.contains(identifier)) {
                    out.add(identifier);
                }
            }
        }
        return out;
    }

    private LocalDate date(String path, Period period, boolean start) {
        if (period == null || (start ? !period.hasStart() : !period.hasEnd())) {
            return null;
        }
        LocalDate date = (start ? period.getStart() : period.getEnd()).toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
        String problem = InputRules.dateProblem(date);
        if (problem != null) {
            error(path, problem);
            return null;
        }
        return date;
    }

    private static String text(CodeableConcept code) {
        if (code.hasText()) {
            return code.getText();
        }
        for (Coding c : code.getCoding()) {
            if (c.hasDisplay()) {
                return c.getDisplay();
            }
        }
        for (Coding c : code.getCoding()) {
            if (c.hasCode()) {
                return c.getCode();
            }
        }
        return null;
    }

    /** A text value as stored: one line, no control characters, at most {@code max} characters; null when refused. */
    private String stored(String path, String value, int max) {
        if (value == null) {
            return null;
        }
        String problem = InputRules.textProblem(value, false);
        if (problem != null) {
            error(path, problem);
            return null;
        }
        if (value.strip().length() > max) {
            error(path, "must be at most " + max + " characters");
            return null;
        }
        return value.strip();
    }

    private ContactInput validated(ContactInput input) {
        Set<ConstraintViolation<ContactInput>> violations = validator.validate(input);
        for (ConstraintViolation<ContactInput> v : violations) {
            String property = v.getPropertyPath().toString();
            String field = property.startsWith("email") || property.startsWith("phone") ? "telecom"
                    : property.startsWith("postalCode") ? "address.postalCode"
                    : property.startsWith("city") ? "address.city"
                    : property.startsWith("languages") ? "communication"
                    : property.startsWith("specialties") ? "qualification"
                    : "name";
            error(field, v.getMessage());
        }
        return input;
    }

    private void error(String field, String reason) {
        errors.add(new DomainException.FieldError(at + "." + field, reason));
    }

    private void unknownCode(String field, String reason) {
        unknownCodes.add(new DomainException.FieldError(at + "." + field, reason));
    }

    /** Refuses the resource when anything was wrong: unknown codes first, as their own problem type. */
    private void done() {
        if (!unknownCodes.isEmpty()) {
            List<DomainException.FieldError> all = new ArrayList<>(unknownCodes);
            all.addAll(errors);
            throw new InvalidInput("unknown-code", "Bad Request", detail(all), all);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput("validation", "Bad Request", detail(errors), List.copyOf(errors));
        }
    }

    private static String detail(List<DomainException.FieldError> errors) {
        return Texts.clip(errors.stream().map(e -> e.field() + " " + e.reason())
                .collect(java.util.stream.Collectors.joining("; ")), 2000);
    }
}
