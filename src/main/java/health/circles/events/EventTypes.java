package health.circles.events;

import health.circles.security.Roles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every change event type, by subject kind, and which roles may see each kind: a feed reader or a webhook subscriber
 * sees the events of the kinds its roles may read (docs/security.md), so a subscription never learns of changes its
 * owner could not see.
 */
public final class EventTypes {

    public static final String CONTACT_CREATED = "contact.created";
    public static final String CONTACT_UPDATED = "contact.updated";
    public static final String CONTACT_CONSENT_CHANGED = "contact.consent-changed";
    public static final String CONTACT_DELETED = "contact.deleted";
    public static final String CONTACT_ERASED = "contact.erased";
    public static final String TIE_CREATED = "tie.created";
    public static final String TIE_UPDATED = "tie.updated";
    public static final String TIE_ENDED = "tie.ended";
    public static final String TIE_CONFIRMED = "tie.confirmed";
    public static final String TIE_REJECTED = "tie.rejected";
    public static final String TIE_DELETED = "tie.deleted";
    public static final String TOUCHPOINT_CREATED = "touchpoint.created";
    public static final String TOUCHPOINT_UPDATED = "touchpoint.updated";
    public static final String TOUCHPOINT_DELETED = "touchpoint.deleted";
    public static final String SEGMENT_CREATED = "segment.created";
    public static final String SEGMENT_UPDATED = "segment.updated";
    public static final String SEGMENT_DELETED = "segment.deleted";
    public static final String CAMPAIGN_CREATED = "campaign.created";
    public static final String CAMPAIGN_CLOSED = "campaign.closed";
    public static final String CAMPAIGN_OUTCOME_RECORDED = "campaign.outcome-recorded";
    public static final String IMPORT_CREATED = "import.created";
    public static final String IMPORT_COMPLETED = "import.completed";
    public static final String IMPORT_FAILED = "import.failed";
    public static final String ANALYTICS_RUN_STARTED = "analytics-run.started";
    public static final String ANALYTICS_RUN_COMPLETED = "analytics-run.completed";
    public static final String ANALYTICS_RUN_FAILED = "analytics-run.failed";
    /** A run's sampled betweenness replaced by exact betweenness computed after it (ExactBetweenness). */
    public static final String ANALYTICS_RUN_EXACT_BETWEENNESS = "analytics-run.exact-betweenness";
    public static final String GROUP_CREATED = "group.created";
    public static final String GROUP_UPDATED = "group.updated";
    public static final String GROUP_DELETED = "group.deleted";
    public static final String GROUP_MEMBER_ADDED = "group-member.added";
    public static final String GROUP_MEMBER_UPDATED = "group-member.updated";
    public static final String GROUP_MEMBER_ENDED = "group-member.ended";

    /** Subject kinds and their types, in documentation order. */
    public static final Map<String, List<String>> BY_KIND = Map.of(
            "contact", List.of(CONTACT_CREATED, CONTACT_UPDATED, CONTACT_CONSENT_CHANGED, CONTACT_DELETED,
                    CONTACT_ERASED),
            "tie", List.of(TIE_CREATED, TIE_UPDATED, TIE_ENDED, TIE_CONFIRMED, TIE_REJECTED, TIE_DELETED),
            "touchpoint", List.of(TOUCHPOINT_CREATED, TOUCHPOINT_UPDATED, TOUCHPOINT_DELETED),
            "segment", List.of(SEGMENT_CREATED, SEGMENT_UPDATED, SEGMENT_DELETED),
            "campaign", List.of(CAMPAIGN_CREATED, CAMPAIGN_CLOSED, CAMPAIGN_OUTCOME_RECORDED),
            "import", List.of(IMPORT_CREATED, IMPORT_COMPLETED, IMPORT_FAILED),
            "analytics-run", List.of(ANALYTICS_RUN_STARTED, ANALYTICS_RUN_COMPLETED, ANALYTICS_RUN_FAILED,
                    ANALYTICS_RUN_EXACT_BETWEENNESS),
            "group", List.of(GROUP_CREATED, GROUP_UPDATED, GROUP_DELETED),
            "group-member", List.of(GROUP_MEMBER_ADDED, GROUP_MEMBER_UPDATED, GROUP_MEMBER_ENDED));

    /**
     * Who may see each kind's events: records (contacts, ties, touchpoints) and imports go to those who read records
     * whole and run imports (admin, integration); segments, campaigns and analytics runs only to admin among the roles
     * that may read events, since integration may not read them (docs/security.md).
     */
    private static final Map<String, Set<String>> SEEN_BY = Map.of(
            "contact", Set.of(Roles.ADMIN, Roles.INTEGRATION),
            "tie", Set.of(Roles.ADMIN, Roles.INTEGRATION),
            "touchpoint", Set.of(Roles.ADMIN, Roles.INTEGRATION),
            "import", Set.of(Roles.ADMIN, Roles.INTEGRATION),
            "segment", Set.of(Roles.ADMIN),
            "campaign", Set.of(Roles.ADMIN),
            "analytics-run", Set.of(Roles.ADMIN),
            "group", Set.of(Roles.ADMIN, Roles.INTEGRATION),
            "group-member", Set.of(Roles.ADMIN, Roles.INTEGRATION));

    /** The roles whose members may read the feed and manage webhooks. */
    public static final Set<String> READERS = Set.of(Roles.ADMIN, Roles.INTEGRATION);

    /** Every type, as a set built once: {@link Change} checks each event against it (a million in an import). */
    private static final Set<String> KNOWN = Set.copyOf(all());

    private EventTypes() {
    }

    /** Whether {@code type} is one of the event types. */
    public static boolean known(String type) {
        return KNOWN.contains(type);
    }

    /** Every type, in documentation order. */
    public static List<String> all() {
        List<String> all = new ArrayList<>();
        for (String kind : kinds()) {
            all.addAll(BY_KIND.get(kind));
        }
        return all;
    }

    static List<String> kinds() {
        return List.of("contact", "tie", "touchpoint", "segment", "campaign", "import", "analytics-run", "group",
                "group-member");
    }

    /** The kind of a type: what comes before its first dot. */
    static String kindOf(String type) {
        int dot = type.indexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    /** The types {@code roles} may see. */
    public static Set<String> visibleTo(Collection<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (String type : all()) {
            if (SEEN_BY.get(kindOf(type)).stream().anyMatch(roles::contains)) {
                out.add(type);
            }
        }
        return out;
    }
}
