package health.circles.web;

/** Entity tags for versioned resources: the version, quoted. */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an If-Match header asks for; null when there is no header or it is "*". A value that is not one of
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
            throw new ApiProblem(412, "stale-version", "Precondition failed",
                    "If-Match " + ifMatch.strip() + " is not an entity tag of this resource");
        }
    }
}
