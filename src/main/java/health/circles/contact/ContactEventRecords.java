package health.circles.contact;

import health.circles.events.EventRecords;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.UUID;

/**
 * Contacts for webhooks that include records: the whole record as read at delivery, which only subscriptions of
 * owners who read records whole (admin, integration) ask for. An erased or deleted contact has none.
 */
@ApplicationScoped
class ContactEventRecords implements EventRecords {

    private final ContactStore contacts;

    ContactEventRecords(ContactStore contacts) {
        this.contacts = contacts;
    }

    @Override
    public String kind() {
        return "contact";
    }

    @Override
    @Transactional
    public Optional<Object> read(UUID id) {
        return Optional.ofNullable(contacts.findById(id)).map(ContactView::of);
    }
}
