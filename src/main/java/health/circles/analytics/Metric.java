package health.circles.analytics;

/** The influence measures contacts are ranked by; each maps to fixed snapshot columns, never to client text. */
public enum Metric {
    /** Strength-weighted PageRank: reached by many, and by well-reached contacts. */
    PAGERANK("pagerank", "rank_pagerank"),
    /** Betweenness: how many shortest paths between others pass through the contact (bridging). */
    BETWEENNESS("betweenness", "rank_betweenness"),
    /** Number of active ties. */
    DEGREE("degree", "rank_degree"),
    /** Sum of the strengths of the active ties (weighted degree). */
    STRENGTH("strength", "rank_strength");

    final String column;
    final String rankColumn;

    Metric(String column, String rankColumn) {
        this.column = column;
        this.rankColumn = rankColumn;
    }
}
