package health.circles.fhir;

import health.circles.contact.ContactKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table from FHIR relationship codes to Circles tie types, in both directions: RelatedPerson.relationship
 * (HL7 v3 RoleCode and v2 table 0131, the codes of FHIR's PatientRelationshipType) and CareTeam.participant.role
 * (SNOMED CT and practitioner-role). Tie types are codes of the relationship-type registry (docs/relationship-types.md,
 * whose table names the FHIR codes of each type): a mother is the from end of PARENT_OF, a daughter its to end, a
 * spouse SPOUSE_OF either way.
 */
public final class RelationshipCodes {

    public static final String V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public static final String V3_ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
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
    /**
     * The code written out for a tie to a patient, by tie type and by which end the related person stands at
     * ({@link #key(String, boolean)}): a PARENT_OF tie from the related person is "PRN", one from the patient "CHILD".
     */
    private static final Map<String, Relationship> OUT = new LinkedHashMap<>();

    static {
        // Kin (HL7 v3 RoleCode, the family member codes of FHIR's PatientRelationshipType) onto the relationship types
        // of the registry (docs/relationship-types.md): the directed ones read from the related person's side, so a
        // mother is the from end of PARENT_OF and a daughter its to end.
        kin(Direction.TO_PATIENT, "PARENT_OF", new String[][]{{"PRN", "parent"}, {"MTH", "mother"},
                {"FTH", "father"}, {"NPRN", "natural parent"}, {"NMTH", "natural mother"}, {"NFTH", "natural father"},
                {"ADOPTP", "adoptive parent"}, {"ADOPTM", "adoptive mother"}, {"ADOPTF", "adoptive father"},
                {"STPPRN", "step parent"}, {"STPMTH", "stepmother"}, {"STPFTH", "stepfather"},
                {"PRNFOST", "foster parent"}, {"MTHFOST", "foster mother"}, {"FTHFOST", "foster father"},
                {"GESTM", "gestational mother"}});
        kin(Direction.FROM_PATIENT, "PARENT_OF", new String[][]{{"CHILD", "child"}, {"DAU", "natural daughter"},
                {"SON", "natural son"}, {"DAUC", "daughter"}, {"SONC", "son"}, {"NCHILD", "natural child"},
                {"CHLDADOPT", "adopted child"}, {"DAUADOPT", "adopted daughter"}, {"SONADOPT", "adopted son"},
                {"CHLDFOST", "foster child"}, {"DAUFOST", "foster daughter"}, {"SONFOST", "foster son"},
                {"STPCHLD", "step child"}, {"STPDAU", "stepdaughter"}, {"STPSON", "stepson"}});
        kin(Direction.TO_PATIENT, "SPOUSE_OF", new String[][]{{"SPS", "spouse"}, {"HUSB", "husband"},
                {"WIFE", "wife"}, {"DOMPART", "domestic partner"}, {"SIGOTHR", "significant other"}});
        kin(Direction.TO_PATIENT, "SIBLING_OF", new String[][]{{"SIB", "sibling"}, {"BRO", "brother"},
                {"SIS", "sister"}, {"HSIB", "half-sibling"}, {"HBRO", "half-brother"}, {"HSIS", "half-sister"},
                {"NSIB", "natural sibling"}, {"NBRO", "natural brother"}, {"NSIS", "natural sister"},
                {"STPSIB", "step sibling"}, {"STPBRO", "stepbrother"}, {"STPSIS", "stepsister"}, {"TWIN", "twin"},
                {"TWINBRO", "twin brother"}, {"TWINSIS", "twin sister"}});
        kin(Direction.TO_PATIENT, "GRANDPARENT_OF", new String[][]{{"GRPRN", "grandparent"},
                {"GRMTH", "grandmother"}, {"GRFTH", "grandfather"}, {"MGRPRN", "maternal grandparent"},
                {"MGRMTH", "maternal grandmother"}, {"MGRFTH", "maternal grandfather"},
                {"PGRPRN", "paternal grandparent"}, {"PGRMTH", "paternal grandmother"},
                {"PGRFTH", "paternal grandfather"}});
        kin(Direction.FROM_PATIENT, "GRANDPARENT_OF", new String[][]{{"GRNDCHILD", "grandchild"},
                {"GRNDDAU", "granddaughter"}, {"GRNDSON", "grandson"}});
        // Kin whose exact relationship Circles has no type for stay generic kin.
        kin(Direction.TO_PATIENT, "FAMILY_OF", new String[][]{{"FAMMEMB", "family member"},
                {"EXT", "extended family member"}, {"AUNT", "aunt"}, {"UNCLE", "uncle"}, {"COUSN", "cousin"},
                {"NIECE", "niece"}, {"NEPHEW", "nephew"}, {"INLAW", "inlaw"}, {"MTHINLAW", "mother-in-law"},
                {"FTHINLAW", "father-in-law"}, {"CHLDINLAW", "child-in-law"}, {"SIBINLAW", "sibling in-law"},
                {"SISINLAW", "sister-in-law"}, {"BROINLAW", "brother-in-law"}, {"SONINLAW", "son-in-law"},
                {"DAUINLAW", "daughter-in-law"}});
        related(V3_ROLE_CLASS, "GUARD", "guardian", "GUARDIAN_OF", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        related(V3_ROLE_CODE, "GUADLTM", "guardian ad lidem", "GUARDIAN_OF", Direction.TO_PATIENT,
                ContactKind.CAREGIVER);
        related(V3_ROLE_CODE, "FRND", "unrelated friend", "FRIEND_OF", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        related(V3_ROLE_CODE, "NBOR", "neighbor", "NEIGHBOR_OF", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        // HL7 v2 table 0131 (contact role): next of kin is kin; an emergency contact or contact person is whom to
        // call when it matters; a caregiver (SNOMED) looks after the patient.
        related(V2_0131, "N", "Next-of-Kin", "FAMILY_OF", Direction.TO_PATIENT, ContactKind.FAMILY);
        related(V2_0131, "C", "Emergency Contact", "EMERGENCY_CONTACT_FOR", Direction.TO_PATIENT,
                ContactKind.CAREGIVER);
        related(V2_0131, "EP", "Emergency contact person", "EMERGENCY_CONTACT_FOR", Direction.TO_PATIENT,
                ContactKind.CAREGIVER);
        related(V2_0131, "CP", "Contact person", "EMERGENCY_CONTACT_FOR", Direction.TO_PATIENT,
                ContactKind.CAREGIVER);
        related(SNOMED, "133932002", "Caregiver", "CARES_FOR", Direction.TO_PATIENT, ContactKind.CAREGIVER);
        out("PARENT_OF", true, V3_ROLE_CODE, "PRN");
        out("PARENT_OF", false, V3_ROLE_CODE, "CHILD");
        out("SPOUSE_OF", true, V3_ROLE_CODE, "SPS");
        out("SIBLING_OF", true, V3_ROLE_CODE, "SIB");
        out("GRANDPARENT_OF", true, V3_ROLE_CODE, "GRPRN");
        out("GRANDPARENT_OF", false, V3_ROLE_CODE, "GRNDCHILD");
        out("FAMILY_OF", true, V3_ROLE_CODE, "FAMMEMB");
        out("GUARDIAN_OF", true, V3_ROLE_CLASS, "GUARD");
        out("FRIEND_OF", true, V3_ROLE_CODE, "FRND");
        out("NEIGHBOR_OF", true, V3_ROLE_CODE, "NBOR");
        out("EMERGENCY_CONTACT_FOR", true, V2_0131, "C");
        out("CARES_FOR", true, SNOMED, "133932002");

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

    private static void kin(Direction direction, String tieType, String[][] codes) {
        for (String[] code : codes) {
            related(V3_ROLE_CODE, code[0], code[1], tieType, direction, ContactKind.FAMILY);
        }
    }

    private static void careTeam(String system, String code, String display, String tieType) {
        CARE_TEAM.put(system + "|" + code, new Relationship(system, code, display, tieType, Direction.TO_PATIENT, null));
    }

    /** Symmetric types are written as if the related person stood at the from end. */
    private static void out(String tieType, boolean relatedIsFrom, String system, String code) {
        OUT.put(key(tieType, relatedIsFrom), RELATED.get(system + "|" + code));
    }

    private static String key(String tieType, boolean relatedIsFrom) {
        return tieType + (relatedIsFrom ? ">" : "<");
    }

    /** What a RelatedPerson.relationship coding means, if Circles knows it. */
    public static Optional<Relationship> related(String system, String code) {
        return Optional.ofNullable(RELATED.get(system + "|" + code));
    }

    /** What a CareTeam.participant.role coding means, if Circles knows it. */
    public static Optional<Relationship> careTeamRole(String system, String code) {
        return Optional.ofNullable(CARE_TEAM.get(system + "|" + code));
    }

    /**
     * The relationship code a tie of {@code tieType} between a related person and a patient is written out as, if
     * it is one: {@code relatedIsFrom} says whether the related person stands at the tie's from end (for a symmetric
     * type, pass true). A patient's tie the other way round (the patient a guardian or carer of someone) is none.
     */
    public static Optional<Relationship> relatedOut(String tieType, boolean relatedIsFrom) {
        return Optional.ofNullable(OUT.get(key(tieType, relatedIsFrom)));
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
        return OUT.keySet().stream().map(k -> k.substring(0, k.length() - 1)).distinct().toList();
    }

    /** Every relationship code Circles takes, as "system|code", for the documentation and error messages. */
    public static List<String> relatedCodes() {
        return RELATED.values().stream().map(r -> r.code()).toList();
    }

    public static List<String> careTeamCodes() {
        return CARE_TEAM.values().stream().map(r -> r.code()).toList();
    }
}
