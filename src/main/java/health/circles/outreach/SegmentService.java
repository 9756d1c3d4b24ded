package health.circles.outreach;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.RuleRefused;
import health.circles.failure.StaleVersion;
import health.circles.analytics.InsightService;
import health.circles.contact.Channel;
import health.circles.contact.ContactService;
import health.circles.contact.ContactView;
import health.circles.group.GroupService;
import health.circles.security.Callers;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Segments: saved filters over contacts, and their members for a channel with consent applied. Do-not-contact and
 * DENIED contacts are never members; UNKNOWN ones only where the segment says so; every answer counts who was left out.
 */
@ApplicationScoped
public class SegmentService {

    private final SegmentStore segments;
    private final SegmentGraph graph;
    private final ContactService contacts;
    private final Callers callers;
    private final SegmentConfig config;
    private final InsightService insights;
    private final GroupService groups;
    private final Clock clock = Clock.systemUTC();

    SegmentService(SegmentStore segments, SegmentGraph graph, ContactService contacts, Callers callers, SegmentConfig config,
                   InsightService insights, GroupService groups,
                   health.circles.events.ChangeEvents events) {
        this.events = events;
        this.insights = insights;
        this.groups = groups;
        this.segments = segments;
        this.graph = graph;
        this.contacts = contacts;
        this.callers = callers;
        this.config = config;
    }

    /** A segment's consenting members for a channel, and who was left out. */
    private final health.circles.events.ChangeEvents events;

    /** The member ids read (all, or the first of a capped read), why others were left out, and how many there are. */
    public record Members(List<UUID> ids, SegmentExclusions excluded, boolean includeUnknown, long eligible) {
    }

    @Transactional
    public SegmentView create(SegmentInput in) {
        String name = in.name().strip();
        check(in.filter(), name, null);
        Instant now = now();
        SegmentView s = new SegmentView(UUID.randomUUID(), name, blankToNull(in.description()), normalised(in.filter()),
                Boolean.TRUE.equals(in.includeUnknown()), callers.current().subject(), now, now, 0, null);
        segments.insert(s);
        events.record(health.circles.events.Change.of(health.circles.events.EventTypes.SEGMENT_CREATED, s.id(),
                s.version()));
        return named(s);
    }

    @Transactional
    public SegmentView get(UUID id) {
        return named(find(id, false));
    }

    /** The view with the names of its filter's communities (those of the latest run), for people to read. */
    private SegmentView named(SegmentView s) {
        List<Long> ids = s.filter() == null || s.filter().communities() == null ? List.of() : s.filter().communities();
        return s.withCommunityNames(ids.isEmpty() ? java.util.Map.of() : insights.communityNames(ids));
    }

    /** PUT: replaces the definition; {@code expectedVersion} is the If-Match version. */
    @Transactional
    public SegmentView replace(UUID id, long expectedVersion, SegmentInput in) {
        SegmentView current = find(id, true);
        checkVersion(current, expectedVersion);
        String name = in.name().strip();
        check(in.filter(), name, id);
        SegmentView changed = new SegmentView(id, name, blankToNull(in.description()), normalised(in.filter()),
                Boolean.TRUE.equals(in.includeUnknown()), current.createdBy(), current.createdAt(), now(),
                current.version() + 1, null);
        if (!segments.replace(changed, current.version())) {
            throw new Conflict("conflict", "The segment changed meanwhile; read it again and retry");
        }
        List<String> fields = new java.util.ArrayList<>();
        if (!current.name().equals(changed.name())) {
            fields.add("name");
        }
        if (!java.util.Objects.equals(current.description(), changed.description())) {
            fields.add("description");
        }
        if (!java.util.Objects.equals(current.filter(), changed.filter())) {
            fields.add("filter");
        }
        if (current.includeUnknown() != changed.includeUnknown()) {
            fields.add("includeUnknown");
        }
        events.record(new health.circles.events.Change(health.circles.events.EventTypes.SEGMENT_UPDATED, id,
                changed.version(), fields, java.util.Map.of()));
        return named(changed);
    }

    @Transactional
    public void delete(UUID id, long expectedVersion) {
        checkVersion(find(id, true), expectedVersion);
        if (segments.usedByCampaign(id)) {
            throw new Conflict("segment-in-use", "Segment " + id + " is the target of a campaign and is kept "
                    + "for its report");
        }
        segments.delete(id);
        events.record(health.circles.events.Change.of(health.circles.events.EventTypes.SEGMENT_DELETED, id,
                expectedVersion + 1));
    }

    private static void checkVersion(SegmentView current, long expected) {
        if (expected != current.version()) {
            throw new StaleVersion("Precondition Failed", "The segment is at version "
                    + current.version() + ", not " + expected + "; read it again and reapply the change");
        }
    }

    @Transactional
    public Page<SegmentView> list(String next, int limit) {
        Cursor cursor = Cursor.decode(next);
        List<SegmentView> found = segments.list(cursor == null ? null : cursor.key(), cursor == null ? null : cursor.id(),
                limit + 1);
        boolean more = found.size() > limit;
        List<SegmentView> page = (more ? found.subList(0, limit) : found).stream().map(this::named).toList();
        String cursorOut = more ? new Cursor(page.get(limit - 1).name(), page.get(limit - 1).id()).encode() : null;
        return Page.counted(page, cursorOut, segments.count());
    }

    @Transactional
    public SegmentPreview preview(UUID id, Channel channel) {
        SegmentView s = find(id, false);
        return preview(match(s.filter(), s.includeUnknown(), channel));
    }

    /** The preview of a filter not saved (yet): validated like a save, nothing written. */
    @Transactional
    public SegmentPreview preview(SegmentDraft draft, Channel channel) {
        check(draft.filter());
        return preview(match(normalised(draft.filter()), Boolean.TRUE.equals(draft.includeUnknown()), channel));
    }

    private SegmentPreview preview(SegmentStore.Match match) {
        long[] eligible = new long[1];
        SegmentExclusions excluded = segments.count(match, eligible);
        List<UUID> sample = segments.members(match, null, null, config.sampleSize()).stream()
                .map(SegmentStore.Found::id).toList();
        return new SegmentPreview(match.channel(), match.includeUnknown(), eligible[0], excluded, contacts.views(sample));
    }

    @Transactional
    public SegmentMembers members(UUID id, Channel channel, String next, int limit) {
        SegmentView s = find(id, false);
        SegmentStore.Match match = match(s, channel);
        long[] eligible = new long[1];
        SegmentExclusions excluded = segments.count(match, eligible);
        Cursor cursor = Cursor.decode(next);
        List<SegmentStore.Found> found = segments.members(match, cursor == null ? null : cursor.key(),
                cursor == null ? null : cursor.id(), limit + 1);
        boolean more = found.size() > limit;
        List<SegmentStore.Found> page = more ? found.subList(0, limit) : found;
        String cursorOut = more ? new Cursor(page.get(limit - 1).sortName(), page.get(limit - 1).id()).encode() : null;
        List<ContactView> items = contacts.views(page.stream().map(SegmentStore.Found::id).toList());
        return new SegmentMembers(channel, s.includeUnknown(), eligible[0], excluded, items, cursorOut);
    }

    /** Every consenting member, for a CSV export; 422 above the configured size. */
    @Transactional
    public SegmentMembers export(UUID id, Channel channel) {
        SegmentView s = find(id, false);
        SegmentStore.Match match = match(s, channel);
        long[] eligible = new long[1];
        SegmentExclusions excluded = segments.count(match, eligible);
        if (eligible[0] > config.maxExport()) {
            throw new RuleRefused("export-too-large", "Export too large", "The segment has " + eligible[0]
                    + " consenting members for " + channel + "; an export holds at most " + config.maxExport()
                    + ". Page through GET /api/v1/segments/" + id + "/members instead");
        }
        List<UUID> ids = segments.members(match, null, null, null).stream().map(SegmentStore.Found::id).toList();
        return new SegmentMembers(channel, s.includeUnknown(), eligible[0], excluded, contacts.views(ids), null);
    }

    /**
     * The ids of a segment's consenting members for a channel, by name: do-not-contact and DENIED never, UNKNOWN as the
     * segment says. For seed selection and campaigns; 404 for an unknown segment.
     */
    @Transactional
    public List<UUID> memberIds(UUID segmentId, Channel channel) {
        return resolve(segmentId, channel).ids();
    }

    /** {@link #memberIds} with the count of contacts left out and why. */
    @Transactional
    public Members resolve(UUID segmentId, Channel channel) {
        return resolve(segmentId, channel, Integer.MAX_VALUE);
    }

    /**
     * {@link #resolve(UUID, Channel)}, reading at most {@code cap} + 1 ids: a caller that refuses more than {@code cap}
     * members learns it from {@link Members#eligible} without every id of a segment of millions read into memory.
     */
    @Transactional
    public Members resolve(UUID segmentId, Channel channel, int cap) {
        SegmentView s = find(segmentId, false);
        SegmentStore.Match match = match(s, channel);
        long[] eligible = new long[1];
        SegmentExclusions excluded = segments.count(match, eligible);
        Integer limit = eligible[0] > cap ? cap + 1 : null;
        List<UUID> ids = segments.members(match, null, null, limit).stream().map(SegmentStore.Found::id).toList();
        return new Members(ids, excluded, s.includeUnknown(), eligible[0]);
    }

    SegmentView find(UUID id, boolean forUpdate) {
        return segments.find(id, forUpdate).orElseThrow(() -> new NotFound("Segment", id));
    }

    private SegmentStore.Match match(SegmentView s, Channel channel) {
        return match(s.filter(), s.includeUnknown(), channel);
    }

    private SegmentStore.Match match(SegmentFilter f, boolean includeUnknown, Channel channel) {
        UUID run = null;
        if (f.needsAnalytics()) {
            run = insights.latestRun();
        }
        Set<UUID> near = Set.of();
        if (f.tieTo() != null && f.tieTo().contactId() != null) {
            near = graph.within(f.tieTo().contactId(), f.tieTo().hops());
        }
        return new SegmentStore.Match(f, run, near, channel, includeUnknown);
    }

    /** Rules the annotations cannot state: the name is free, the communities and the anchor contact exist. */
    private void check(SegmentFilter f, String name, UUID self) {
        if (segments.nameTaken(name, self)) {
            throw new Conflict("duplicate-name", "Another segment is already named " + name);
        }
        check(f);
    }

    private void check(SegmentFilter f) {
        if (f.influence() != null && f.influence().maxRank() == null && f.influence().minScore() == null) {
            throw InvalidInput.field("filter.influence", "needs maxRank, minScore or both");
        }
        if (f.communities() != null && !f.communities().isEmpty()) {
            UUID run = insights.latestRun();
            List<Long> unknown = segments.unknownCommunities(run, f.communities());
            if (!unknown.isEmpty()) {
                throw InvalidInput.field("filter.communities", "not communities of the latest analytics run: "
                        + unknown);
            }
        }
        if (f.groups() != null && !f.groups().isEmpty()) {
            List<UUID> unknown = groups.unknown(f.groups());
            if (!unknown.isEmpty()) {
                throw InvalidInput.field("filter.groups", "no such group: " + unknown);
            }
        }
        if (f.tieTo() != null && !segments.contactExists(f.tieTo().contactId())) {
            throw InvalidInput.field("filter.tieTo.contactId", "no such contact");
        }
    }

    private static SegmentFilter normalised(SegmentFilter f) {
        return new SegmentFilter(nullIfEmpty(f.communities() == null ? null : f.communities().stream().distinct().toList()),
                f.communities() == null || f.communities().isEmpty() ? null
                        : f.membership() == null ? SegmentFilter.Membership.ANY : f.membership(),
                nullIfEmpty(f.kinds() == null ? null : f.kinds().stream().distinct().toList()),
                nullIfEmpty(f.tags() == null ? null
                        : f.tags().stream().map(t -> t.strip().toLowerCase(java.util.Locale.ROOT)).distinct().toList()),
                nullIfEmpty(f.languages() == null ? null : f.languages().stream().map(String::strip).distinct().toList()),
                nullIfEmpty(f.postalCodes() == null ? null
                        : f.postalCodes().stream().map(p -> p.strip().toUpperCase(java.util.Locale.ROOT)).distinct().toList()),
                f.influence(), f.tieTo(), f.contacts() == null ? null : f.contacts().stream().distinct().toList(),
                nullIfEmpty(f.groups() == null ? null : f.groups().stream().distinct().toList()),
                nullIfEmpty(f.groupKinds() == null ? null : f.groupKinds().stream().distinct().toList()));
    }

    private static <T> List<T> nullIfEmpty(List<T> values) {
        return values == null || values.isEmpty() ? null : values;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
