package health.circles.imports;

import health.circles.contact.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The import file contract, in one place: the record types, the fields (NDJSON) or columns (CSV) each has, which of
 * them are lists and how a CSV cell joins a list, and the consent columns. The reader and the row parser check files
 * against it; the synthetic network generator writes files by it.
 */
public final class ImportColumns {

    /** The NDJSON field, or CSV column, that says a row's record type. */
    public static final String RECORD = "record";
    public static final String CONTACT = "contact";
    public static final String TIE = "tie";
    public static final String TOUCHPOINT = "touchpoint";
    public static final Set<String> RECORD_TYPES = Set.of(CONTACT, TIE, TOUCHPOINT);

    /** A CSV consent column is this prefix and a channel ({@code consent.EMAIL}); its cell holds the status. */
    public static final String CONSENT_PREFIX = "consent.";
    /** A CSV cell of a list column joins its items with this. */
    public static final String LIST_SEPARATOR = "|";
    /** Splits a CSV list cell into its items. */
    public static final Pattern LIST_SPLIT = Pattern.compile(Pattern.quote(LIST_SEPARATOR));
    /** The fields that name a contact by its external id: a record's own id, a tie's ends. */
    public static final List<String> CONTACT_REFERENCES = List.of("externalId", "from", "to");
    /** The list field of a touchpoint naming its participants by their external ids. */
    public static final String PARTICIPANTS = "participants";

    /** The columns whose CSV cells are lists. */
    public static final Set<String> LISTS = Set.of("languages", "specialties", "tags", PARTICIPANTS);

    /** Column headers of the CSV import format, one file per record type, in this order. */
    public static final List<String> CONTACT_COLUMNS = contactColumns();
    public static final List<String> TIE_COLUMNS = List.of("externalId", "from", "to", "type", "since", "until",
            "declaredStrength", "source", "notes");
    public static final List<String> TOUCHPOINT_COLUMNS = List.of("externalId", "channel", "occurredAt", "topic",
            "outcome", "campaignId", "participants", "clinical");

    private ImportColumns() {
    }

    /** The consent column of a channel. */
    public static String consent(Channel channel) {
        return CONSENT_PREFIX + channel.name();
    }

    /** The columns of a record type; {@code type} is one of {@link #RECORD_TYPES}. */
    public static List<String> of(String type) {
        return switch (type) {
            case CONTACT -> CONTACT_COLUMNS;
            case TIE -> TIE_COLUMNS;
            case TOUCHPOINT -> TOUCHPOINT_COLUMNS;
            default -> throw new IllegalArgumentException("no record type " + type);
        };
    }

    private static List<String> contactColumns() {
        List<String> columns = new ArrayList<>(List.of("externalId", "kind", "givenName", "familyName",
                "organizationName", "email", "phone", "postalCode", "city", "languages", "specialties", "tags",
                "doNotContact"));
        for (Channel channel : Channel.values()) {
            columns.add(consent(channel));
        }
        return List.copyOf(columns);
    }
}
