package health.circles.outreach;

/**
 * The 95 % intervals of an experiment's report: Wilson's score interval for a proportion, Newcombe's hybrid score
 * interval for the difference of two (method 10 of Newcombe, Stat Med 1998), and, because communities are what was
 * randomised, Student t intervals over the communities' own uptakes (each community one observation) and over the
 * difference of two arms' means (Welch's standard error with the conservative min(m1, m2) - 1 degrees of freedom).
 * An interval that cannot be formed (no one to count, fewer than two communities) is absent rather than NaN.
 */
final class UptakeIntervals {

    static final double Z = 1.959963984540054;

    /** t quantiles at 0.975 for 1 to 30 degrees of freedom. */
    private static final double[] T975 = {12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
            2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656,
            2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
            2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642,
            2.042272456};

    private UptakeIntervals() {
    }

    /** An estimate and its interval; any part absent when it cannot be formed. */
    record Interval(Double value, Double low, Double high) {
        static final Interval NONE = new Interval(null, null, null);
    }

    /** Wilson's score interval of x out of n; NONE when n is 0. */
    static Interval wilson(long x, long n) {
        if (n <= 0) {
            return Interval.NONE;
        }
        double p = (double) x / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** Newcombe's hybrid score interval of x1/n1 - x2/n2; NONE when either n is 0. */
    static Interval difference(long x1, long n1, long x2, long n2) {
        if (n1 <= 0 || n2 <= 0) {
            return Interval.NONE;
        }
        Interval a = wilson(x1, n1);
        Interval b = wilson(x2, n2);
        double d = a.value() - b.value();
        double low = d - Math.sqrt(square(a.value() - a.low()) + square(b.high() - b.value()));
        double high = d + Math.sqrt(square(a.high() - a.value()) + square(b.value() - b.low()));
        return new Interval(d, Math.max(-1, low), Math.min(1, high));
    }

    /** The mean of the communities' uptakes, with a t interval when there are at least two; NONE for none. */
    static Interval clusterMean(double[] uptakes) {
        int m = uptakes.length;
        if (m == 0) {
            return Interval.NONE;
        }
        double mean = mean(uptakes);
        if (m < 2) {
            return new Interval(mean, null, null);
        }
        double half = t975(m - 1) * Math.sqrt(variance(uptakes, mean) / m);
        return new Interval(mean, Math.max(0, mean - half), Math.min(1, mean + half));
    }

    /** Difference of two arms' mean community uptakes, a minus b; the interval needs two communities in each. */
    static Interval clusterDifference(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            return Interval.NONE;
        }
        double ma = mean(a);
        double mb = mean(b);
        double d = ma - mb;
        int df = Math.min(a.length, b.length) - 1;
        if (df < 1) {
            return new Interval(d, null, null);
        }
        double half = t975(df) * Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
        return new Interval(d, Math.max(-1, d - half), Math.min(1, d + half));
    }

    /** The 0.975 quantile of Student's t: tabled to 30 degrees of freedom, Cornish-Fisher's expansion beyond. */
    static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom " + df);
        }
        if (df <= T975.length) {
            return T975[df - 1];
        }
        double z = Z;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * df * df * df);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Sample variance (n - 1). */
    private static double variance(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += square(v - mean);
        }
        return sum / (values.length - 1);
    }

    private static double square(double v) {
        return v * v;
    }
}
