package health.circles.imports;

/** The file formats an import takes. */
public enum ImportFormat {
    NDJSON, CSV
}
