package health.circles.network;

/** Where a tie came from: entered by staff, imported, from FHIR, or inferred from a touchpoint. */
public enum TieSource {
    MANUAL, IMPORT, FHIR, TOUCHPOINT
}
