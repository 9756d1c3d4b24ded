package health.circles.network;

/**
 * The one definition of an active tie, as query text for PostgreSQL and for Neo4j. A tie is active on a day when it
 * has not ended by then (no {@code until}, or one after that day: a tie ends at the start of its {@code until}) and it
 * is a fact of the network ({@link TieAssertion#inGraph()}: neither a claim pending review nor a refused one); the
 * same rule as {@link Tie#active} and {@link TieAssertion#inGraph()} in Java. Every query of active ties composes these
 * fragments rather than writing the rule out again. Each names the tie {@code t}; the {@code _TODAY} forms take the
 * store's own date, the others a date the caller binds (a recomputation as of another day, the caller's UTC today).
 */
public final class ActiveTie {

    /** Not ended on the date the placeholder stands for; SQL, HQL and Cypher alike. */
    private static final String OPEN_ON = "(t.until IS NULL OR t.until > %s)";

    /**
     * SQL condition on a {@code tie} row aliased {@code t}: a fact of the network, so what the graph holds (rebuild
     * and reconcile load exactly these), ended ones included.
     */
    public static final String IN_NETWORK_SQL = "t.assertion NOT IN ('CLAIMED', 'REJECTED')";

    /**
     * SQL condition on a {@code tie} row aliased {@code t}: not ended on the date bound to its one parameter
     * ({@code ?}). Alone it also admits pending claims (which hold their slot) and refused ones: listings by date.
     */
    public static final String OPEN_ON_SQL = OPEN_ON.formatted("?");

    /** {@link #OPEN_ON_SQL} in HQL, on a {@code Tie} aliased {@code t}, the date bound to {@code :today}. */
    public static final String OPEN_ON_HQL = OPEN_ON.formatted(":today");

    /**
     * SQL condition on a {@code tie} row aliased {@code t}: active on the date bound to its one parameter
     * ({@code ?}): open then, and a fact of the network. What strengths, circles and analytics count as a tie.
     */
    public static final String ACTIVE_SQL = OPEN_ON_SQL + " AND " + IN_NETWORK_SQL;

    /** {@link #ACTIVE_SQL} on PostgreSQL's {@code current_date}, for statements that bind no date. */
    public static final String ACTIVE_TODAY_SQL = OPEN_ON.formatted("current_date") + " AND " + IN_NETWORK_SQL;

    /**
     * Cypher condition on a {@code TIE} relationship bound to {@code t}: active on the date parameter {@code $today}.
     * The graph holds only ties in the network (claims and refused ties never reach it), so the date decides.
     */
    public static final String ACTIVE_CYPHER = OPEN_ON.formatted("$today");

    /** {@link #ACTIVE_CYPHER} on Neo4j's {@code date()}, for statements that take no date. */
    public static final String ACTIVE_TODAY_CYPHER = OPEN_ON.formatted("date()");

    /**
     * A TIE's {@code until} as a number, which Graph Data Science can project where it cannot project a date: the
     * days from 1970-01-01 to it (an epoch day), absent when the tie has no end. Written with {@code until} on every
     * upsert ({@link TieGraph}); analytics projects ties natively and drops those ended on the store's day by it
     * (health.circles.analytics.AlgorithmGraph).
     */
    public static final String UNTIL_DAY = "untilDay";

    /** Cypher: the epoch day of the date the placeholder stands for; null for null. */
    public static final String EPOCH_DAY_CYPHER = "duration.inDays(date('1970-01-01'), %s).days";

    private ActiveTie() {
    }
}
