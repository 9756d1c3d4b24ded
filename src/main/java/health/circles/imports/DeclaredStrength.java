package health.circles.imports;

import health.circles.network.Tie;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Imported ties weigh what their source declared; touchpoints do not change it. */
@DefaultBean
@ApplicationScoped
class DeclaredStrength implements ImportedStrength {

    @Override
    public double strength(Tie tie) {
        return tie.declaredStrength;
    }

    @Override
    public void touchpointsWritten(UUID job, List<UUID> touchpointIds) {
    }
}
