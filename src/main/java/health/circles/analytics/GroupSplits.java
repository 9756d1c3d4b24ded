package health.circles.analytics;

import health.circles.failure.Conflict;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.group.GroupKind;
import health.circles.group.GroupRef;
import health.circles.security.AuditedRecord;
import health.circles.web.Cursor;
import health.circles.web.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Groups against detected communities: for one run, which groups' current members the algorithm put in different
 * communities (a household split across two neighbourhoods, a care team whose nurse sits in another cluster than the
 * patient), and who is where. Households and care teams come first: they are the groups outreach most expects to move
 * together.
 */
@ApplicationScoped
public class GroupSplits {

    private final AnalyticsRunStore runs;
    private final GroupSplitStore store;

    GroupSplits(AnalyticsRunStore runs, GroupSplitStore store) {
        this.runs = runs;
        this.store = store;
    }

    /** One group in one run: its current members per community, and those the run does not have. */
    @Schema(name = "GroupCommunities")
    public record Split(
            GroupRef group,
            @Schema(description = "Current members") int members,
            @Schema(description = "Members in more than one community of the level") boolean split,
            @Schema(description = "Communities holding members, the largest share first") List<Share> communities,
            @Schema(description = "Current members the run does not place (added after it, or without active ties)")
            List<UUID> notInRun) implements AuditedRecord {

        @Override
        public String auditId() {
            return group.id().toString();
        }

        @Override
        public Set<UUID> auditContacts() {
            Set<UUID> all = new LinkedHashSet<>();
            communities.forEach(c -> all.addAll(c.members()));
            all.addAll(notInRun);
            return all;
        }
    }

    /** A community's part of a group. */
    @Schema(name = "GroupCommunityShare")
    public record Share(long community, List<UUID> members) {
    }

    @Transactional
    public Page<Split> list(UUID run, int level, List<GroupKind> kinds, boolean splitOnly, String cursor, int limit) {
        RunView found = runs.find(run).orElseThrow(() -> new NotFound("Analytics run", run));
        if (!"SUCCEEDED".equals(found.state())) {
            throw new Conflict("analytics-run-not-succeeded", "Analytics run " + run + " is " + found.state()
                    + "; its communities are not there to compare");
        }
        if (level < 0 || level > 10) {
            throw InvalidInput.field("level", "must be between 0 and 10");
        }
        Position after = Position.decode(cursor);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<GroupSplitStore.Row> rows = store.groups(run, level, kinds, splitOnly, today, after.rank(), after.name(),
                after.id(), limit + 1);
        boolean more = rows.size() > limit;
        List<GroupSplitStore.Row> page = more ? rows.subList(0, limit) : rows;
        Map<UUID, List<GroupSplitStore.Placed>> placed = new LinkedHashMap<>();
        for (GroupSplitStore.Placed p : store.members(run, level, kinds, today,
                page.stream().map(GroupSplitStore.Row::id).toList())) {
            placed.computeIfAbsent(p.group(), k -> new ArrayList<>()).add(p);
        }
        List<Split> items = page.stream().map(r -> split(r, placed.getOrDefault(r.id(), List.of()))).toList();
        String next = more ? Position.of(page.get(page.size() - 1)).encode() : null;
        return new Page<>(items, next);
    }

    private static Split split(GroupSplitStore.Row r, List<GroupSplitStore.Placed> members) {
        Map<Long, List<UUID>> byCommunity = new LinkedHashMap<>();
        List<UUID> notInRun = new ArrayList<>();
        for (GroupSplitStore.Placed p : members) {
            if (p.community() == null) {
                notInRun.add(p.contact());
            } else {
                byCommunity.computeIfAbsent(p.community(), k -> new ArrayList<>()).add(p.contact());
            }
        }
        List<Share> shares = byCommunity.entrySet().stream().map(e -> new Share(e.getKey(), e.getValue()))
                .sorted((a, b) -> a.members().size() != b.members().size()
                        ? Integer.compare(b.members().size(), a.members().size())
                        : Long.compare(a.community(), b.community()))
                .toList();
        return new Split(new GroupRef(r.id(), r.kind(), r.name()), r.members(), r.communities() > 1, shares, notInRun);
    }

    /** Where a page ended: kind rank, name and id, carried in a {@link Cursor}. */
    private record Position(int rank, String name, UUID id) {

        static Position of(GroupSplitStore.Row r) {
            return new Position(r.rank(), r.name(), r.id());
        }

        String encode() {
            return new Cursor(rank + ":" + name, id).encode();
        }

        static Position decode(String cursor) {
            Cursor c = Cursor.decode(cursor);
            if (c == null) {
                return new Position(-1, "", new UUID(0, 0));
            }
            int colon = c.key().indexOf(':');
            try {
                return new Position(Integer.parseInt(c.key().substring(0, Math.max(colon, 0))),
                        c.key().substring(colon + 1), c.id());
            } catch (NumberFormatException e) {
                throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
            }
        }
    }
}
