package health.circles.network;

import health.circles.Sql;
import health.circles.security.CareRelations;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The ties that grant a clinician a patient's whole record, for security's access check ({@link CareRelations}). */
@ApplicationScoped
public class CareTieStore implements CareRelations {

    // Ties of a granting type count only as asserted or confirmed (a clinician's own claim grants nothing until an
    // admin or an integration confirms it), and only while open.
    private static final String TREATED = """
            SELECT t.to_id FROM tie t
            WHERE t.type = ANY(?) AND t.assertion IN ('ASSERTED', 'CONFIRMED')
              AND t.from_id = ? AND t.to_id = ANY(?) AND %s""".formatted(ActiveTie.ACTIVE_TODAY_SQL);
    private static final String[] GRANTING = TieType.granting();

    private final AgroalDataSource dataSource;

    CareTieStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Set<UUID> treatedBy(UUID clinicianContact, Collection<UUID> contacts) {
        return new LinkedHashSet<>(Sql.query(dataSource, TREATED, List.of(GRANTING, clinicianContact,
                contacts.toArray(UUID[]::new)), r -> r.getObject(1, UUID.class)));
    }
}
