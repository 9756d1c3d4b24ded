package health.circles.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.Date;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR test data, built with HAPI's model and written with its parser, and the check of what the service emits:
 * HAPI's FhirValidator against the base FHIR R4 schemas.
 */
final class FhirResources {

    static final FhirContext R4 = FhirContext.forR4();
    static final String MRN = "urn:oid:1.2.36.146.595.217.0.1";
    private static final FhirValidator VALIDATOR = R4.newValidator().setValidateAgainstStandardSchema(true);

    private FhirResources() {
    }

    static String json(IBaseResource resource) {
        return R4.newJsonParser().encodeResourceToString(resource);
    }

    static <T extends IBaseResource> T parse(Class<T> type, String json) {
        return R4.newJsonParser().parseResource(type, json);
    }

    /** Problems HAPI's validator finds in {@code json} against the base R4 definitions; empty when it is valid. */
    static String problems(String json) {
        ValidationResult result = VALIDATOR.validateWithResult(json);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(m -> m.getLocationString() + ": " + m.getMessage()).collect(Collectors.joining("\n"));
    }

    static String unique() {
        return UUID.randomUUID().toString();
    }

    static Patient patient(String mrn, String given, String family) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(MRN).setValue(mrn);
        p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family).addGiven(given);
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(given.toLowerCase() + "@example.org");
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1 555 010 2030");
        p.addAddress().setCity("Springfield").setPostalCode("ab12 3cd");
        p.addCommunication().setLanguage(new CodeableConcept().addCoding(
                new org.hl7.fhir.r4.model.Coding("urn:ietf:bcp:47", "es", "Spanish")));
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        return p;
    }

    static RelatedPerson mother(String id, String patientRef, String given, String family) {
        RelatedPerson r = new RelatedPerson();
        r.addIdentifier().setSystem(MRN).setValue(id);
        r.setPatient(new Reference(patientRef));
        r.addRelationship().addCoding().setSystem(RelationshipCodes.V3_ROLE_CODE).setCode("MTH");
        r.addName().setFamily(family).addGiven(given);
        return r;
    }

    static Practitioner doctor(String npi, String given, String family) {
        Practitioner p = new Practitioner();
        p.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue(npi);
        p.addName().setFamily(family).addGiven(given);
        p.addQualification().setCode(new CodeableConcept().setText("Cardiology")
                .addCoding(new org.hl7.fhir.r4.model.Coding(FhirCodes.V2_0360 + "|2.7", "MD", "Doctor of Medicine")));
        return p;
    }

    static Organization clinic(String id, String name) {
        Organization o = new Organization();
        o.addIdentifier().setSystem("urn:example:org").setValue(id);
        o.setName(name);
        return o;
    }

    static PractitionerRole worksAt(String practitioner, String organization) {
        PractitionerRole r = new PractitionerRole();
        r.setPractitioner(new Reference(practitioner));
        r.setOrganization(new Reference(organization));
        r.addSpecialty().setText("Heart failure");
        return r;
    }

    static CareTeam careTeam(String subject, String physician, String caregiver) {
        CareTeam t = new CareTeam();
        t.setSubject(new Reference(subject));
        t.addParticipant().setMember(new Reference(physician)).addRole().addCoding()
                .setSystem(RelationshipCodes.SNOMED).setCode("309343006");
        t.addParticipant().setMember(new Reference(caregiver)).addRole().addCoding()
                .setSystem(RelationshipCodes.SNOMED).setCode("133932002");
        return t;
    }

    /** A marketing opt-out: deny for purpose HMARKT. */
    static Consent marketingOptOut(String patient, Date at) {
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setScope(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(FhirCodes.CONSENT_SCOPE,
                "patient-privacy", null)));
        c.setPatient(new Reference(patient));
        c.setDateTime(at);
        c.getProvision().setType(Consent.ConsentProvisionType.DENY).addPurpose()
                .setSystem(FhirCodes.ACT_REASON).setCode("HMARKT");
        return c;
    }

    /** A permit for the channels named (contact-point-system codes). */
    static Consent permit(String patient, Date at, String... channels) {
        Consent c = marketingOptOut(patient, at);
        c.setProvision(new Consent.ProvisionComponent().setType(Consent.ConsentProvisionType.PERMIT));
        for (String channel : channels) {
            c.getProvision().addCode().addCoding().setSystem(FhirCodes.CONTACT_POINT_SYSTEM).setCode(channel);
        }
        return c;
    }

    static Bundle bundle(Bundle.BundleType type, Bundle.BundleEntryComponent... entries) {
        Bundle b = new Bundle().setType(type);
        for (Bundle.BundleEntryComponent e : entries) {
            b.addEntry(e);
        }
        return b;
    }

    /** An entry creating {@code resource} under {@code fullUrl} (urn:uuid:…), which other entries reference. */
    static Bundle.BundleEntryComponent entry(String fullUrl, Resource resource) {
        Bundle.BundleEntryComponent e = new Bundle.BundleEntryComponent().setFullUrl(fullUrl).setResource(resource);
        e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
        return e;
    }

    static String urn() {
        return "urn:uuid:" + UUID.randomUUID();
    }
}
