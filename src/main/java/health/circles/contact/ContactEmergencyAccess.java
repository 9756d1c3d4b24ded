package health.circles.contact;

import health.circles.failure.NotFound;
import health.circles.security.Disclosure;
import health.circles.security.EmergencyAccessService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * The contact side of break-the-glass: opens a record through a grant of {@link EmergencyAccessService}, and has the
 * grants of an erased contact lose their free text. Security knows contacts by id only; this class joins the two.
 */
@ApplicationScoped
public class ContactEmergencyAccess {

    private final ContactStore contacts;
    private final EmergencyAccessService emergencies;
    private final Disclosure disclosure;

    ContactEmergencyAccess(ContactStore contacts, EmergencyAccessService emergencies, Disclosure disclosure) {
        this.contacts = contacts;
        this.emergencies = emergencies;
        this.disclosure = disclosure;
    }

    /**
     * Records the grant and answers the record whole. One transaction: the access check runs on the transaction's
     * connection, so it sees the grant; if the grant cannot be written, nothing is shown.
     */
    @Transactional
    public EmergencyAccessGranted open(UUID contactId, EmergencyAccessRequest in) {
        Contact contact = contacts.findById(contactId);
        if (contact == null) {
            throw new NotFound("Contact", contactId);
        }
        EmergencyAccessService.Grant grant = emergencies.open(contactId, in.reason());
        return new EmergencyAccessGranted(grant.id(), grant.expiresAt(), disclosure.disclosed(ContactView.of(contact)));
    }

    void onErased(@Observes ContactErased erased) {
        emergencies.contactErased(erased.contactId());
    }
}
