package health.circles.web;

/** Entity tags for versioned resources: the version, quoted. */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an If-Match header asks for, on a change (PUT, PATCH, DELETE) of a versioned resource, where it is
     * required: without it, or with "*", the answer is 428 and nothing is written. "*" (any version, RFC 9110) is
     * refused because it is exactly the blind overwrite If-Match is there to prevent; a client sends the ETag it read.
     */
    public static long required(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new ApiProblem(428, "precondition-required", "Precondition Required",
                    "If-Match is required: send the ETag of the version this change is based on (GET returns it)");
        }
        if (ifMatch.strip().equals("*")) {
            throw new ApiProblem(428, "precondition-required", "Precondition Required",
                    "If-Match: * is not accepted: send the ETag of the version this change is based on (GET returns it)");
        }
        return expected(ifMatch);
    }

    /**
     * The version an If-Match header asks for where it is optional; null when there is no header or it is "*". A value that is not one of
     * our tags can never match, which RFC 9110 answers with 412.
     */
    public static Long expected(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches, nor does anything but one tag.
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw new ApiProblem(412, "stale-version", "Precondition Failed",
                    "If-Match " + ifMatch.strip() + " is not an entity tag of this resource");
        }
    }
}
