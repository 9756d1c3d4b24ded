package health.circles.outreach;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Erasing a contact forgets the decisions on ties suggested to or about it, in the erasure transaction. */
@ApplicationScoped
public class SuggestionErasure {

    private final SuggestionStore store;

    SuggestionErasure(SuggestionStore store) {
        this.store = store;
    }

    void onErased(@Observes ContactErased erased) {
        store.forget(erased.contactId());
    }
}
