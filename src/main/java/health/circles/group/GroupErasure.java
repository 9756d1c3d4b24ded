package health.circles.group;

import health.circles.contact.ContactErased;
import health.circles.sync.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What erasing a contact means for groups, inside the erasure transaction: each of its memberships ends (today at the
 * latest) and loses the contact and its start date, staying as an anonymous place in the group's history (a household
 * still shows that someone lived there, not who); the graph loses those relationships through the outbox. Groups an
 * erased organisation managed no longer name it.
 */
@ApplicationScoped
public class GroupErasure {

    private final MembershipStore memberships;
    private final GroupStore groups;
    private final Outbox outbox;
    private final Clock clock = Clock.systemUTC();

    GroupErasure(MembershipStore memberships, GroupStore groups, Outbox outbox) {
        this.memberships = memberships;
        this.groups = groups;
        this.outbox = outbox;
    }

    void onErased(@Observes ContactErased erased) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        List<Membership> places = memberships.ofContact(erased.contactId());
        for (Membership m : places) {
            m.contactId = null;
            m.erased = true;
            m.since = null;
            m.until = m.until != null && !m.until.isAfter(today) ? m.until : today;
            m.updatedAt = now;
        }
        List<ContactGroup> managed = groups.list("managingOrganization", erased.contactId());
        for (ContactGroup g : managed) {
            g.managingOrganization = null;
            g.updatedAt = now;
        }
        memberships.flush();
        groups.flush();
        places.forEach(m -> GroupGraph.append(outbox, m));
        managed.forEach(g -> outbox.append(GroupGraph.UPSERTED, g.id, g.version, GroupGraph.upserted(g)));
    }
}
