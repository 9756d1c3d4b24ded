package health.circles.security;

import java.util.List;

/** The roles a token can carry (its {@code groups} claim); docs/security.md says what each may do. */
public final class Roles {

    /** Runs the service: every endpoint, full records, the audit trail, erasure. */
    public static final String ADMIN = "admin";
    /** Cares for patients: full records of the patients they treat (a TREATS tie), a limited view of others. */
    public static final String CLINICIAN = "clinician";
    /** Community outreach: consented channels only, no clinical detail; segments and campaigns. */
    public static final String OUTREACH = "outreach";
    /** Runs and reads analytics: the same limited view as outreach. */
    public static final String ANALYST = "analyst";
    /** A machine client (EHR, FHIR server, bulk import): writes records and reads them back whole. */
    public static final String INTEGRATION = "integration";

    public static final List<String> ALL = List.of(ADMIN, CLINICIAN, OUTREACH, ANALYST, INTEGRATION);

    private Roles() {
    }
}
