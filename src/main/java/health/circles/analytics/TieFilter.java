package health.circles.analytics;

import health.circles.failure.InvalidInput;
import health.circles.network.TieType;
import health.circles.web.QueryParams;
import java.util.ArrayList;
import java.util.List;

/** Which ties a map draws and walks: some types only, and at least a strength. */
record TieFilter(List<String> types, double minStrength) {

    static final TieFilter ALL = new TieFilter(null, 0);

    /** From the query parameters {@code types} (comma-separated tie types) and {@code minStrength} (0..1). */
    static TieFilter parse(String types, String minStrength) {
        List<String> chosen = null;
        if (types != null && !types.isBlank()) {
            if (types.length() > 500) {
                throw InvalidInput.field("types", "must be at most 500 characters");
            }
            chosen = new ArrayList<>();
            for (String t : types.split(",")) {
                if (!t.isBlank()) {
                    String name = QueryParams.enumValue("types", t, TieType.class).name();
                    if (!chosen.contains(name)) {
                        chosen.add(name);
                    }
                }
            }
            if (chosen.isEmpty()) {
                chosen = null;
            }
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
