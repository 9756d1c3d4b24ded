package health.circles.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a community's traits become its name and summary: what stands out against the whole network, and only that. */
class CommunityNamesTest {

    private static final UUID CLINIC = UUID.fromString("00000000-0000-0000-0000-00000000c11c");

    private static CommunityNameStore.Trait trait(String category, String value, UUID ref, int inside, int overall) {
        return new CommunityNameStore.Trait(7, 0, 40, category, value, ref, inside, overall, 1000);
    }

    @Test
    void theMostOverRepresentedTraitsMakeTheNameInReadingOrder() {
        List<InsightViews.Trait> facts = CommunityNames.characterise(40, List.of(
                trait("LANGUAGE", "es", null, 30, 200),
                trait("POSTAL_CODE", "90020", null, 24, 40),
                trait("ORGANISATION", "Bayview Clinic", CLINIC, 16, 30)));
        assertEquals(3, facts.size());
        assertEquals("Bayview Clinic · 90020 · es", CommunityNames.compose(facts, 40));
        String summary = CommunityNames.summarise(facts, 40);
        assertTrue(summary.startsWith("40 members; "), summary);
        assertTrue(summary.contains("40% tied to Bayview Clinic (3% of the network)"), summary);
        assertTrue(summary.contains("75% speak es (20% of the network)"), summary);
        InsightViews.Trait clinic = facts.stream().filter(f -> f.category().equals("ORGANISATION")).findFirst()
                .orElseThrow();
        assertEquals(CLINIC.toString(), clinic.ref());
        assertEquals(13.333, clinic.lift(), 0.001);
    }

    @Test
    void whatIsAsCommonEverywhereOrSharedByTooFewNamesNothing() {
        List<InsightViews.Trait> facts = CommunityNames.characterise(40, List.of(
                trait("LANGUAGE", "en", null, 36, 850),       // 90% here, 85% everywhere: not characteristic
                trait("POSTAL_CODE", "90077", null, 2, 2),    // two people: would point at them
                trait("TAG", "diabetes", null, 5, 20)));      // 12.5% of the members: too few to characterise
        assertTrue(facts.isEmpty(), facts.toString());
        assertEquals("Mixed community of 40", CommunityNames.compose(facts, 40));
        assertTrue(CommunityNames.summarise(facts, 40).contains("nothing stands out"));
    }

    @Test
    void aKindNamesASmallCommunityAndAPostalCodeBeatsItsCity() {
        List<InsightViews.Trait> facts = CommunityNames.characterise(40, List.of(
                trait("KIND", "CAREGIVER", null, 28, 100),
                trait("CITY", "Eastside", null, 30, 120),
                trait("POSTAL_CODE", "90110", null, 30, 60)));
        assertEquals("90110 · Caregivers", CommunityNames.compose(facts, 40));
        assertFalse(facts.stream().anyMatch(f -> f.category().equals("CITY")));
    }

    @Test
    void equalNamesWithinALevelAreToldApartLargestFirst() {
        CommunityNames names = new CommunityNames(null, null, new ObjectMapper(), null, null);
        List<CommunityNameStore.Generated> out = names.generate(
                List.of(new long[] {1, 0, 10}, new long[] {2, 0, 30}, new long[] {3, 1, 10}), List.of());
        assertEquals("Mixed community of 30", out.stream().filter(g -> g.community() == 2).findFirst().orElseThrow().name());
        assertEquals("Mixed community of 10", out.stream().filter(g -> g.community() == 1).findFirst().orElseThrow().name());
        List<CommunityNameStore.Generated> same = names.generate(List.of(new long[] {1, 0, 10},
                new long[] {2, 0, 10}), List.of());
        assertEquals("Mixed community of 10", same.get(0).name());
        assertEquals("Mixed community of 10 (2)", same.get(1).name());
    }
}
