package health.circles.contact;

import health.circles.Sql;
import health.circles.failure.InvalidInput;
import health.circles.web.Cursor;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The contact store: Panache for single records, SQL for search and keyset listings, and the row lock writers take.
 * The typo-tolerance lexicon (search_lexicon) is kept by the contact table's triggers (V8, V44).
 */
@ApplicationScoped
public class ContactStore implements PanacheRepositoryBase<Contact, UUID> {

    /**
     * A contact found by a search, read whole (its consent too), with the key it sorted by (a name or a relevance
     * score), for the next cursor.
     */
    public record Hit(Contact contact, String key) {

        public UUID id() {
            return contact.id;
        }
    }

    // Every template below goes through String.formatted, hence "%%" for pg_trgm's similarity operator.
    // Each query word becomes "word | completion_1 | ... | close_1 | close_2 ...". Completions are the lexicon's words
    // that start with the word, read from its prefix index (V47); when there are more than 32 the word stays a prefix
    // match, "word:*". Exact words cost the search index a fraction of a prefix match: "'natalia':* & 'johnson':*"
    // merges every hit of each prefix into a bitmap first (0.33 ms at 100k contacts), "'natalia' & 'johnson'" walks
    // the rarer word's hits and skips through the other's (0.04 ms; bench/RESULTS.md, thirtieth session). The word as
    // typed is always among the terms, so a whole word matches whatever the lexicon holds. Completions and close words
    // come from the lexicon, which holds every word of every contact's search document (V8's trigger), with one gap
    // the close words always had: a deletion of a word's last holder (V44) that commits while a new holder is being
    // inserted takes the word out, and its completions and close words are missing until a contact holding it is
    // written again.
    // The close words are the lexicon's words one typing mistake away: within one edit (two for words of eight letters
    // or more) among the words with the same first letter, or the word with two neighbouring letters swapped (one
    // mistake, which levenshtein counts as two edits), both read from the slice of index search_lexicon_head with the
    // word's first or second letter and a length within the bound; and words within a few edits that sound alike
    // (soundex) or are trigram-similar. Words are ANDed. The close words are not capped by count, and a word with more
    // than 32 completions matches them all as a prefix: the lexicon loses only words no contact holds (V44), which
    // match nobody, so a word that matched a contact keeps matching it while others are added, which keeps cursor
    // paging stable; the edit bounds keep the list short.
    private static final String TEXT_MATCH = """
            WITH word AS (
                SELECT w, i, length(w) AS n, CASE WHEN length(w) >= 8 THEN 2 ELSE 1 END AS edits,
                       greatest(2, length(w) / 4) AS far,
                       (SELECT CASE WHEN count(*) <= 32
                                    THEN coalesce(string_agg(' | ' || quote_literal(p.word), '' ORDER BY p.word)
                                                  FILTER (WHERE p.word <> w), '') END
                        FROM (SELECT l.word FROM search_lexicon l WHERE l.word ^@ w LIMIT 33) p) AS completions,
                       ARRAY(SELECT overlay(w PLACING substr(w, p + 1, 1) || substr(w, p, 1) FROM p FOR 2)
                             FROM generate_series(1, length(w) - 1) AS p) AS swapped
                FROM unnest(?::text[]) WITH ORDINALITY AS u(w, i)
            ), alternative AS (
                SELECT word.i, word.w, quote_literal(word.w) || coalesce(word.completions, ':*') || coalesce((
                    SELECT string_agg(' | ' || quote_literal(candidate.word), '' ORDER BY candidate.word)
                    FROM (
                        SELECT l.word FROM search_lexicon l
                        WHERE left(l.word, 1) = ANY(ARRAY[left(word.w, 1), substr(word.w, 2, 1)])
                          AND length(l.word) BETWEEN word.n - word.edits AND word.n + word.edits
                          AND ((left(l.word, 1) = left(word.w, 1)
                                AND levenshtein_less_equal(l.word, word.w, word.edits) <= word.edits)
                               OR l.word = ANY(word.swapped))
                        UNION
                        SELECT l.word FROM search_lexicon l
                        WHERE l.sound = soundex(word.w) AND levenshtein(l.word, word.w) <= word.far
                        UNION
                        SELECT l.word FROM search_lexicon l
                        WHERE length(l.word) BETWEEN word.n - word.far AND word.n + word.far
                          AND l.word %% word.w AND levenshtein(l.word, word.w) <= word.far
                    ) candidate
                    WHERE word.n >= 3 AND candidate.word <> word.w), '') AS expr
                FROM word
            ), query AS (
                SELECT to_tsquery('simple', string_agg('(' || expr || ')', ' & ' ORDER BY i)) AS tsq,
                       to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' | ' ORDER BY i)) AS typed
                FROM alternative
            )
            """;

    // The score depends only on the contact and the words typed, never on the lexicon (whose alternatives change the
    // weights ts_rank gives), so a contact keeps its place in a relevance listing while others are added.
    // Each hit's row is the contact's columns, its consent (a subquery the planner evaluates only for the rows the
    // LIMIT keeps) and its sort key: one statement, one round trip.
    private static final String BY_RELEVANCE = TEXT_MATCH + """
            SELECT %1$s, %4$s, c.score FROM (
                SELECT %1$s,
                       round((ts_rank(c.search_doc, query.typed) + similarity(c.display_name, ?))::numeric, 6) AS score
                FROM contact c CROSS JOIN query
                WHERE c.search_doc @@ query.tsq %2$s
            ) c
            WHERE %3$s
            ORDER BY c.score DESC, c.id
            LIMIT ?
            """;

    private static final String TEXT_BY_NAME = TEXT_MATCH + """
            SELECT %1$s, %4$s, c.sort_name FROM contact c CROSS JOIN query
            WHERE c.search_doc @@ query.tsq %2$s %3$s
            ORDER BY c.sort_name, c.id
            LIMIT ?
            """;

    private static final String BY_NAME = """
            SELECT %1$s, %4$s, c.sort_name FROM contact c
            WHERE true %2$s %3$s
            ORDER BY c.sort_name, c.id
            LIMIT ?
            """;

    /** The contact's columns as {@link ContactBulkStore#contact} reads them, each from table alias c. */
    private static final String HIT_COLUMNS = ContactBulkStore.ALIASED_COLUMNS;

    /** The column of a hit's row that holds its sort key, after the contact's and its consent. */
    private static final int KEY_COLUMN = ContactBulkStore.CONSENT_COLUMN_INDEX + 1;

    private static final String BY_IDS =
            "SELECT " + HIT_COLUMNS + ", " + ContactBulkStore.CONSENT_COLUMN + " FROM contact c WHERE c.id = ANY(?)";

    private static final char NAME_KEY = 'n';
    private static final char RELEVANCE_KEY = 'r';

    private final AgroalDataSource dataSource;
    private final AgroalDataSource searchSource;
    private final SearchTurns turns;

    ContactStore(AgroalDataSource dataSource, @DataSource(SEARCH_POOL) AgroalDataSource searchSource,
                 SearchTurns turns) {
        this.dataSource = dataSource;
        this.searchSource = searchSource;
        this.turns = turns;
    }

    /** The pool of text searches, whose connections plan every statement generically (application.properties). */
    static final String SEARCH_POOL = "search";

    /** The contact other than {@code except} that holds {@code externalId}, if any. */
    public java.util.Optional<UUID> externalIdHolder(String externalId, UUID except) {
        return find("externalId = ?1 and id <> ?2", externalId, except == null ? new UUID(0, 0) : except)
                .firstResultOptional().map(c -> c.id);
    }

    /** The contact holding {@code externalId} (exact match), if any. */
    public java.util.Optional<Contact> byExternalId(String externalId) {
        return find("externalId", externalId).firstResultOptional();
    }

    public boolean externalIdTaken(String externalId, UUID except) {
        return count("externalId = ?1 and id <> ?2", externalId, except == null ? new UUID(0, 0) : except) > 0;
    }

    /**
     * The contacts with these ids and their consent, read with one plain statement, by id; an id no longer stored is
     * left out. For pages of search hits: the instances are not managed, so the transaction flushes nothing, and the
     * one array parameter keeps one statement (and one server-side plan) whatever the page size. Through Hibernate
     * ({@code id in ?1}), the request thread spent 63 % of a search in it: a statement translated and prepared anew for
     * each list length, and the loaded entities checked for changes at commit. Changes this transaction made to
     * contacts through Hibernate are flushed first, as a Hibernate query would, so that the rows show them.
     */
    public Map<UUID, Contact> byIds(List<UUID> ids) {
        Map<UUID, Contact> byId = new HashMap<>();
        if (ids.isEmpty()) {
            return byId;
        }
        if (getEntityManager().isJoinedToTransaction()) {
            flush();
        }
        return rows(ids);
    }

    /**
     * One contact with its consent, read as {@link #byIds} reads them but outside any transaction and Hibernate session,
     * for a read that writes nothing (GET of a contact); empty when there is no such contact.
     */
    public java.util.Optional<Contact> read(UUID id) {
        return java.util.Optional.ofNullable(rows(List.of(id)).get(id));
    }

    private Map<UUID, Contact> rows(List<UUID> ids) {
        Map<UUID, Contact> byId = new HashMap<>();
        for (Contact ct : Sql.query(dataSource, BY_IDS, List.of((Object) ids.toArray(UUID[]::new)),
                ContactBulkStore::contactWithConsent)) {
            byId.put(ct.id, ct);
        }
        return byId;
    }

    /**
     * Up to {@code query.limit() + 1} hits in order, so the caller can tell whether another page follows. For a caller
     * who sees contacts in the limited view ({@code limitedView}), a postal-code filter matches only contacts whose
     * postal code that view shows (MAIL granted, not do-not-contact): otherwise filtering by each code in turn would
     * tell the caller the postal code the view hides.
     */
    public List<Hit> search(ContactQuery query, boolean limitedView) {
        List<Object> params = new ArrayList<>();
        String sql;
        if (query.hasText()) {
            params.add(query.words().toArray(String[]::new));
        }
        if (byRelevance(query)) {
            params.add(query.text());
            String filters = filters(query, limitedView, params);
            String after = "true";
            if (query.after() != null) {
                BigDecimal score = parseScore(keyOf(query.after(), RELEVANCE_KEY));
                after = "(score < ? OR (score = ? AND id > ?))";
                params.add(score);
                params.add(score);
                params.add(query.after().id());
            }
            sql = BY_RELEVANCE.formatted(HIT_COLUMNS, filters, after, ContactBulkStore.CONSENT_COLUMN);
        } else {
            String filters = filters(query, limitedView, params);
            String after = "";
            if (query.after() != null) {
                after = " AND (c.sort_name, c.id) > (?, ?)";
                params.add(keyOf(query.after(), NAME_KEY));
                params.add(query.after().id());
            }
            sql = (query.hasText() ? TEXT_BY_NAME : BY_NAME).formatted(HIT_COLUMNS, filters, after,
                    ContactBulkStore.CONSENT_COLUMN);
        }
        params.add(query.limit() + 1);
        String statement = sql;
        return turns.inTurn(() -> run(statement, params, query.hasText()));
    }

    private static boolean byRelevance(ContactQuery query) {
        return query.hasText() && query.sort() == ContactQuery.Sort.RELEVANCE;
    }

    /** The sort key of a cursor, which starts with the mark of the order it was made for. */
    private static String keyOf(Cursor cursor, char order) {
        if (cursor.key().isEmpty() || cursor.key().charAt(0) != order) {
            throw InvalidInput.field("cursor", "belongs to a listing in another order");
        }
        return cursor.key().substring(1);
    }

    /**
     * A relevance score from a cursor: what {@code round(..., 6)} of a rank plus a similarity gives, so between 0 and a
     * few units with at most six decimals. Anything else was not made by this listing, and PostgreSQL would refuse a
     * numeric past its range (a 500) rather than compare it.
     */
    private static BigDecimal parseScore(String key) {
        BigDecimal score;
        try {
            score = new BigDecimal(key);
        } catch (NumberFormatException e) {
            throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
        }
        if (score.scale() > 6 || score.scale() < -6 || score.abs().compareTo(MAX_SCORE) > 0) {
            throw InvalidInput.field("cursor", "is not a cursor returned by this listing");
        }
        return score;
    }

    /** Far above any score: ts_rank of a name is below 1, a similarity at most 1. */
    private static final BigDecimal MAX_SCORE = BigDecimal.valueOf(1000);

    private static String filters(ContactQuery query, boolean limitedView, List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (query.kinds() != null && !query.kinds().isEmpty()) {
            where.append(" AND c.kind = ANY(?::text[])");
            params.add(query.kinds().stream().map(Enum::name).toArray(String[]::new));
        }
        if (query.tag() != null) {
            where.append(" AND c.tags @> ARRAY[?]::text[]");
            params.add(query.tag());
        }
        if (query.language() != null) {
            where.append(" AND c.languages @> ARRAY[?]::text[]");
            params.add(query.language());
        }
        if (query.postalCode() != null) {
            where.append(" AND c.postal_code = ?");
            params.add(query.postalCode());
            if (limitedView) {
                where.append(" AND NOT c.do_not_contact AND EXISTS (SELECT 1 FROM contact_consent cc"
                        + " WHERE cc.contact_id = c.id AND cc.channel = 'MAIL' AND cc.status = 'GRANTED')");
            }
        }
        if (query.updatedSince() != null) {
            where.append(" AND c.updated_at >= ?");
            params.add(query.updatedSince());
        }
        if (query.consent() != null) {
            // A channel without a row has not been answered: UNKNOWN, as the API shows it.
            for (Map.Entry<Channel, Set<ConsentStatus>> e : query.consent().entrySet()) {
                where.append(" AND coalesce((SELECT cc.status FROM contact_consent cc WHERE cc.contact_id = c.id"
                        + " AND cc.channel = ?), 'UNKNOWN') = ANY(?::text[])");
                params.add(e.getKey().name());
                params.add(e.getValue().stream().map(Enum::name).toArray(String[]::new));
            }
        }
        return where.toString();
    }

    /**
     * The hits, each row with its consent, in one statement. A text search runs on the search pool's connections
     * ({@code quarkus.datasource.search}), whose statements always run with a generic plan: on the main pool PostgreSQL
     * would plan the statement anew for every call (0.7 ms of its 2 ms at 100k contacts), because the generic plan's
     * estimate for an unknown number of words is higher than a custom plan's for two; both plans have the same shape
     * (the words' alternatives from the lexicon's indexes, then the contacts from the search index), and the generic
     * one ran the same queries 40 % faster. Setting the plan mode for the search alone took a transaction of its own
     * and two more round trips ({@code SET LOCAL}, {@code COMMIT}). A listing without text keeps its custom plans, on
     * the main pool. Either way the statement runs in autocommit and reads committed data, as a read of one contact
     * does. Called in the search's turn ({@link SearchTurns}).
     */
    private List<Hit> run(String sql, List<Object> params, boolean text) {
        return Sql.query(text ? searchSource : dataSource, sql, params,
                r -> new Hit(ContactBulkStore.contactWithConsent(r), r.getString(KEY_COLUMN)));
    }

    // Lock with a statement of its own: Hibernate locks an entity with an eagerly fetched collection only after
    // loading it ("follow-on locking"), so the state it loaded could already be stale when the lock is granted.
    private static final String LOCK = "SELECT id FROM contact WHERE id = :id FOR UPDATE";

    /**
     * Locks the contact's row for the rest of the transaction, so that concurrent writers to one contact queue up;
     * false when there is no such contact.
     */
    public boolean lock(UUID id) {
        return !getEntityManager().createNativeQuery(LOCK).setParameter("id", id).getResultList().isEmpty();
    }

    /** Every contact with what the graph holds of it, for rebuild and reconcile. */
    private static final String AS_GRAPHED = "SELECT id, kind, display_name, version FROM contact";

    /** {@link #AS_GRAPHED} in id order, the order reconcile merges it with the graph's nodes in. */
    private static final String AS_GRAPHED_BY_ID = AS_GRAPHED + " ORDER BY id";

    private static final String COUNT = "SELECT count(*) FROM contact";

    private static final String HELD_AMONG = "SELECT id FROM contact WHERE id = ANY(?)";

    private static final String ENTRY = "SELECT kind, display_name FROM contact WHERE id = ?";

    /**
     * A contact's kind and display name, read by one plain statement without a Hibernate session (in autocommit, or on
     * the caller's transaction's connection when there is one, where changes not yet flushed are not seen): for reads
     * that name a contact and write nothing. Through {@code findById} in a transaction of its own, the circles' centre
     * cost a tenth of the call's time in the service, and three statements.
     */
    Optional<ContactDirectory.Entry> entry(UUID id) {
        return Sql.query(dataSource, ENTRY, List.of(id), r -> new ContactDirectory.Entry(id,
                ContactKind.valueOf(r.getString(1)), r.getString(2))).stream().findFirst();
    }

    /** Which of these ids name contacts, on a connection of its own. */
    Set<UUID> heldAmong(UUID[] ids) {
        return new HashSet<>(Sql.query(dataSource, HELD_AMONG, List.of((Object) ids), r -> r.getObject(1, UUID.class)));
    }

    /** How many contacts there are, on a connection of its own (a rebuild runs outside any transaction). */
    long countAll() {
        return Sql.query(dataSource, COUNT, List.of(), r -> r.getLong(1)).get(0);
    }

    /**
     * Streams every contact, holding only the fields the graph has (id, kind, display name, version), in id order
     * when asked; {@code fetchSize} rows at a time, on a connection of its own.
     */
    void eachAsGraphed(boolean inIdOrder, int fetchSize, Consumer<Contact> each) {
        Sql.stream(dataSource, inIdOrder ? AS_GRAPHED_BY_ID : AS_GRAPHED, List.of(), fetchSize, r -> {
            Contact c = new Contact();
            c.id = r.getObject(1, UUID.class);
            c.kind = ContactKind.valueOf(r.getString(2));
            c.displayName = r.getString(3);
            c.version = r.getLong(4);
            return c;
        }, each);
    }

    static Cursor cursorOf(Hit hit, ContactQuery query) {
        return new Cursor((byRelevance(query) ? RELEVANCE_KEY : NAME_KEY) + hit.key(), hit.id());
    }
}
