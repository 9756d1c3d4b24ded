package health.circles.imports;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a job's time goes, phase by phase (parse, each record type's statements, checkpoint, commit), summed over its
 * batches and logged when it ends: the figures that say which step of a bulk import to make faster.
 */
final class PhaseTimes {

    private final Map<String, Long> nanos = new LinkedHashMap<>();

    /** Adds the time since {@code startedNanos} to {@code phase}; returns now, the start of the next phase. */
    long lap(String phase, long startedNanos) {
        long now = System.nanoTime();
        nanos.merge(phase, now - startedNanos, Long::sum);
        return now;
    }

    /** Adds another batch's (or part's) times to these. */
    void addAll(PhaseTimes other) {
        other.nanos.forEach((phase, n) -> nanos.merge(phase, n, Long::sum));
    }

    /** Milliseconds by phase, in the order phases first ran. */
    Map<String, Long> millis() {
        Map<String, Long> out = new LinkedHashMap<>();
        nanos.forEach((phase, n) -> out.put(phase, n / 1_000_000));
        return out;
    }

    @Override
    public String toString() {
        return millis().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms")
                .collect(Collectors.joining(", "));
    }
}
