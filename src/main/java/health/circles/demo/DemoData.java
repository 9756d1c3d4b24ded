package health.circles.demo;

import health.circles.contact.Channel;
import health.circles.contact.ConsentInput;
import health.circles.contact.ConsentStatus;
import health.circles.contact.ContactInput;
import health.circles.contact.ContactKind;
import health.circles.contact.ContactService;
import health.circles.contact.Contacts;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jboss.logging.Logger;

/** Loads a reproducible demo population of every contact kind on the first start, through the normal write path. */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    private static final List<String> GIVEN = List.of("Maria", "José", "Aisha", "John", "Mei", "Samuel", "Fatima",
            "Luis", "Grace", "Omar", "Ana", "David", "Nia", "Carlos", "Linh", "Peter", "Rosa", "Ahmed", "Ruth", "Kwame",
            "Sofia", "Daniel", "Amara", "Jorge", "Esther", "Tomás", "Hana", "Michael", "Yusuf", "Carmen");
    private static final List<String> FAMILY = List.of("Garcia", "Smith", "Nguyen", "Johnson", "Okafor", "Hernández",
            "Williams", "Chen", "Brown", "Mensah", "Lopez", "Davis", "Khan", "Martinez", "Tran", "Wilson", "Rodriguez",
            "Ali", "Thompson", "Diallo", "Rivera", "Clark", "Kim", "Moore", "Haddad");
    private static final List<String> ORGANISATIONS = List.of("Eastside Community Clinic", "St. Mary's Parish",
            "Riverside Family Health Center", "Northgate Mosque", "Harbor Senior Center", "Greenfield Public Library",
            "Westend Neighborhood Association", "Unity Baptist Church", "Lakeside Pharmacy", "Hillcrest Food Bank",
            "Southside Youth League", "Central Valley Hospital", "Bayview Tenants Union", "Maple Street School",
            "Sunrise Home Care");
    private static final List<String> SPECIALTIES = List.of("family medicine", "cardiology", "pediatrics",
            "endocrinology", "obstetrics", "geriatrics", "psychiatry", "community health", "diabetes education",
            "oncology");
    private static final List<String> TAGS = List.of("diabetes", "hypertension", "prenatal", "asthma", "vaccination",
            "food-insecurity", "caregiver-support", "mental-health", "screening", "volunteer", "faith-based", "youth",
            "seniors", "transport-needs");
    private static final List<String> CITIES = List.of("Riverside", "Eastside", "Northgate", "Harbor", "Greenfield");
    private static final List<String> LANGUAGES = List.of("en", "es", "vi", "zh", "ar", "fr", "pt");

    private final DemoConfig config;
    private final ContactService contacts;
    private final Contacts store;

    DemoData(DemoConfig config, ContactService contacts, Contacts store) {
        this.config = config;
        this.contacts = contacts;
        this.store = store;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled() && isEmpty()) {
            long started = System.nanoTime();
            load();
            LOG.infof("Loaded %d demo contacts in %d ms (CIRCLES_DEMO_DATA=false turns this off)", config.contacts(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Transactional
    boolean isEmpty() {
        return store.count() == 0;
    }

    void load() {
        Random random = new Random(config.seed());
        for (int i = 0; i < config.contacts(); i++) {
            contacts.create(contact(random, i));
        }
    }

    static ContactInput contact(Random random, int i) {
        ContactKind kind = kind(random);
        int city = random.nextInt(CITIES.size());
        String postalCode = String.valueOf(90100 + city * 10 + random.nextInt(5));
        List<String> languages = random.nextInt(3) == 0
                ? List.of("en", pick(random, LANGUAGES))
                : List.of(pick(random, LANGUAGES));
        List<String> tags = random.nextBoolean() ? List.of(pick(random, TAGS)) : List.of(pick(random, TAGS), pick(random, TAGS));
        Map<Channel, ConsentInput> consent = new EnumMap<>(Channel.class);
        Instant asked = Instant.parse("2026-01-01T00:00:00Z").plus(random.nextInt(300), ChronoUnit.DAYS);
        for (Channel channel : Channel.values()) {
            int roll = random.nextInt(10);
            if (roll < 6) {
                consent.put(channel, new ConsentInput(roll < 5 ? ConsentStatus.GRANTED : ConsentStatus.DENIED, asked,
                        "intake-form"));
            }
        }
        if (kind == ContactKind.ORGANIZATION) {
            String name = ORGANISATIONS.get(i % ORGANISATIONS.size()) + (i < ORGANISATIONS.size() ? "" : " " + (i / ORGANISATIONS.size() + 1));
            return new ContactInput(kind, null, null, name, "info" + i + "@example.org", phone(random), postalCode,
                    CITIES.get(city), languages, List.of(pick(random, SPECIALTIES)), tags, consent, false, "demo-" + i);
        }
        String given = pick(random, GIVEN);
        String family = pick(random, FAMILY);
        List<String> specialties = kind.isClinician() ? List.of(pick(random, SPECIALTIES)) : List.of();
        String email = ascii(given + "." + family + i).toLowerCase(java.util.Locale.ROOT) + "@example.org";
        return new ContactInput(kind, given, family, null, email, phone(random), postalCode, CITIES.get(city), languages,
                specialties, tags, consent, random.nextInt(40) == 0, "demo-" + i);
    }

    private static ContactKind kind(Random random) {
        int roll = random.nextInt(100);
        if (roll < 40) {
            return ContactKind.PATIENT;
        } else if (roll < 52) {
            return ContactKind.CAREGIVER;
        } else if (roll < 62) {
            return ContactKind.FAMILY;
        } else if (roll < 72) {
            return ContactKind.PHYSICIAN;
        } else if (roll < 82) {
            return ContactKind.NURSE;
        } else if (roll < 87) {
            return ContactKind.OTHER_CLINICIAN;
        } else if (roll < 94) {
            return ContactKind.COMMUNITY_LEADER;
        }
        return ContactKind.ORGANIZATION;
    }

    private static String phone(Random random) {
        return "+1 555 0" + (100 + random.nextInt(900)) + " " + (1000 + random.nextInt(9000));
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String ascii(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD).replaceAll("[^\\p{ASCII}]", "");
    }
}
