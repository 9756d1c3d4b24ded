package health.circles.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.circles.contact.ContactKind;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticNetworkTest {

    private static SyntheticNetwork.Spec spec(long seed, double mixing) {
        return SyntheticNetwork.Spec.of(3000, 15000, mixing, seed);
    }

    private static byte[] ndjson(SyntheticNetwork.Spec spec) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImportFiles.Ndjson sink = new ImportFiles.Ndjson(ImportFiles.mapper(), out)) {
            new SyntheticNetwork(spec).generate(sink);
        }
        return out.toByteArray();
    }

    /** Collects everything in memory, for assertions. */
    private static final class Collected implements SyntheticNetwork.Sink {
        final List<SyntheticNetwork.Contact> contacts = new ArrayList<>();
        final List<SyntheticNetwork.Tie> ties = new ArrayList<>();
        final List<SyntheticNetwork.Touchpoint> touchpoints = new ArrayList<>();

        @Override
        public void contact(SyntheticNetwork.Contact contact) {
            contacts.add(contact);
        }

        @Override
        public void tie(SyntheticNetwork.Tie tie) {
            ties.add(tie);
        }

        @Override
        public void touchpoint(SyntheticNetwork.Touchpoint touchpoint) {
            touchpoints.add(touchpoint);
        }
    }

    @Test
    void sameSeedGivesIdenticalOutputAndAnotherSeedDoesNot() throws Exception {
        byte[] first = ndjson(spec(7, 0.2));
        byte[] again = ndjson(spec(7, 0.2));
        byte[] other = ndjson(spec(8, 0.2));
        assertTrue(java.util.Arrays.equals(first, again));
        assertTrue(!java.util.Arrays.equals(first, other));
    }

    @Test
    void measuredMixingIsCloseToTheParameter() {
        for (double mu : new double[] {0.1, 0.3}) {
            Collected all = new Collected();
            SyntheticNetwork.Summary summary = new SyntheticNetwork(spec(3, mu)).generate(all);
            long crossing = all.ties.stream()
                    .filter(t -> all.contacts.get(t.from()).community() != all.contacts.get(t.to()).community()).count();
            double measured = (double) crossing / all.ties.size();
            assertEquals(mu, measured, 0.02, "mixing for μ=" + mu);
            assertEquals(measured, summary.measuredMixing(), 1e-9);
        }
    }

    @Test
    void communitiesHavePlantedSizesAndAClinicEach() {
        Collected all = new Collected();
        SyntheticNetwork.Spec spec = spec(5, 0.2);
        SyntheticNetwork.Summary summary = new SyntheticNetwork(spec).generate(all);
        Map<Integer, Integer> sizes = new HashMap<>();
        Map<Integer, Integer> clinics = new HashMap<>();
        all.contacts.forEach(c -> {
            sizes.merge(c.community(), 1, Integer::sum);
            if (c.input().kind() == ContactKind.ORGANIZATION && c.input().organizationName().contains("Clinic")) {
                clinics.merge(c.community(), 1, Integer::sum);
            }
        });
        assertEquals(summary.communities(), sizes.size());
        assertTrue(sizes.size() > 5, "several communities");
        sizes.values().forEach(size -> assertTrue(size >= spec.minCommunity() && size <= spec.maxCommunity() + spec.minCommunity(),
                "community size " + size));
        sizes.keySet().forEach(c -> assertEquals(1, clinics.get(c), "one clinic in community " + c));
        assertEquals(3000, all.contacts.size());
        assertEquals(15000, all.ties.size());
    }

    @Test
    void everyRecordIsValidForTheApis() {
        Collected all = new Collected();
        new SyntheticNetwork(spec(11, 0.25)).generate(all);
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        for (SyntheticNetwork.Contact c : all.contacts) {
            assertTrue(validator.validate(c.input()).isEmpty(), () -> c + " " + validator.validate(c.input()));
            assertTrue(c.input().shapeError().isEmpty(), c::toString);
        }
        Set<String> pairs = new HashSet<>();
        Set<ContactKind> kinds = new HashSet<>();
        for (SyntheticNetwork.Tie t : all.ties) {
            ContactKind from = all.contacts.get(t.from()).input().kind();
            ContactKind to = all.contacts.get(t.to()).input().kind();
            kinds.add(from);
            assertTrue(t.type().allows(from, to), () -> t + " " + from + "->" + to);
            assertTrue(t.from() != t.to(), "no self tie");
            assertTrue(pairs.add(Math.min(t.from(), t.to()) + "-" + Math.max(t.from(), t.to())), "no duplicate pair");
            assertTrue(t.declaredStrength() >= 0 && t.declaredStrength() <= 1);
        }
        assertTrue(kinds.size() >= 6, "ties start at most kinds: " + kinds);
        assertTrue(!all.touchpoints.isEmpty());
        all.touchpoints.forEach(tp -> assertEquals(2, tp.participants().size()));
    }
}
