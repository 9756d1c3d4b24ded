package health.circles.fhir;

import health.circles.contact.Channel;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactView;
import health.circles.group.GroupKind;
import health.circles.group.GroupView;
import health.circles.group.MemberView;
import health.circles.network.TieView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

/** Circles' records written as FHIR R4 resources: what Circles keeps, nothing it does not. */
@ApplicationScoped
public class FhirOut {

    /** A care team member: the contact as the caller may see it, and its tie to the patient. */
    record Member(ContactView contact, TieView tie) {
    }

    Patient patient(ContactView c, List<IdentifierStore.Identifier> ids) {
        Patient p = new Patient();
        person(p, c, ids);
        p.setActive(true);
        p.setName(List.of(name(c)));
        p.setTelecom(telecom(c));
        address(c).ifPresent(p::addAddress);
        for (String language : c.languages()) {
            p.addCommunication().setLanguage(language(language));
        }
        return p;
    }

    Practitioner practitioner(ContactView c, List<IdentifierStore.Identifier> ids) {
        Practitioner p = new Practitioner();
        person(p, c, ids);
        p.setActive(true);
        p.setName(List.of(name(c)));
        p.setTelecom(telecom(c));
        address(c).ifPresent(p::addAddress);
        for (String language : c.languages()) {
            p.addCommunication(language(language));
        }
        for (String specialty : c.specialties()) {
            p.addQualification().setCode(new CodeableConcept().setText(specialty));
        }
        return p;
    }

    RelatedPerson relatedPerson(ContactView c, UUID patient, List<RelationshipCodes.Relationship> relationships,
                                List<IdentifierStore.Identifier> ids) {
        RelatedPerson r = new RelatedPerson();
        person(r, c, ids);
        r.setActive(true);
        r.setPatient(new Reference("Patient/" + patient));
        for (RelationshipCodes.Relationship code : relationships) {
            r.addRelationship().addCoding().setSystem(code.system()).setCode(code.code()).setDisplay(code.display());
        }
        r.setName(List.of(name(c)));
        r.setTelecom(telecom(c));
        address(c).ifPresent(r::addAddress);
        for (String language : c.languages()) {
            r.addCommunication().setLanguage(language(language));
        }
        return r;
    }

    /** A patient's care team as Circles knows it: the open care ties to the patient (id: the patient's). */
    CareTeam careTeam(UUID patient, List<Member> members, GroupView group, List<IdentifierStore.Identifier> ids) {
        CareTeam t = new CareTeam();
        t.setId(patient.toString());
        for (IdentifierStore.Identifier id : ids) {
            t.addIdentifier().setSystem(id.system()).setValue(id.value());
        }
        if (group != null) {
            t.setName(group.name());
        }
        t.setStatus(CareTeam.CareTeamStatus.ACTIVE);
        t.setSubject(new Reference("Patient/" + patient));
        for (Member m : members) {
            CareTeam.CareTeamParticipantComponent p = t.addParticipant();
            RelationshipCodes.careTeamOut(m.tie().type(), m.contact().kind()).ifPresent(code -> p.addRole()
                    .addCoding().setSystem(code.system()).setCode(code.code()).setDisplay(code.display()));
            String type = m.contact().kind().isClinician() ? "Practitioner" : "RelatedPerson";
            p.setMember(new Reference(type + "/" + m.contact().id()).setDisplay(m.contact().displayName()));
            if (m.tie().since() != null || m.tie().until() != null) {
                p.setPeriod(period(m.tie().since(), m.tie().until()));
            }
        }
        return t;
    }

    /**
     * A group as a FHIR Group (id: the Circles group id): kind as Circles' group-kind code, every membership with its
     * period, ended ones inactive. Members are Patients, Practitioners or (as FHIR R5 allows) RelatedPersons;
     * members erased on request are left out.
     */
    Group group(GroupView g, List<MemberView> members, List<IdentifierStore.Identifier> ids) {
        Group group = new Group();
        group.setId(g.id().toString());
        group.setMeta(new Meta().setVersionId(Long.toString(g.version())).setLastUpdated(Date.from(g.updatedAt())));
        for (IdentifierStore.Identifier id : ids) {
            group.addIdentifier().setSystem(id.system()).setValue(id.value());
        }
        group.setActive(true);
        group.setType(Group.GroupType.PERSON);
        group.setActual(true);
        group.setCode(concept(FhirCodes.GROUP_KIND, FhirCodes.groupKindCode(g.kind()), display(g.kind())));
        group.setName(g.name());
        group.setQuantity(g.memberCount());
        if (g.managingOrganization() != null) {
            group.setManagingEntity(new Reference("Organization/" + g.managingOrganization()));
        }
        for (MemberView m : members) {
            if (m.contactId() == null || m.contact() == null) {
                continue;
            }
            Group.GroupMemberComponent member = group.addMember();
            member.setEntity(new Reference(referenceType(m.contact().kind()) + "/" + m.contactId())
                    .setDisplay(m.contact().displayName()));
            if (m.since() != null || m.until() != null) {
                member.setPeriod(period(m.since(), m.until()));
            }
            member.setInactive(!m.active());
        }
        return group;
    }

    /** The FHIR type a contact is referenced as. */
    static String referenceType(ContactKind kind) {
        return kind == ContactKind.PATIENT ? "Patient" : kind.isClinician() ? "Practitioner"
                : kind == ContactKind.ORGANIZATION ? "Organization" : "RelatedPerson";
    }

    private static String display(GroupKind kind) {
        String words = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** A patient's consent in force, as one Consent (id: the patient's); none while nothing was ever answered. */
    Optional<Consent> consent(ContactView c) {
        Instant newest = null;
        for (ContactView.ConsentView v : c.consent().values()) {
            if (v.at() != null && (newest == null || v.at().isAfter(newest))) {
                newest = v.at();
            }
        }
        if (newest == null && !c.doNotContact()) {
            return Optional.empty();
        }
        Consent consent = new Consent();
        consent.setId(c.id().toString());
        consent.setStatus(Consent.ConsentState.ACTIVE);
        consent.setScope(concept(FhirCodes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"));
        consent.addCategory(concept(FhirCodes.LOINC, "59284-0", "Patient Consent"));
        consent.setPatient(new Reference("Patient/" + c.id()));
        if (newest != null) {
            consent.setDateTime(Date.from(newest));
        }
        consent.setPolicyRule(concept(FhirCodes.ACT_CODE, c.doNotContact() ? "OPTOUT" : "OPTIN",
                c.doNotContact() ? "opt-out" : "opt-in"));
        Consent.ProvisionComponent base = consent.getProvision();
        base.setType(c.doNotContact() ? Consent.ConsentProvisionType.DENY : Consent.ConsentProvisionType.PERMIT);
        if (c.doNotContact()) {
            base.addPurpose().setSystem(FhirCodes.ACT_REASON).setCode("HMARKT").setDisplay("marketing");
        }
        for (Channel channel : Channel.values()) {
            ContactView.ConsentView v = c.consent().get(channel);
            if (v == null || v.status() == ConsentStatus.UNKNOWN) {
                continue;
            }
            String[] code = FhirCodes.channelOut(channel);
            base.addProvision().setType(v.status() == ConsentStatus.GRANTED ? Consent.ConsentProvisionType.PERMIT
                    : Consent.ConsentProvisionType.DENY)
                    .addCode(concept(code[0], code[1], code[2]));
        }
        return Optional.of(consent);
    }

    Bundle searchSet(List<? extends Resource> resources) {
        return searchSet(resources, resources.size());
    }

    /** A searchset of one page of matches; {@code total}: how many match in all. */
    Bundle searchSet(List<? extends Resource> resources, int total) {
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.SEARCHSET);
        b.setTotal(total);
        for (Resource r : resources) {
            b.addEntry().setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return b;
    }

    private static void person(DomainResource r, ContactView c, List<IdentifierStore.Identifier> ids) {
        r.setId(c.id().toString());
        r.setMeta(new Meta().setVersionId(Long.toString(c.version())).setLastUpdated(Date.from(c.updatedAt())));
        List<Identifier> identifiers = new java.util.ArrayList<>();
        for (IdentifierStore.Identifier id : ids) {
            identifiers.add(new Identifier().setSystem(id.system()).setValue(id.value()));
        }
        if (c.externalId() != null) {
            identifiers.add(new Identifier().setSystem(FhirCodes.EXTERNAL_ID_SYSTEM).setValue(c.externalId()));
        }
        if (r instanceof Patient p) {
            p.setIdentifier(identifiers);
        } else if (r instanceof Practitioner p) {
            p.setIdentifier(identifiers);
        } else if (r instanceof RelatedPerson p) {
            p.setIdentifier(identifiers);
        }
    }

    private static HumanName name(ContactView c) {
        HumanName name = new HumanName().setUse(HumanName.NameUse.OFFICIAL);
        if (c.familyName() != null) {
            name.setFamily(c.familyName());
        }
        if (c.givenName() != null) {
            name.addGiven(c.givenName());
        }
        return name;
    }

    private static List<ContactPoint> telecom(ContactView c) {
        List<ContactPoint> telecom = new java.util.ArrayList<>();
        if (c.email() != null) {
            telecom.add(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(c.email()));
        }
        if (c.phone() != null) {
            telecom.add(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(c.phone()));
        }
        return telecom;
    }

    private static Optional<Address> address(ContactView c) {
        if (c.postalCode() == null && c.city() == null) {
            return Optional.empty();
        }
        Address a = new Address().setUse(Address.AddressUse.HOME);
        if (c.city() != null) {
            a.setCity(c.city());
        }
        if (c.postalCode() != null) {
            a.setPostalCode(c.postalCode());
        }
        return Optional.of(a);
    }

    private static CodeableConcept language(String tag) {
        CodeableConcept concept = new CodeableConcept();
        concept.addCoding().setSystem(FhirCodes.BCP47).setCode(tag);
        return concept;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        CodeableConcept concept = new CodeableConcept();
        concept.addCoding().setSystem(system).setCode(code).setDisplay(display);
        return concept;
    }

    private static Period period(LocalDate since, LocalDate until) {
        Period p = new Period();
        if (since != null) {
            p.setStart(Date.from(since.atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (until != null) {
            p.setEnd(Date.from(until.atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        return p;
    }

    /** Exactly what the endpoint supports (FHIR 4.0.1). */
    org.hl7.fhir.r4.model.CapabilityStatement capabilities(String base) {
        var cs = new org.hl7.fhir.r4.model.CapabilityStatement();
        cs.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(new Date());
        cs.setPublisher("Circles");
        cs.setKind(org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.getSoftware().setName("Circles");
        cs.getImplementation().setDescription("Circles FHIR R4 endpoint: contacts, relationships, care teams and "
                + "consent").setUrl(base);
        cs.setFhirVersion(org.hl7.fhir.r4.model.Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("json");
        var rest = cs.addRest().setMode(org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Bearer JWT with the admin or integration role. Bundles: transaction (all or nothing) "
                + "and batch (per entry), entries POST or PUT, matched by identifier (system and value)");
        rest.getSecurity().setDescription("OAuth2 bearer token (JWT); roles admin and integration")
                .addService(concept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth"));
        rest.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction.BATCH);
        for (String type : List.of("Patient", "Practitioner", "RelatedPerson", "Organization", "PractitionerRole",
                "CareTeam", "Group", "Consent")) {
            var resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.CREATE);
            resource.setConditionalCreate(true);
            if (List.of("Patient", "Practitioner", "RelatedPerson", "Organization", "Group").contains(type)) {
                resource.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.UPDATE)
                        .setDocumentation("Within a transaction or batch: PUT Type/<id>, or matched by identifier");
                resource.setConditionalUpdate(true);
                resource.setUpdateCreate(false);
            }
            if (List.of("Patient", "Practitioner", "Group").contains(type)) {
                resource.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.READ);
            }
            switch (type) {
                case "RelatedPerson", "Consent" -> search(resource, "patient", "Patient/<id> or <id>");
                case "CareTeam" -> search(resource, "subject", "Patient/<id> or <id>");
                case "Group" -> search(resource, "member", "Patient/<id>, Practitioner/<id>, RelatedPerson/<id> or "
                        + "<id>: the groups the contact is a current member of");
                default -> { }
            }
            if (type.equals("Patient")) {
                resource.addOperation().setName("everything")
                        .setDefinition("http://hl7.org/fhir/OperationDefinition/Patient-everything")
                        .setDocumentation("The patient, related persons, care team and consent Circles holds");
            }
        }
        return cs;
    }

    private static void search(org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent r,
                               String name, String doc) {
        r.addInteraction().setCode(org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        r.addSearchParam().setName(name).setType(org.hl7.fhir.r4.model.Enumerations.SearchParamType.REFERENCE)
                .setDocumentation(doc);
        r.addSearchParam().setName("_count").setType(org.hl7.fhir.r4.model.Enumerations.SearchParamType.NUMBER)
                .setDocumentation("Matches per page, 0 to " + FhirPaging.MAX_COUNT + " (default "
                        + FhirPaging.DEFAULT_COUNT + "); Bundle.link next names the next page");
        r.addSearchParam().setName("_offset").setType(org.hl7.fhir.r4.model.Enumerations.SearchParamType.NUMBER)
                .setDocumentation("Matches to skip (as the next link sends it)");
    }
}
