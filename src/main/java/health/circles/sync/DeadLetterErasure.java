package health.circles.sync;

import health.circles.contact.ContactErased;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What erasing a contact means for the dead letters, inside the erasure transaction: they forget the person, and
 * none of them holds back the removals that erasure sends to the graph.
 */
@ApplicationScoped
public class DeadLetterErasure {

    private final DeadLetterStore deadLetters;

    DeadLetterErasure(DeadLetterStore deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * An import batch keeps its other changes; the person's (its node, its ties) leave it. A change of the person or
     * of a tie of theirs is dropped, so that the graph removals erasure appends to the outbox are not parked behind it
     * (the node and its edges would stay in the graph).
     */
    void onErased(@Observes ContactErased erased) {
        deadLetters.forget(erased.contactId());
    }
}
