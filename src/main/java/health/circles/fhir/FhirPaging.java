package health.circles.fhir;

import health.circles.failure.InvalidInput;

/** A page of a FHIR search: {@code _count} matches after the first {@code _offset} (docs/fhir.md, "Paging"). */
record FhirPaging(int count, int offset) {

    static final int DEFAULT_COUNT = 50;
    static final int MAX_COUNT = 1000;
    static final int MAX_OFFSET = 100_000;

    /** The page the query parameters ask for, or a 400 naming the parameter at fault. */
    static FhirPaging of(String count, String offset) {
        return new FhirPaging(number("_count", count, DEFAULT_COUNT, MAX_COUNT),
                number("_offset", offset, 0, MAX_OFFSET));
    }

    private static int number(String name, String text, int absent, int max) {
        if (text == null) {
            return absent;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw InvalidInput.field(name, "must be a whole number from 0 to " + max);
        }
        if (value < 0 || value > max) {
            throw InvalidInput.field(name, "must be a whole number from 0 to " + max);
        }
        return value;
    }
}
