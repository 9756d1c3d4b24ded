package health.circles.security;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * The care relationships that widen what a clinician sees ({@link Disclosure}): implemented by the package that owns
 * ties, so that this package reads no table of another and knows contacts by id only.
 */
public interface CareRelations {

    /**
     * The contacts among {@code contacts} that the clinician's contact treats: an open tie of an access-granting type
     * from it, asserted or confirmed (never a pending claim or a tie inferred from touchpoints).
     */
    Set<UUID> treatedBy(UUID clinicianContact, Collection<UUID> contacts);
}
