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
            SELECT to_id FROM tie
            WHERE type = ANY(?) AND assertion IN ('ASSERTED', 'CONFIRMED')
              AND from_id = ? AND to_id = ANY(?) AND (until IS NULL OR until > current_date)""";
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
