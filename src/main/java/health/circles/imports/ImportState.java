package health.circles.imports;

/** Where an import job is in its life. */
public enum ImportState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
