package health.circles.outreach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The report's intervals against the values Newcombe published (Stat Med 1998: 17, 857-872 for a proportion, Wilson's
 * score interval; 873-890 for a difference, method 10), rounded to four places as there, and Student's t quantiles.
 */
class UptakeIntervalsTest {

    private static final double FOUR_PLACES = 0.00005;

    @Test
    void wilsonMatchesNewcombesExamples() {
        interval(UptakeIntervals.wilson(81, 263), 0.2553, 0.3662);
        interval(UptakeIntervals.wilson(15, 148), 0.0624, 0.1605);
        interval(UptakeIntervals.wilson(0, 20), 0.0, 0.1611);
        interval(UptakeIntervals.wilson(1, 29), 0.0061, 0.1718);
        assertEquals(81.0 / 263, UptakeIntervals.wilson(81, 263).value(), 1e-12);
    }

    @Test
    void differenceMatchesNewcombesHybridScoreExamples() {
        interval(UptakeIntervals.difference(56, 70, 48, 80), 0.0524, 0.3339);
        interval(UptakeIntervals.difference(9, 10, 3, 10), 0.1705, 0.8090);
        interval(UptakeIntervals.difference(6, 7, 2, 7), 0.0582, 0.8062);
        interval(UptakeIntervals.difference(5, 56, 0, 29), -0.0381, 0.1926);
        interval(UptakeIntervals.difference(0, 10, 0, 20), -0.1611, 0.2775);
        interval(UptakeIntervals.difference(10, 10, 0, 20), 0.6791, 1.0);
    }

    @Test
    void nothingToCountGivesNoEstimateRatherThanNaN() {
        assertEquals(UptakeIntervals.Interval.NONE, UptakeIntervals.wilson(0, 0));
        assertEquals(UptakeIntervals.Interval.NONE, UptakeIntervals.difference(3, 10, 0, 0));
        assertEquals(UptakeIntervals.Interval.NONE, UptakeIntervals.clusterMean(new double[0]));
        UptakeIntervals.Interval one = UptakeIntervals.clusterMean(new double[] {0.4});
        assertEquals(0.4, one.value(), 1e-12);
        assertNull(one.low());
        assertNull(one.high());
        UptakeIntervals.Interval pair = UptakeIntervals.clusterDifference(new double[] {0.4}, new double[] {0.1, 0.2});
        assertEquals(0.25, pair.value(), 1e-12);
        assertNull(pair.low());
    }

    @Test
    void clusterIntervalsUseStudentsT() {
        // Communities at 0.3, 0.4 and 0.5: mean 0.4, sd 0.1, se 0.1/sqrt(3); t(2) = 4.3027: 0.1516 to 0.6484.
        UptakeIntervals.Interval mean = UptakeIntervals.clusterMean(new double[] {0.3, 0.4, 0.5});
        assertEquals(0.4, mean.value(), 1e-12);
        interval(mean, 0.1516, 0.6484);
        // Wider than [0, 1] is cut to it.
        interval(UptakeIntervals.clusterMean(new double[] {0.0, 0.5, 1.0}), 0.0, 1.0);
        // Equal spreads, means 0.5 apart: se = sqrt(0.01/3 + 0.01/3); min(3, 3) - 1 = 2 degrees of freedom.
        UptakeIntervals.Interval diff = UptakeIntervals.clusterDifference(new double[] {0.5, 0.6, 0.7},
                new double[] {0.0, 0.1, 0.2});
        double se = Math.sqrt(0.01 / 3 + 0.01 / 3);
        assertEquals(0.5, diff.value(), 1e-12);
        assertEquals(0.5 - 4.302652730 * se, diff.low(), 1e-9);
        assertEquals(0.5 + 4.302652730 * se, diff.high(), 1e-9);
        // Beyond the table: t(40) = 2.0211, t(120) = 1.9799.
        assertEquals(2.0211, UptakeIntervals.t975(40), FOUR_PLACES);
        assertEquals(2.0003, UptakeIntervals.t975(60), FOUR_PLACES);
        assertEquals(1.9799, UptakeIntervals.t975(120), FOUR_PLACES);
    }

    private static void interval(UptakeIntervals.Interval i, double low, double high) {
        assertEquals(low, i.low(), FOUR_PLACES, "low");
        assertEquals(high, i.high(), FOUR_PLACES, "high");
    }
}
