package health.circles.analytics;

import health.circles.failure.InvalidInput;
import health.circles.network.RelationshipTypes;
import java.util.List;

/** Which ties a map draws and walks: some types only, and at least a strength. */
record TieFilter(List<String> types, double minStrength) {

    static final TieFilter ALL = new TieFilter(null, 0);

    /**
     * From the query parameters {@code types} (comma-separated relationship type codes, checked against the registry)
     * and {@code minStrength} (0..1).
     */
    static TieFilter parse(String types, String minStrength, RelationshipTypes registry) {
        List<String> chosen = null;
        if (types != null && !types.isBlank()) {
            if (types.length() > 500) {
                throw InvalidInput.field("types", "must be at most 500 characters");
            }
            chosen = registry.codes("types", List.of(types));
        }
        double min = 0;
        if (minStrength != null && !minStrength.isBlank()) {
            try {
                min = Double.parseDouble(minStrength.strip());
            } catch (NumberFormatException e) {
                throw InvalidInput.field("minStrength", "must be a number between 0 and 1");
            }
            if (!(min >= 0 && min <= 1)) {
                throw InvalidInput.field("minStrength", "must be between 0 and 1");
            }
        }
        return new TieFilter(chosen, min);
    }

    boolean any() {
        return types != null || minStrength > 0;
    }
}
