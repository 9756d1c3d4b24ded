package health.circles.fhir;

import health.circles.contact.ContactKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table from FHIR relationship codes to Circles tie types, in both directions: RelatedPerson.relationship
 * (HL7 v3 RoleCode and v2 table 0131, the codes of FHIR's PatientRelationshipType) and CareTeam.participant.role
 * (SNOMED CT and practitioner-role). Tie types are named by their code as text, so that pointing this table at other
 * types (a registry of relationship types with inverses: MTH as PARENT_OF from the mother, SPS as SPOUSE_OF...) is a
 * change of this class alone.
 */
public final class RelationshipCodes {

    public static final String V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public static final String V2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String PRACTITIONER_ROLE = "http://terminology.hl7.org/CodeSystem/practitioner-role";

    /** Which way a tie runs between the related person (or care team member) and the patient. */
    public enum Direction {
        /** From the related person to the patient ("the caregiver CARES_FOR the patient"). */
        TO_PATIENT,
        /** From the patient to the related person. */
        FROM_PATIENT
    }

    /** What a code means in Circles: a tie of {@code tieType}, its direction, and the kind of the related person. */
    public record Relationship(String system, String code, String display, String tieType, Direction direction,
                               ContactKind relatedKind) {
    }

    private static final Map<String, Relationship> RELATED = new LinkedHashMap<>();
    private static final Map<String, Relationship> CARE_TEAM = new LinkedHashMap<>();
    /** The code written out for each tie type (RelatedPerson.relationship, CareTeam.participant.role). */
    private static final Map<String, Relationship> OUT = new LinkedHashMap<>();

    static {
        // Kin (HL7 v3 RoleCode, family member codes): today FAMILY_OF, which is symmetric.
        for (String[] kin : new String[][]{
                {"FAMMEMB", "family member"}, {"CHILD", "child"}, {"CHLDADOPT", "adopted child"},
                {"DAUADOPT", "adopted daughter"}, {"SONADOPT", "adopted son"}, {"CHLDFOST", "foster child"},
                {"DAU", "natural daughter"}, {"SON", "natural son"}, {"DAUC", "daughter"}, {"SONC", "son"},
                {"STPCHLD", "step child"}, {"NCHILD", "natural child"}, {"PRN", "parent"}, {"MTH", "mother"},
                {"FTH", "father"}, {"NMTH", "natural mother"}, {"NFTH", "natural father"},
                {"STPMTH", "stepmother"}, {"STPFTH", "stepfather"}, {"SPS", "spouse"}, {"HUSB", "husband"},
                {"WIFE", "wife"}, {"DOMPART", "domestic partner"}, {"SIGOTHR", "significant other"},
                {"SIB", "sibling"}, {"BRO", "brother"}, {"SIS", "sister"}, {"HSIB", "half-sibling"},
                {"STPSIB", "step sibling"}, {"GRPRN", "grandparent"}, {"GRMTH", "grandmother"},
                {"GRFTH", "grandfather"}, {"GRNDCHILD", "grandchild"}, {"GRNDDAU", "granddaughter"},
                {"GRNDSON", "grandson"}, {"AUNT", "aunt"}, {"UNCLE", "uncle"}, {"NIECE", "niece"},
                {"NEPHEW", "nephew"}, {"COUSN", "cousin"}, {"INLAW", "inlaw"}, {"MTHINLAW", "mother-in-law"},
                {"FTHINLAW", "father-in-law"}, {"CHLDINLAW", "child-in-law"}, {"SIBINLAW", "sibling in-law"}}) {
            related(V3_ROLE_CODE, kin[0], kin[1], "FAMILY_OF", Direction.TO_PATIENT, ContactKind.FAMILY);
        }
        related(V3_ROLE_CODE, "FRND", "unrelated friend", "FRIEND_OF", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        related(V3_ROLE_CODE, "NBOR", "neighbor", "NEIGHBOR_OF", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        // HL7 v2 table 0131 (contact role): next of kin is kin; an emergency contact or contact person is someone who
        // looks after the patient when it matters, which Circles records as CARES_FOR.
        related(V2_0131, "N", "Next-of-Kin", "FAMILY_OF", Direction.TO_PATIENT, ContactKind.FAMILY);
        related(V2_0131, "C", "Emergency Contact", "CARES_FOR", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        related(V2_0131, "EP", "Emergency contact person", "CARES_FOR", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        related(V2_0131, "CP", "Contact person", "CARES_FOR", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        out("FAMILY_OF", V3_ROLE_CODE, "FAMMEMB");
        out("FRIEND_OF", V3_ROLE_CODE, "FRND");
        out("NEIGHBOR_OF", V3_ROLE_CODE, "NBOR");
        out("CARES_FOR", V2_0131, "C");

        // Care team roles: clinicians treat (a TREATS tie asserted by the integration, which grants access), the others
        // care for the patient.
        careTeam(SNOMED, "309343006", "Physician", "TREATS");
        careTeam(SNOMED, "158965000", "Medical practitioner", "TREATS");
        careTeam(SNOMED, "59058001", "General physician", "TREATS");
        careTeam(SNOMED, "446050000", "Primary care physician", "TREATS");
        careTeam(SNOMED, "106292003", "Professional nurse", "TREATS");
        careTeam(SNOMED, "224535009", "Registered nurse", "TREATS");
        careTeam(SNOMED, "224571005", "Nurse practitioner", "TREATS");
        careTeam(PRACTITIONER_ROLE, "doctor", "Doctor", "TREATS");
        careTeam(PRACTITIONER_ROLE, "nurse", "Nurse", "TREATS");
        careTeam(SNOMED, "133932002", "Caregiver", "CARES_FOR");
        careTeam(SNOMED, "407542009", "Informal carer", "CARES_FOR");
        careTeam(SNOMED, "125677006", "Relative", "CARES_FOR");
    }

    private RelationshipCodes() {
    }

    private static void related(String system, String code, String display, String tieType, Direction direction,
                                ContactKind kind) {
        RELATED.put(system + "|" + code, new Relationship(system, code, display, tieType, direction, kind));
    }

    private static void careTeam(String system, String code, String display, String tieType) {
        CARE_TEAM.put(system + "|" + code, new Relationship(system, code, display, tieType, Direction.TO_PATIENT, null));
    }

    private static void out(String tieType, String system, String code) {
        OUT.put(tieType, RELATED.get(system + "|" + code));
    }

    /** What a RelatedPerson.relationship coding means, if Circles knows it. */
    public static Optional<Relationship> related(String system, String code) {
        return Optional.ofNullable(RELATED.get(system + "|" + code));
    }

    /** What a CareTeam.participant.role coding means, if Circles knows it. */
    public static Optional<Relationship> careTeamRole(String system, String code) {
        return Optional.ofNullable(CARE_TEAM.get(system + "|" + code));
    }

    /** The relationship code a tie of {@code tieType} to a patient is written out as, if it is one. */
    public static Optional<Relationship> relatedOut(String tieType) {
        return Optional.ofNullable(OUT.get(tieType));
    }

    /** The care team role a member's tie of {@code tieType} (and the member's kind) is written out as. */
    public static Optional<Relationship> careTeamOut(String tieType, ContactKind memberKind) {
        if ("TREATS".equals(tieType)) {
            return Optional.of(CARE_TEAM.get(memberKind == ContactKind.NURSE ? SNOMED + "|224535009"
                    : memberKind == ContactKind.PHYSICIAN ? SNOMED + "|309343006" : SNOMED + "|158965000"));
        }
        if ("CARES_FOR".equals(tieType)) {
            return Optional.of(CARE_TEAM.get(SNOMED + "|133932002"));
        }
        return Optional.empty();
    }

    /** The tie types a RelatedPerson stands for (those read back as related persons). */
    public static List<String> relatedTieTypes() {
        return List.copyOf(OUT.keySet());
    }

    /** Every relationship code Circles takes, as "system|code", for the documentation and error messages. */
    public static List<String> relatedCodes() {
        return RELATED.values().stream().map(r -> r.code()).toList();
    }

    public static List<String> careTeamCodes() {
        return CARE_TEAM.values().stream().map(r -> r.code()).toList();
    }
}
