package health.circles.security;

import java.util.Collection;
import java.util.UUID;

/**
 * A view whose fields depend on whether the caller sees whole the records of the contacts it concerns; {@link
 * Disclosure} decides, the view's own package says which contacts count and what the limited form leaves out.
 */
public interface Disclosable<T extends Disclosable<T>> {

    /**
     * The contacts of which one record seen whole shows this view whole; null when the view is whole for every caller
     * (an empty collection: limited for every caller who does not see everything).
     */
    Collection<UUID> disclosedBy();

    /** This view as a caller sees it who sees none of those records whole. */
    T limited();

    /**
     * Whether the caller's own contact, among {@link #disclosedBy()}, shows this view whole. True for what concerns the
     * caller; false where a caller can make their own contact one of those contacts (joining a group), which would
     * otherwise show them what others wrote about it.
     */
    default boolean ownContactDiscloses() {
        return true;
    }
}
