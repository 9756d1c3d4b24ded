package health.circles.synthetic;

import health.circles.contact.Channel;
import health.circles.contact.ConsentInput;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactKind;
import health.circles.network.TieType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A generator of synthetic health networks with planted communities, for the demo, the tests and the benchmarks.
 *
 * <p>Each community is a neighbourhood's health ecosystem: a clinic with its clinicians, a congregation and a
 * neighbourhood group (in larger communities), a few community leaders, and households of patients, caregivers and
 * family. Community sizes follow a power law (exponent 1.5), like LFR benchmark graphs. Structural ties come first
 * (household FAMILY_OF and CARES_FOR, WORKS_AT, LEADS, MEMBER_OF), then a Chung-Lu process adds ties with power-law
 * expected degrees (exponent 2.5; clinicians, leaders and organisations are hubs): each end is drawn in proportion to
 * its weight, outside its community with a probability chosen so that the fraction of all ties that cross communities
 * is the mixing parameter μ. A few bridging clinicians and community leaders cross far more often than the rest.
 *
 * <p>Output is streamed to a {@link Sink}: every contact first (in index order), then ties, each touchpoint right after
 * the tie it happened on. Memory is a few arrays per contact plus a set of the pairs already joined (one tie per
 * pair, never a self tie). The same spec gives the same output, record for record.
 */
public final class SyntheticNetwork {

    /** What to generate. {@code idPrefix} starts every external id, so that several networks can share a database. */
    public record Spec(int contacts, long ties, double mixing, long seed, int minCommunity, int maxCommunity,
                       double touchpointsPerTie, String idPrefix) {

        public Spec {
            if (contacts < 10) {
                throw new IllegalArgumentException("contacts must be at least 10");
            }
            if (mixing < 0 || mixing > 1) {
                throw new IllegalArgumentException("mixing must be within 0..1");
            }
            if (minCommunity < 5 || maxCommunity < minCommunity) {
                throw new IllegalArgumentException("community sizes must satisfy 5 <= min <= max");
            }
        }

        /** Sensible community sizes for the given number of contacts. */
        public static Spec of(int contacts, long ties, double mixing, long seed) {
            int max = Math.max(20, Math.min(1000, contacts / 10));
            int min = Math.max(10, Math.min(max / 4, 50));
            return new Spec(contacts, ties, mixing, seed, min, max, 0.1, "syn-");
        }

        public Spec withTouchpoints(double perTie) {
            return new Spec(contacts, ties, mixing, seed, minCommunity, maxCommunity, perTie, idPrefix);
        }

        public Spec withPrefix(String prefix) {
            return new Spec(contacts, ties, mixing, seed, minCommunity, maxCommunity, touchpointsPerTie, prefix);
        }
    }

    /** A generated contact with its planted community. */
    public record Contact(int index, String externalId, int community, ContactInput input) {
    }

    /** A generated tie; {@code from}/{@code to} are contact indexes, valid for {@code type} in that direction. */
    public record Tie(String externalId, int from, int to, String fromExternalId, String toExternalId, TieType type,
                      LocalDate since, double declaredStrength) {
    }

    /** A generated touchpoint between the two ends of a tie. */
    public record Touchpoint(String externalId, String channel, Instant occurredAt, String topic, String outcome,
                             List<String> participants) {
    }

    /** Receives the records as they are generated. */
    public interface Sink {
        void contact(Contact contact);

        void tie(Tie tie);

        default void touchpoint(Touchpoint touchpoint) {
        }
    }

    /** How much was generated. */
    public record Summary(int contacts, long ties, long crossingTies, long touchpoints, int communities) {

        public double measuredMixing() {
            return ties == 0 ? 0 : (double) crossingTies / ties;
        }
    }

    private static final List<String> GIVEN = List.of("Maria", "José", "Aisha", "John", "Mei", "Samuel", "Fatima",
            "Luis", "Grace", "Omar", "Ana", "David", "Nia", "Carlos", "Linh", "Peter", "Rosa", "Ahmed", "Ruth", "Kwame",
            "Sofia", "Daniel", "Amara", "Jorge", "Esther", "Tomás", "Hana", "Michael", "Yusuf", "Carmen");
    private static final List<String> FAMILY = List.of("Garcia", "Smith", "Nguyen", "Johnson", "Okafor", "Hernández",
            "Williams", "Chen", "Brown", "Mensah", "Lopez", "Davis", "Khan", "Martinez", "Tran", "Wilson", "Rodriguez",
            "Ali", "Thompson", "Diallo", "Rivera", "Clark", "Kim", "Moore", "Haddad");
    private static final List<String> PLACES = List.of("Riverside", "Eastside", "Northgate", "Harbor", "Greenfield",
            "Lakeside", "Hillcrest", "Westend", "Bayview", "Sunrise", "Maple", "Southside");
    private static final List<String> SPECIALTIES = List.of("family medicine", "cardiology", "pediatrics",
            "endocrinology", "obstetrics", "geriatrics", "psychiatry", "community health", "diabetes education");
    private static final List<String> TAGS = List.of("diabetes", "hypertension", "prenatal", "asthma", "vaccination",
            "food-insecurity", "caregiver-support", "mental-health", "screening", "volunteer", "faith-based", "youth",
            "seniors", "transport-needs");
    private static final List<String> LANGUAGES = List.of("en", "es", "vi", "zh", "ar", "fr", "pt");
    private static final LocalDate EPOCH = LocalDate.of(2010, 1, 1);
    private static final Instant REFERENCE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant CONSENT_AT = Instant.parse("2025-06-01T00:00:00Z");

    private static final ContactKind[] KINDS = ContactKind.values();
    private static final byte CLINIC = 1;
    private static final byte CONGREGATION = 2;
    private static final byte GROUP = 3;

    private final Spec spec;
    private final int n;
    private final SplittableRandom random;
    private final byte[] kind;
    private final byte[] org;          // CLINIC, CONGREGATION, GROUP for organisations, else 0
    private final boolean[] bridge;
    private final int[] community;
    private final int[] household;     // index of the household's first member; -1 outside households
    private final int[] clinicOf;      // per community: index of its clinic
    /** Per congregation: the households (first members) tied to it by MEMBER_OF. */
    private final java.util.Map<Integer, List<Integer>> congregants = new java.util.HashMap<>();
    private int[] start;               // per community: first index; start[c + 1] is one past its last
    private final double[] cumulative; // prefix sums of the Chung-Lu weights
    private final LongSet pairs;
    private int structuralCount;
    private int[] structural = new int[1024]; // (from, to, type ordinal) triples
    private long tieCount;
    private long crossing;
    private long touchpointCount;

    public SyntheticNetwork(Spec spec) {
        this.spec = spec;
        this.n = spec.contacts();
        this.random = new SplittableRandom(spec.seed());
        this.kind = new byte[n];
        this.org = new byte[n];
        this.bridge = new boolean[n];
        this.community = new int[n];
        this.household = new int[n];
        this.cumulative = new double[n + 1];
        plantCommunities();
        this.clinicOf = new int[communities()];
        assignRoles();
        this.pairs = new LongSet((int) Math.min(Integer.MAX_VALUE / 4, Math.max(spec.ties(), 16)));
    }

    public int communities() {
        return start.length - 1;
    }

    /** Generates everything into {@code sink}; call once per instance. */
    public Summary generate(Sink sink) {
        for (int i = 0; i < n; i++) {
            sink.contact(new Contact(i, contactId(i), community[i], contactInput(i)));
        }
        for (int s = 0; s < structuralCount; s++) {
            int from = structural[3 * s];
            int to = structural[3 * s + 1];
            if (pairs.add(pairKey(from, to))) {
                emit(sink, from, to, TieType.values()[structural[3 * s + 2]]);
            }
        }
        structural = null;
        chungLu(sink);
        return new Summary(n, tieCount, crossing, touchpointCount, communities());
    }

    /** The household of contact {@code index}: the index of its first member, or -1 outside households. */
    public int householdOf(int index) {
        return household[index];
    }

    /** The family name a household's members share. */
    public String familyOf(int householdIndex) {
        return FAMILY.get(householdIndex % FAMILY.size());
    }

    /** The kind of contact {@code index}. */
    public ContactKind kindOf(int index) {
        return KINDS[kind[index]];
    }

    /** Whether contact {@code index} is a community's congregation (an organisation). */
    public boolean isCongregation(int index) {
        return org[index] == CONGREGATION;
    }

    /** The households (their first members) a congregation's MEMBER_OF ties join to it. */
    public List<Integer> congregantsOf(int congregation) {
        return congregants.getOrDefault(congregation, List.of());
    }

    /** The first and one-past-last index of community {@code c}. */
    public int[] communityRange(int c) {
        return new int[]{start[c], start[c + 1]};
    }

    /** The index of community {@code c}'s clinic. */
    public int clinicOf(int c) {
        return clinicOf[c];
    }

    /** The planted community of contact {@code index}, without generating anything. */
    public int communityOf(int index) {
        return community[index];
    }

    public String contactId(int index) {
        return spec.idPrefix() + "c" + index;
    }

    // --- communities and roles -------------------------------------------------------------------------------

    private void plantCommunities() {
        int[] starts = new int[16];
        int count = 0;
        int at = 0;
        double lo = Math.pow(spec.minCommunity(), -0.5);
        double hi = Math.pow(spec.maxCommunity(), -0.5);
        while (at < n) {
            int size = (int) Math.round(Math.pow(lo + (hi - lo) * random.nextDouble(), -2.0));
            size = Math.max(spec.minCommunity(), Math.min(spec.maxCommunity(), size));
            if (n - at - size < spec.minCommunity()) {
                size = n - at; // the remainder joins the last community rather than forming a tiny one
            }
            if (count + 2 > starts.length) {
                starts = java.util.Arrays.copyOf(starts, starts.length * 2);
            }
            starts[count++] = at;
            for (int i = at; i < at + size; i++) {
                community[i] = count - 1;
            }
            at += size;
        }
        starts[count] = n;
        start = java.util.Arrays.copyOf(starts, count + 1);
    }

    private void assignRoles() {
        double[] weight = new double[n];
        for (int c = 0; c < communities(); c++) {
            int first = start[c];
            int end = start[c + 1];
            int size = end - first;
            int i = first;
            clinicOf[c] = i;
            setOrg(i++, CLINIC);
            int congregation = -1;
            int group = -1;
            if (size >= 30) {
                congregation = i;
                setOrg(i++, CONGREGATION);
            }
            if (size >= 60) {
                group = i;
                setOrg(i++, GROUP);
            }
            int clinicians = Math.max(1, (int) Math.round(size * 0.08));
            for (int k = 0; k < clinicians && i < end; k++, i++) {
                int roll = random.nextInt(100);
                kind[i] = (byte) (roll < 40 ? ContactKind.PHYSICIAN : roll < 85 ? ContactKind.NURSE
                        : ContactKind.OTHER_CLINICIAN).ordinal();
                household[i] = -1;
                bridge[i] = random.nextInt(20) == 0;
                structural(i, clinicOf[c], TieType.WORKS_AT);
            }
            int leaders = Math.max(1, (int) Math.round(size * 0.02));
            for (int k = 0; k < leaders && i < end; k++, i++) {
                kind[i] = (byte) ContactKind.COMMUNITY_LEADER.ordinal();
                household[i] = -1;
                bridge[i] = random.nextInt(10) == 0;
                structural(i, k % 2 == 1 && group >= 0 ? group : congregation >= 0 ? congregation : clinicOf[c],
                        TieType.LEADS);
            }
            while (i < end) {
                int members = Math.min(end - i, 1 + random.nextInt(4));
                for (int m = 0; m < members; m++) {
                    int at = i + m;
                    household[at] = i;
                    kind[at] = (byte) (m == 0 ? ContactKind.PATIENT : m == 1 && members > 2 ? ContactKind.CAREGIVER
                            : random.nextInt(3) == 0 ? ContactKind.PATIENT : ContactKind.FAMILY).ordinal();
                    for (int other = i; other < at; other++) {
                        boolean cares = KINDS[kind[at]] == ContactKind.CAREGIVER && KINDS[kind[other]] == ContactKind.PATIENT;
                        structural(cares ? at : other, cares ? other : at, cares ? TieType.CARES_FOR : TieType.FAMILY_OF);
                    }
                }
                if (congregation >= 0 && random.nextInt(10) < 3) {
                    structural(i, congregation, TieType.MEMBER_OF);
                    congregants.computeIfAbsent(congregation, k -> new java.util.ArrayList<>()).add(i);
                }
                if (group >= 0 && random.nextInt(10) < 2) {
                    structural(i, group, TieType.MEMBER_OF);
                }
                i += members;
            }
            for (int j = first; j < end; j++) {
                double w = Math.min(60, Math.pow(1 - random.nextDouble(), -1 / 1.5)); // Pareto, exponent 2.5
                ContactKind k = KINDS[kind[j]];
                if (k == ContactKind.ORGANIZATION) {
                    w *= 3;
                } else if (k.isClinician()) {
                    w *= 2;
                } else if (k == ContactKind.COMMUNITY_LEADER) {
                    w *= 3;
                }
                weight[j] = w;
            }
        }
        for (int j = 0; j < n; j++) {
            cumulative[j + 1] = cumulative[j] + weight[j];
        }
    }

    private void setOrg(int i, byte type) {
        kind[i] = (byte) ContactKind.ORGANIZATION.ordinal();
        org[i] = type;
        household[i] = -1;
    }

    private void structural(int from, int to, TieType type) {
        if (3 * structuralCount + 3 > structural.length) {
            structural = java.util.Arrays.copyOf(structural, structural.length * 2);
        }
        structural[3 * structuralCount] = from;
        structural[3 * structuralCount + 1] = to;
        structural[3 * structuralCount + 2] = type.ordinal();
        structuralCount++;
    }

    // --- Chung-Lu ties ---------------------------------------------------------------------------------------

    private void chungLu(Sink sink) {
        long budget = spec.ties() - tieCount;
        if (budget <= 0) {
            return;
        }
        double total = cumulative[n];
        // Structural ties never cross, so the drawn ones cross more often to bring the whole to μ.
        double crossShare = Math.min(1, (spec.mixing() * spec.ties() - crossing) / budget);
        double bridgeWeight = 0;
        for (int i = 0; i < n; i++) {
            if (bridge[i]) {
                bridgeWeight += weight(i);
            }
        }
        double bridgeShare = bridgeWeight / total;
        double bridgeCross = Math.min(1, Math.max(0.5, 3 * crossShare));
        double normalCross = bridgeShare >= 1 ? crossShare
                : Math.max(0, (crossShare - bridgeShare * bridgeCross) / (1 - bridgeShare));
        double carry = 0;
        for (int u = 0; u < n && tieCount < spec.ties(); u++) {
            double quota = budget * weight(u) / total + carry;
            int emit = (int) quota;
            carry = quota - emit;
            for (int e = 0; e < emit && tieCount < spec.ties(); e++) {
                drawTie(sink, u, bridge[u] ? bridgeCross : normalCross);
            }
        }
        // Pairs already taken leave the first pass a little short; top up from ends drawn by weight.
        for (long attempts = 0; tieCount < spec.ties() && attempts < 20 * spec.ties(); attempts++) {
            int u = draw(0, n);
            drawTie(sink, u, bridge[u] ? bridgeCross : normalCross);
        }
    }

    private void drawTie(Sink sink, int u, double cross) {
        boolean external = random.nextDouble() < cross && communities() > 1;
        for (int attempt = 0; attempt < 20; attempt++) {
            int v = external ? draw(0, n) : draw(start[community[u]], start[community[u] + 1]);
            if (v == u || external == (community[v] == community[u])) {
                continue;
            }
            if (tryTie(sink, u, v, external)) {
                return;
            }
        }
    }

    private double weight(int i) {
        return cumulative[i + 1] - cumulative[i];
    }

    /** A contact in [from, to) drawn in proportion to its weight. */
    private int draw(int from, int to) {
        double target = cumulative[from] + random.nextDouble() * (cumulative[to] - cumulative[from]);
        int lo = from;
        int hi = to - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid + 1] <= target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean tryTie(Sink sink, int u, int v, boolean external) {
        ContactKind a = KINDS[kind[u]];
        ContactKind b = KINDS[kind[v]];
        if (a == ContactKind.ORGANIZATION && b == ContactKind.ORGANIZATION) {
            return false;
        }
        if (b == ContactKind.ORGANIZATION || a == ContactKind.ORGANIZATION) {
            int person = a == ContactKind.ORGANIZATION ? v : u;
            int organisation = person == u ? v : u;
            ContactKind k = KINDS[kind[person]];
            TieType type = !external && k.isClinician() && org[organisation] == CLINIC ? TieType.WORKS_AT
                    : k == ContactKind.COMMUNITY_LEADER && !external ? TieType.LEADS : TieType.MEMBER_OF;
            return add(sink, person, organisation, type);
        }
        if (a.isClinician() && b == ContactKind.PATIENT) {
            return add(sink, u, v, TieType.TREATS);
        }
        if (b.isClinician() && a == ContactKind.PATIENT) {
            return add(sink, v, u, TieType.TREATS);
        }
        if (a.isClinician() && b.isClinician()) {
            return add(sink, u, v, external ? TieType.REFERS_TO : TieType.COLLEAGUE_OF);
        }
        int roll = random.nextInt(10);
        TieType type = external
                ? (roll < 7 ? TieType.FRIEND_OF : TieType.FOLLOWS_ONLINE)
                : (roll < 6 ? TieType.FRIEND_OF : TieType.NEIGHBOR_OF);
        return add(sink, u, v, type);
    }

    private boolean add(Sink sink, int from, int to, TieType type) {
        if (!pairs.add(pairKey(from, to))) {
            return false;
        }
        emit(sink, from, to, type);
        return true;
    }

    private long pairKey(int a, int b) {
        return (long) Math.min(a, b) * n + Math.max(a, b);
    }

    private void emit(Sink sink, int from, int to, TieType type) {
        tieCount++;
        if (community[from] != community[to]) {
            crossing++;
        }
        LocalDate since = EPOCH.plusDays(random.nextInt(5800));
        double declared = Math.round(strength(type) * 100) / 100.0;
        sink.tie(new Tie(spec.idPrefix() + "t" + tieCount, from, to, contactId(from), contactId(to), type, since,
                declared));
        if (spec.touchpointsPerTie() > 0 && random.nextDouble() < spec.touchpointsPerTie()
                && KINDS[kind[from]].isPerson() && KINDS[kind[to]].isPerson()) {
            touchpointCount++;
            String channel = channel(type);
            Instant when = REFERENCE.minusSeconds(60L * random.nextInt(60 * 24 * 730));
            sink.touchpoint(new Touchpoint(spec.idPrefix() + "p" + touchpointCount, channel, when,
                    topic(type), random.nextInt(4) == 0 ? "follow-up planned" : "done",
                    List.of(contactId(from), contactId(to))));
        }
    }

    private double strength(TieType type) {
        double jitter = random.nextDouble() * 0.2;
        return switch (type) {
            case FAMILY_OF, CARES_FOR, PARENT_OF, SPOUSE_OF, SIBLING_OF, GRANDPARENT_OF, GUARDIAN_OF,
                 EMERGENCY_CONTACT_FOR -> 0.75 + jitter;
            case LEADS, WORKS_AT -> 0.6 + jitter;
            case TREATS, COLLEAGUE_OF, REFERS_TO -> 0.4 + jitter;
            case FRIEND_OF -> 0.3 + 2 * jitter;
            case NEIGHBOR_OF, MEMBER_OF -> 0.2 + jitter;
            case FOLLOWS_ONLINE -> 0.05 + jitter / 2;
        };
    }

    private String channel(TieType type) {
        return switch (type) {
            case CARES_FOR -> "HOME_VISIT";
            case TREATS -> random.nextBoolean() ? "IN_PERSON" : random.nextBoolean() ? "PHONE" : "PORTAL";
            case FAMILY_OF -> random.nextBoolean() ? "PHONE" : "SMS";
            case COLLEAGUE_OF, REFERS_TO -> random.nextBoolean() ? "EMAIL" : "VIDEO";
            case FOLLOWS_ONLINE -> "SOCIAL";
            default -> random.nextBoolean() ? "IN_PERSON" : "EVENT";
        };
    }

    private static String topic(TieType type) {
        return switch (type) {
            case TREATS -> "check-up";
            case CARES_FOR -> "care visit";
            case REFERS_TO -> "referral";
            default -> "community";
        };
    }

    // --- contact records -------------------------------------------------------------------------------------

    private ContactInput contactInput(int i) {
        ContactKind k = KINDS[kind[i]];
        String place = PLACES.get(community[i] % PLACES.size());
        String postalCode = String.valueOf(90000 + community[i] % 10000);
        List<String> languages = random.nextInt(3) == 0
                ? List.of("en", pick(LANGUAGES)).stream().distinct().toList()
                : List.of(pick(LANGUAGES));
        List<String> tags = random.nextBoolean() ? List.of(pick(TAGS))
                : List.of(pick(TAGS), pick(TAGS)).stream().distinct().toList();
        Map<Channel, ConsentInput> consent = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            int roll = random.nextInt(10);
            if (roll < 6) {
                consent.put(channel, new ConsentInput(roll < 5 ? ConsentStatus.GRANTED : ConsentStatus.DENIED,
                        CONSENT_AT, "intake-form"));
            }
        }
        String phone = "+1 555 0" + (100 + random.nextInt(900)) + " " + (1000 + random.nextInt(9000));
        if (k == ContactKind.ORGANIZATION) {
            String name = place + " " + (org[i] == CLINIC ? "Community Clinic" : org[i] == CONGREGATION
                    ? "Congregation" : "Neighbourhood Group") + " " + (community[i] + 1);
            return new ContactInput(k, null, null, name, "org" + i + "@example.org", phone, postalCode, place,
                    languages, org[i] == CLINIC ? List.of(pick(SPECIALTIES)) : List.of(), tags, consent, false,
                    contactId(i));
        }
        String given = pick(GIVEN);
        String family = household[i] >= 0 ? FAMILY.get(household[i] % FAMILY.size()) : pick(FAMILY);
        String email = ascii(given + "." + family + "." + i).toLowerCase(Locale.ROOT) + "@example.org";
        return new ContactInput(k, given, family, null, email, phone, postalCode, place, languages,
                k.isClinician() ? List.of(pick(SPECIALTIES)) : List.of(), tags, consent, random.nextInt(40) == 0,
                contactId(i));
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String ascii(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("[^\\p{ASCII}]", "");
    }
}
