package health.circles.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A reproducible, varied population of contacts: skewed name frequencies (a few common family names, a long tail),
 * several languages and scripts of origin, clinicians with specialties, organisations, tags, postal codes in clusters
 * and per-channel consent.
 */
final class People {

    static final String[] KINDS = {"PATIENT", "CAREGIVER", "FAMILY", "PHYSICIAN", "NURSE", "OTHER_CLINICIAN",
            "COMMUNITY_LEADER", "ORGANIZATION"};
    private static final int[] KIND_WEIGHTS = {40, 12, 15, 8, 8, 5, 5, 7};

    static final String[] GIVEN = ("John Mary James Patricia Robert Jennifer Michael Linda William Elizabeth David "
            + "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew "
            + "Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle "
            + "Kenneth Dorothy Kevin Carol Brian Amanda George Melissa Edward Deborah Maria José Juan Luis Carlos Ana "
            + "Rosa Carmen Jorge Miguel Sofia Lucía Alejandro Valentina Diego Camila Javier Isabel Pedro Guadalupe "
            + "Tomás Inés Aisha Fatima Omar Ahmed Yusuf Mariam Hassan Layla Ali Zainab Ibrahim Khadija Mustafa Noor "
            + "Mei Wei Li Jing Hui Xin Hao Yan Linh Minh Anh Thanh Huong Duc Tuan Trang Kwame Amara Nia Kofi Ama "
            + "Chidi Ngozi Oluwaseun Abena Yaw Esther Ruth Grace Samuel Hana Sanjay Priya Ravi Anjali Arjun Deepa "
            + "Vikram Kavya Olga Ivan Dmitri Natalia Sergei Anya Pierre Marie Jean Claire Luc Amélie Giulia Marco "
            + "Francesca Luca Chiara Sean Siobhan Niamh Ciaran Kenji Yuki Haruto Sakura Jin Min-jun Seo-yeon Ji-woo")
            .split(" ");
    static final String[] FAMILY = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez "
            + "Hernández Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
            + "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
            + "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans "
            + "Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez "
            + "Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks "
            + "Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long "
            + "Ross Foster Jimenez Tran Pham Le Hoang Vu Dang Bui Do Chen Wang Zhang Liu Yang Huang Zhao Wu Zhou Xu "
            + "Khan Ali Hussain Ahmed Rahman Haddad Nasser Farah Hassan Mahmoud Okafor Mensah Diallo Okonkwo Adeyemi "
            + "Boateng Asante Mwangi Otieno Kamau Singh Sharma Gupta Kumar Reddy Iyer Nair Ivanov Petrov Smirnov "
            + "Kowalski Nowak Novak Horvat Müller Schmidt Schneider Fischer Weber Dubois Lefèvre Moreau Laurent "
            + "Rossi Russo Bianchi Romano Colombo O'Brien O'Connor Byrne Murray Sato Suzuki Takahashi Tanaka Park "
            + "Choi Jung Kang Cho Yoon Jang Lim Silva Santos Oliveira Souza Costa Pereira Almeida Ferreira")
            .split(" ");
    private static final String[] PLACES = ("Riverside Eastside Northgate Harbor Greenfield Westend Lakeside "
            + "Hillcrest Southside Bayview Maple Oakwood Cedar Pinecrest Fairview Brookside Sunrise Meadowbrook "
            + "Kingsway Ashford Millbrook Stonebridge Willow Highland Valley Summit Parkside Elmwood Clearwater "
            + "Redwood").split(" ");
    private static final String[] ORG_TYPES = {"Community Clinic", "Family Health Center", "Senior Center",
            "Public Library", "Neighborhood Association", "Baptist Church", "Parish", "Mosque", "Pharmacy",
            "Food Bank", "Youth League", "Hospital", "Tenants Union", "Elementary School", "Home Care",
            "Dialysis Center", "Women's Shelter", "Recovery Center", "Temple", "Cultural Association"};
    private static final String[] SPECIALTIES = {"family medicine", "internal medicine", "cardiology", "pediatrics",
            "endocrinology", "obstetrics", "gynecology", "geriatrics", "psychiatry", "psychology", "community health",
            "diabetes education", "oncology", "nephrology", "pulmonology", "neurology", "dermatology",
            "infectious disease", "nutrition", "physical therapy", "occupational therapy", "social work",
            "palliative care", "emergency medicine", "ophthalmology"};
    private static final String[] TAGS = {"diabetes", "hypertension", "prenatal", "postpartum", "asthma", "copd",
            "vaccination", "food-insecurity", "housing-insecure", "caregiver-support", "mental-health", "screening",
            "volunteer", "faith-based", "youth", "seniors", "transport-needs", "dementia", "heart-failure", "ckd",
            "smoking-cessation", "obesity", "hiv", "hepatitis-c", "substance-use", "disability", "veteran",
            "refugee", "low-literacy", "interpreter-needed"};
    private static final String[] LANGUAGES = {"en", "es", "vi", "zh", "ar", "fr", "pt", "pt-BR", "tl", "ko", "ru",
            "ht", "so", "am", "hi", "pl"};
    private static final int[] LANGUAGE_WEIGHTS = {55, 20, 4, 4, 3, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1};
    private static final String[] CHANNELS = {"EMAIL", "SMS", "PHONE", "MAIL", "IN_PERSON"};
    private static final String[] SOURCES = {"intake-form", "phone-call", "portal", "community-event", "import"};

    /** What the benchmark needs to remember of a created contact to query it back. */
    record Person(String kind, String given, String family, String organization, String json) {

        /** The words a user would type to find this contact. */
        String name() {
            return organization != null ? organization : given + " " + family;
        }
    }

    private People() {
    }

    static Person person(Random r, int i) {
        String kind = KINDS[weighted(r, KIND_WEIGHTS)];
        int postal = 10000 + skewed(r, 400) * 211 % 89000; // 400 postal codes, a few dense ones
        String postalCode = String.format("%05d", postal);
        String city = PLACES[postal % PLACES.length];
        StringBuilder b = new StringBuilder("{\"kind\":\"").append(kind).append('"');
        String given = null;
        String family = null;
        String organization = null;
        if (kind.equals("ORGANIZATION")) {
            organization = PLACES[r.nextInt(PLACES.length)] + " " + ORG_TYPES[r.nextInt(ORG_TYPES.length)]
                    + (r.nextInt(4) == 0 ? " " + (1 + r.nextInt(20)) : "");
            b.append(",\"organizationName\":").append(Api.json(organization));
            b.append(",\"email\":\"contact").append(i).append("@org").append(i % 997).append(".example.org\"");
        } else {
            given = GIVEN[skewed(r, GIVEN.length)];
            family = FAMILY[skewed(r, FAMILY.length)];
            if (r.nextInt(10) == 0) {
                family = family + "-" + FAMILY[r.nextInt(FAMILY.length)]; // double-barrelled
            }
            b.append(",\"givenName\":").append(Api.json(given)).append(",\"familyName\":").append(Api.json(family));
            if (r.nextInt(5) != 0) {
                b.append(",\"email\":\"p").append(i).append(".").append(i % 7919).append("@mail.example.org\"");
            }
        }
        if (r.nextInt(4) != 0) {
            b.append(",\"phone\":\"+1 555 ").append(String.format("%03d %04d", r.nextInt(1000), r.nextInt(10000)))
                    .append('"');
        }
        b.append(",\"postalCode\":\"").append(postalCode).append("\",\"city\":").append(Api.json(city));
        List<String> languages = new ArrayList<>();
        languages.add(LANGUAGES[weighted(r, LANGUAGE_WEIGHTS)]);
        if (r.nextInt(3) == 0) {
            String second = r.nextBoolean() ? "en" : LANGUAGES[weighted(r, LANGUAGE_WEIGHTS)];
            if (!languages.contains(second)) {
                languages.add(second);
            }
        }
        b.append(",\"languages\":").append(array(languages));
        boolean clinician = kind.equals("PHYSICIAN") || kind.equals("NURSE") || kind.equals("OTHER_CLINICIAN");
        if (clinician || kind.equals("ORGANIZATION")) {
            List<String> specialties = new ArrayList<>();
            int n = 1 + r.nextInt(clinician ? 2 : 3);
            while (specialties.size() < n) {
                String s = SPECIALTIES[skewed(r, SPECIALTIES.length)];
                if (!specialties.contains(s)) {
                    specialties.add(s);
                }
            }
            b.append(",\"specialties\":").append(array(specialties));
        }
        List<String> tags = new ArrayList<>();
        int tagCount = r.nextInt(4);
        while (tags.size() < tagCount) {
            String t = TAGS[skewed(r, TAGS.length)];
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        b.append(",\"tags\":").append(array(tags));
        b.append(",\"consent\":{");
        boolean first = true;
        int day = 1 + r.nextInt(28);
        int month = 1 + r.nextInt(10);
        for (String channel : CHANNELS) {
            int roll = r.nextInt(10);
            if (roll < 6) {
                b.append(first ? "" : ",").append('"').append(channel).append("\":{\"status\":\"")
                        .append(roll < 4 ? "GRANTED" : roll < 5 ? "DENIED" : "UNKNOWN")
                        .append(String.format("\",\"at\":\"2026-%02d-%02dT10:00:00Z\",\"source\":\"", month, day))
                        .append(SOURCES[r.nextInt(SOURCES.length)]).append("\"}");
                first = false;
            }
        }
        b.append('}');
        if (r.nextInt(50) == 0) {
            b.append(",\"doNotContact\":true");
        }
        if (r.nextBoolean()) {
            b.append(",\"externalId\":\"ehr-").append(i).append('"');
        }
        b.append('}');
        return new Person(kind, given, family, organization, b.toString());
    }

    /**
     * The name with a typing mistake in every word of four letters or more: two neighbouring letters swapped, a
     * letter dropped or doubled, or a neighbouring key hit instead ("John Smith" becomes "Jhon Smiht").
     */
    static String misspelt(String name, Random r) {
        StringBuilder out = new StringBuilder();
        for (String word : name.split(" ")) {
            if (out.length() > 0) {
                out.append(' ');
            }
            if (word.length() < 4) {
                out.append(word);
                continue;
            }
            char[] c = word.toCharArray();
            int at = 1 + r.nextInt(c.length - 2); // keep the first letter, as people mostly do
            switch (r.nextInt(4)) {
                case 0 -> {
                    char t = c[at];
                    c[at] = c[at + 1];
                    c[at + 1] = t;
                    out.append(c);
                }
                case 1 -> out.append(word, 0, at).append(word.substring(at + 1));
                case 2 -> out.append(word, 0, at + 1).append(word.substring(at));
                default -> {
                    c[at] = neighbourKey(c[at]);
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static char neighbourKey(char c) {
        String rows = "qwertyuiop asdfghjkl zxcvbnm";
        int at = rows.indexOf(Character.toLowerCase(c));
        if (at < 0) {
            return c;
        }
        int n = at + 1 < rows.length() && rows.charAt(at + 1) != ' ' ? at + 1 : at - 1;
        return rows.charAt(n);
    }

    /** Skewed: index 0 is the most frequent (about 3 % of 150 names), the tail is long. */
    static int skewed(Random r, int n) {
        return Math.min(n - 1, (int) (n * Math.pow(r.nextDouble(), 1.5)));
    }

    private static int weighted(Random r, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int roll = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            roll -= weights[i];
            if (roll < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static String array(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            b.append(b.length() > 1 ? "," : "").append(Api.json(v));
        }
        return b.append(']').toString();
    }
}
