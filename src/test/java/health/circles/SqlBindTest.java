package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link Sql#bind} of {@code UUID[]} against the real PostgreSQL: the array the server receives is the one given, in
 * order, nulls, duplicates and extreme ids included, the same as the driver's own array, and it types an
 * {@code = ANY(?)} as before.
 */
@QuarkusTest
@Anonymous
class SqlBindTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aUuidArrayReachesTheServerAsGiven() throws Exception {
        Random random = new Random(11);
        List<UUID[]> arrays = new ArrayList<>();
        arrays.add(new UUID[0]);
        arrays.add(new UUID[] {null});
        arrays.add(new UUID[] {new UUID(Long.MIN_VALUE, Long.MIN_VALUE), new UUID(-1L, -1L), new UUID(0, 0), null,
            new UUID(0, 0), new UUID(Long.MAX_VALUE, 1)});
        UUID[] many = new UUID[20_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = new UUID(random.nextLong(), random.nextLong());
        }
        arrays.add(many);
        try (Connection c = dataSource.getConnection()) {
            for (UUID[] ids : arrays) {
                List<UUID> back = Sql.query(c, "SELECT u FROM unnest(?) WITH ORDINALITY AS a(u, i) ORDER BY i",
                        List.of((Object) ids), r -> r.getObject(1) == null ? new UUID(7, 7) : r.getObject(1, UUID.class));
                List<UUID> expected = Arrays.stream(ids).map(id -> id == null ? new UUID(7, 7) : id).toList();
                assertEquals(expected, back, ids.length + " ids");
                List<Boolean> same = Sql.query(c, "SELECT ? IS NOT DISTINCT FROM ?::uuid[]",
                        List.of((Object) ids, c.createArrayOf("uuid", ids)), r -> r.getBoolean(1));
                assertEquals(List.of(true), same, "the same array as the driver's own, " + ids.length + " ids");
            }
            UUID wanted = many[123];
            List<UUID> found = Sql.query(c, "SELECT x FROM (VALUES (?::uuid), (?::uuid)) AS v(x) WHERE x = ANY(?)",
                    List.of(wanted, UUID.randomUUID(), (Object) many), r -> r.getObject(1, UUID.class));
            assertEquals(List.of(wanted), found);
            assertTrue(Sql.query(c, "SELECT pg_typeof(?)::text", List.of((Object) many), r -> r.getString(1))
                    .contains("uuid[]"));
        }
    }
}
