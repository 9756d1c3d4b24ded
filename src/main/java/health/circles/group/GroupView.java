package health.circles.group;

import com.fasterxml.jackson.annotation.JsonIgnore;
import health.circles.security.AuditedRecord;
import health.circles.security.Disclosable;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A group as the API shows it. */
@Schema(name = "Group")
public record GroupView(
        UUID id,
        GroupKind kind,
        String name,
        @Schema(description = "Only for those who see a current member's record whole (admins, integrations, a "
                + "member's treating clinician)") String description,
        @Schema(description = "Only for those who see a current member's record whole") String externalId,
        @Schema(description = "The managing organisation's contact id") UUID managingOrganization,
        @Schema(description = "Current members") int memberCount,
        Instant createdAt,
        Instant updatedAt,
        long version,
        @JsonIgnore List<UUID> members,
        @JsonIgnore List<UUID> disclosers,
        @JsonIgnore Set<UUID> concerns) implements AuditedRecord, Disclosable<GroupView> {

    @Override
    public String auditId() {
        return id.toString();
    }

    /**
     * A group's own fields name no contact (its member listing does, row by row); a creation names the members it
     * added.
     */
    @Override
    public Set<UUID> auditContacts() {
        return concerns;
    }

    /** The same view, naming {@code contacts} in its audit row. */
    GroupView concerning(Set<UUID> contacts) {
        return new GroupView(id, kind, name, description, externalId, managingOrganization, memberCount, createdAt,
                updatedAt, version, members, disclosers, Set.copyOf(contacts));
    }

    /**
     * Whole for whoever sees a current member whole (the description may say why the group exists), among the members
     * the caller did not add to it themselves.
     */
    @Override
    public List<UUID> disclosedBy() {
        return disclosers;
    }

    /** A clinician adds their own contact to any group; that shows them nothing of it. */
    @Override
    public boolean ownContactDiscloses() {
        return false;
    }

    @Override
    public GroupView limited() {
        return new GroupView(id, kind, name, null, null, managingOrganization, memberCount, createdAt, updatedAt,
                version, members, disclosers, concerns);
    }

    /** The group with its current members, and those of them whose records, seen whole, show it whole. */
    static GroupView of(ContactGroup g, List<UUID> members, List<UUID> disclosers) {
        return new GroupView(g.id, g.kind, g.name, g.description, g.externalId, g.managingOrganization,
                members.size(), g.createdAt, g.updatedAt, g.version, List.copyOf(members), List.copyOf(disclosers),
                Set.of());
    }

    /** The group as other records name it. */
    GroupRef ref() {
        return new GroupRef(id, kind, name);
    }
}
