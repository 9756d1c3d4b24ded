package health.circles.group;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A contact's place in a group, with its role and dates; ended ones stay as the group's history. */
@Entity(name = "GroupMembership")
@Table(name = "group_membership")
public class Membership {

    @Id
    public UUID id;

    @Column(name = "group_id", nullable = false)
    public UUID groupId;

    /** Null once the member was erased on request. */
    @Column(name = "contact_id")
    public UUID contactId;

    @Column(nullable = false)
    public String role;

    public LocalDate since;
    public LocalDate until;

    @Column(nullable = false)
    public boolean erased;

    /** The subject who added this member to the existing group; null for the members it was created with. */
    @Column(name = "added_by")
    public String addedBy;

    @Column(nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** A member on {@code today}: not ended by then (a membership ends at the start of its until). */
    public boolean active(LocalDate today) {
        return !erased && (until == null || until.isAfter(today));
    }
}
