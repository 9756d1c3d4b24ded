package health.circles.imports;

/**
 * The file formats an import takes: Circles' own NDJSON and CSV records, or FHIR R4 resources one per line
 * ({@code application/fhir+ndjson}), applied by a {@link ResourceRows} (the FHIR endpoint's mapping).
 */
public enum ImportFormat {
    NDJSON, CSV, FHIR_NDJSON
}
