package health.circles.imports;

import health.circles.network.Tie;
import java.util.List;
import java.util.UUID;

/**
 * How imports set tie strength: the strength of a new tie, and what follows from the touchpoints a batch wrote. Both
 * are called inside the batch's transaction. Until touchpoint-derived strength is in place this is the declared
 * strength alone ({@link DeclaredStrength}); an implementation that adds the touchpoints' weight replaces it.
 */
public interface ImportedStrength {

    /** Strength of a tie the import creates or changes. */
    double strength(Tie tie);

    /** The touchpoints a batch inserted or changed; ties they concern may need their strength recomputed. */
    void touchpointsWritten(UUID job, List<UUID> touchpointIds);
}
