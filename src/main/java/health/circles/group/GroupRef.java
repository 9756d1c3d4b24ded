package health.circles.group;

import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A group as other records name it: enough to label and cluster (a household drawn as one on a map). */
@Schema(name = "GroupRef")
public record GroupRef(UUID id, GroupKind kind, String name) {
}
