package health.circles.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.circles.failure.InvalidInput;
import health.circles.failure.NotFound;
import health.circles.failure.StaleVersion;
import health.circles.security.Callers;
import health.circles.sync.BackgroundWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Names communities for people who think in clinics, neighbourhoods and languages rather than numbers: each community
 * of a run is named after what is most over-represented in it against the whole network (the organisation or group
 * its members are tied to, a postal code or city, a language, a kind of contact, a shared tag), with the same facts as
 * a summary line. Staff may rename a community; their name follows its stable id from run to run.
 */
@ApplicationScoped
public class CommunityNames {

    private static final Logger LOG = Logger.getLogger(CommunityNames.class);

    /** Fewer members than this never make a place, language, tag, organisation or group part of a name. */
    static final int MIN_SHARED = 3;
    /** A trait must hold for at least this share of the members to characterise the community. */
    static final double MIN_SHARE = 0.25;
    /** ... and be this many times as common inside as in the whole network. */
    static final double MIN_LIFT = 1.5;
    static final int MAX_NAME = 80;

    /** Categories in the order a name reads: who they are tied to, where, which language, what kind, which tag. */
    enum Category {
        ORGANISATION, GROUP, POSTAL_CODE, CITY, LANGUAGE, KIND, TAG
    }

    private final CommunityNameStore store;
    private final Callers callers;
    private final ObjectMapper json;
    private final BackgroundWork background;
    private final Event<InsightCache.Changed> changed;
    /** Runs this replica is naming in the background, so that a burst of reads starts one naming, not one each. */
    private final Set<UUID> naming = ConcurrentHashMap.newKeySet();

    CommunityNames(CommunityNameStore store, Callers callers, ObjectMapper json, BackgroundWork background,
                   Event<InsightCache.Changed> changed) {
        this.store = store;
        this.callers = callers;
        this.json = json;
        this.background = background;
        this.changed = changed;
    }

    /** A community's name as the API shows it. */
    record Name(long community, String name, String generatedName, String summary, List<InsightViews.Trait> traits,
                boolean renamed, long version) {
    }

    /**
     * Names the run's communities unless already done: the hook to call once a run has committed, and what every
     * read of names calls first. One naming at a time (an advisory lock), in a transaction of its own.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void name(UUID run) {
        if (store.named(run)) {
            return;
        }
        store.lockNaming();
        if (store.named(run)) {
            return;
        }
        store.saveGenerated(run, generate(store.communities(run), store.traits(run)));
        changed.fire(new InsightCache.Changed("communities named")); // cached answers drop their names once committed
    }

    /**
     * For reads, which never wait on naming: whether the run's communities are named. When they are not (the runner
     * is naming them right now, or its naming failed, or an erasure took a name apart), the read shows the names
     * stored so far (a community keeps its stable id, and so its name, from run to run; a new one has none yet) and
     * naming is started in the background unless this replica already is naming the run.
     */
    boolean namedOrStart(UUID run) {
        if (store.named(run)) {
            return true;
        }
        if (naming.add(run)) {
            try {
                background.execute(() -> {
                    try {
                        name(run);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "Naming the communities of run %s failed; a later read tries again", run);
                    } finally {
                        naming.remove(run);
                    }
                });
            } catch (RuntimeException e) { // the executor refuses work while the service stops
                naming.remove(run);
            }
        }
        return false;
    }

    /** {@link #name(UUID)} for the analytics runner once a run has succeeded: a failure is logged, never thrown. */
    public void afterRun(UUID run) {
        try {
            name(run);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Naming the communities of run %s failed; they are named on the next read", run);
        }
    }

    /**
     * Prunes names with the snapshots ({@code keep}: how many latest successful runs keep theirs): generated names of
     * communities no kept run has go, names staff chose stay. One transaction, under the naming lock.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void prune(int keep) {
        int gone = store.prune(keep);
        if (gone > 0) {
            LOG.debugf("Pruned the generated names of %d communities no kept run has", gone);
        }
    }

    /** The names of communities by id (call {@link #name(UUID)} for their run first); one never named is absent. */
    Map<Long, Name> of(List<Long> ids) {
        Map<Long, Name> out = new HashMap<>();
        store.byIds(ids).forEach((id, s) -> out.put(id, view(s)));
        return out;
    }

    /** The name of one community, or a 404. */
    Name one(long id) {
        Name n = of(List.of(id)).get(id);
        if (n == null) {
            throw new NotFound("Community", id);
        }
        return n;
    }

    /**
     * Sets the name staff chose for a community of the latest run, or with {@code name} null or blank goes back to the
     * generated one. {@code expected}: the version read (its ETag).
     */
    @Transactional
    public Name rename(long community, long expected, String name) {
        String chosen = name == null ? null : name.strip().replaceAll("\\s+", " ");
        if (chosen != null && chosen.isEmpty()) {
            chosen = null;
        }
        if (chosen != null && chosen.length() > MAX_NAME) {
            throw InvalidInput.field("name", "must be at most " + MAX_NAME + " characters");
        }
        if (chosen != null && chosen.codePoints().anyMatch(Character::isISOControl)) {
            throw InvalidInput.field("name", "must not hold control characters");
        }
        CommunityNameStore.Stored current = store.forUpdate(community)
                .orElseThrow(() -> new NotFound("Community", community));
        if (current.version() != expected) {
            throw new StaleVersion("Stale version", "Community " + community + " has name version "
                    + current.version() + ", not " + expected + "; read it again and retry");
        }
        store.rename(community, chosen, callers.current().subject());
        changed.fire(new InsightCache.Changed("community renamed"));
        return view(store.forUpdate(community).orElseThrow());
    }

    private Name view(CommunityNameStore.Stored s) {
        List<InsightViews.Trait> traits;
        try {
            traits = json.readValue(s.facts(), new TypeReference<List<InsightViews.Trait>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Name(s.community(), s.name(), s.generatedName(), s.summary(), traits, s.customName() != null,
                s.version());
    }

    // ---- Generating ----------------------------------------------------------------------------------------------

    /** The names of a run's communities from their traits; equal names within a level are told apart by size. */
    List<CommunityNameStore.Generated> generate(List<long[]> communities, List<CommunityNameStore.Trait> traits) {
        Map<Long, List<CommunityNameStore.Trait>> byCommunity = traits.stream()
                .collect(Collectors.groupingBy(CommunityNameStore.Trait::community));
        record Draft(long id, int level, int size, String name, String summary, List<InsightViews.Trait> facts) {
        }
        List<Draft> drafts = new ArrayList<>();
        for (long[] c : communities) {
            long id = c[0];
            int level = (int) c[1];
            int size = (int) c[2];
            List<InsightViews.Trait> facts = characterise(size, byCommunity.getOrDefault(id, List.of()));
            drafts.add(new Draft(id, level, size, compose(facts, size), summarise(facts, size), facts));
        }
        // Within a level, the largest keeps a shared name and the others take an ordinal.
        Map<String, Integer> seen = new HashMap<>();
        drafts.sort(Comparator.comparingInt(Draft::level).thenComparing(Draft::size, Comparator.reverseOrder())
                .thenComparingLong(Draft::id));
        List<CommunityNameStore.Generated> out = new ArrayList<>();
        for (Draft d : drafts) {
            int n = seen.merge(d.level() + "\u0000" + d.name(), 1, Integer::sum);
            String name = n == 1 ? d.name() : d.name() + " (" + n + ")";
            try {
                out.add(new CommunityNameStore.Generated(d.id(), d.level(), name, d.summary(),
                        json.writeValueAsString(d.facts())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * The traits that characterise a community, most telling first: per category the best value, if it is shared by
     * enough members (at least {@link #MIN_SHARED}, and {@link #MIN_SHARE} of them) and over-represented (lift at
     * least {@link #MIN_LIFT}). Kinds need no minimum count (a kind names no one) but must be most of a small
     * community.
     */
    static List<InsightViews.Trait> characterise(int size, List<CommunityNameStore.Trait> traits) {
        Map<Category, InsightViews.Trait> best = new LinkedHashMap<>();
        Map<Category, Double> scores = new HashMap<>();
        for (CommunityNameStore.Trait t : traits) {
            Category category = Category.valueOf(t.category());
            double share = t.inside() / (double) size;
            double networkShare = t.overall() / (double) Math.max(1, t.contacts());
            double lift = networkShare == 0 ? 0 : share / networkShare;
            boolean enough = category == Category.KIND ? share >= 0.5 : t.inside() >= MIN_SHARED && share >= MIN_SHARE;
            if (!enough || lift < MIN_LIFT) {
                continue;
            }
            double score = share * Math.log(lift);
            if (score > scores.getOrDefault(category, -1.0)) {
                scores.put(category, score);
                best.put(category, new InsightViews.Trait(category.name(), t.value(),
                        t.ref() == null ? null : t.ref().toString(), t.inside(), round(share), round(networkShare),
                        round(lift)));
            }
        }
        // A postal code says more than its city: keep one place.
        if (best.containsKey(Category.POSTAL_CODE) && best.containsKey(Category.CITY)) {
            best.remove(scores.get(Category.POSTAL_CODE) >= scores.get(Category.CITY) * 0.8
                    ? Category.CITY : Category.POSTAL_CODE);
        }
        // An organisation and a group both: the stronger first, both kept for the summary.
        List<InsightViews.Trait> out = new ArrayList<>(best.values());
        out.sort(Comparator.comparingDouble((InsightViews.Trait t) -> scores.get(Category.valueOf(t.category())))
                .reversed());
        return out;
    }

    /** Up to three traits, in reading order (tie, place, language, kind, tag), joined by a middle dot. */
    static String compose(List<InsightViews.Trait> facts, int size) {
        if (facts.isEmpty()) {
            return "Mixed community of " + size;
        }
        List<InsightViews.Trait> chosen = new ArrayList<>(facts.subList(0, Math.min(3, facts.size())));
        chosen.sort(Comparator.comparingInt(t -> Category.valueOf(t.category()).ordinal()));
        String name = chosen.stream().map(CommunityNames::word).collect(Collectors.joining(" · "));
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1).strip() + "…";
    }

    /** The same facts in a sentence: "34 members; 41% tied to Bayview Clinic (3% of the network); …". */
    static String summarise(List<InsightViews.Trait> facts, int size) {
        StringBuilder s = new StringBuilder().append(size).append(size == 1 ? " member" : " members");
        if (facts.isEmpty()) {
            s.append("; nothing stands out against the whole network");
        }
        for (InsightViews.Trait t : facts) {
            String what = switch (Category.valueOf(t.category())) {
                case ORGANISATION -> "tied to " + t.value();
                case GROUP -> "in " + t.value();
                case POSTAL_CODE -> "in postal code " + t.value();
                case CITY -> "in " + t.value();
                case LANGUAGE -> "speak " + t.value();
                case KIND -> plural(t.value());
                case TAG -> "tagged " + t.value();
            };
            s.append("; ").append(percent(t.share())).append(' ').append(what).append(" (")
                    .append(percent(t.networkShare())).append(" of the network)");
        }
        return s.toString();
    }

    private static String word(InsightViews.Trait t) {
        return switch (Category.valueOf(t.category())) {
            case KIND -> capitalise(plural(t.value()));
            case TAG -> "#" + t.value();
            default -> t.value();
        };
    }

    static String plural(String kind) {
        String k = kind.toLowerCase(Locale.ROOT).replace('_', ' ');
        return switch (kind) {
            case "FAMILY" -> "family members";
            case "OTHER_CLINICIAN" -> "other clinicians";
            case "COMMUNITY_LEADER" -> "community leaders";
            default -> k + "s";
        };
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + "%";
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
