package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The one rounding of fractional numbers on the wire. */
class RoundedNumbersTest {

    private final ObjectMapper mapper = mapper();

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        new RoundedNumbers().customize(m);
        return m;
    }

    record Scores(double strength, Double share, float weight, List<Double> values, Map<String, Object> extra) {
    }

    @Test
    void floatNoiseIsGoneAndFiguresStayFractional() throws Exception {
        String json = mapper.writeValueAsString(new Scores(0.8499999871862263, 3.0, 0.85f,
                List.of(0.0000123456789, 12345.678901, 0.0), Map.of("p", 1.0 / 3)));
        assertEquals("{\"strength\":0.85,\"share\":3.0,\"weight\":0.85,"
                + "\"values\":[0.0000123457,12345.7,0.0],\"extra\":{\"p\":0.333333}}", json);
    }

    @Test
    void extremesKeepScientificNotation() {
        assertEquals("1.23457E-12", RoundedNumbers.text(1.23456789e-12));
        assertEquals("1.23457E20", RoundedNumbers.text(1.23456789e20));
        assertEquals("-0.5", RoundedNumbers.text(-0.5));
        assertEquals(null, RoundedNumbers.text(Double.NaN));
    }

    @Property(tries = 2000)
    void roundingKeepsSixSignificantDigits(@ForAll double value) throws Exception {
        if (!Double.isFinite(value)) {
            return;
        }
        double back = Double.parseDouble(RoundedNumbers.text(value));
        assertTrue(value == 0 ? back == 0 : Math.abs(back - value) <= Math.abs(value) * 5e-6,
                value + " was written as " + back);
        assertEquals(back, mapper.readValue(mapper.writeValueAsString(value), Double.class));
    }

    /** The rounding as BigDecimal does it on the shortest decimal form: what the digit-wise rounding must equal. */
    private static String reference(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        if (value == 0) {
            return "0.0";
        }
        MathContext sixDigits = new MathContext(RoundedNumbers.DIGITS, RoundingMode.HALF_EVEN);
        double magnitude = Math.abs(value);
        if (magnitude < 1e-9 || magnitude >= 1e15) {
            return Double.toString(new BigDecimal(Double.toString(value)).round(sixDigits).doubleValue());
        }
        BigDecimal rounded = new BigDecimal(NumberOutput.toString(value, true)).round(sixDigits).stripTrailingZeros();
        String plain = rounded.toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }

    @Test
    void tiesCarriesAndTheRangesEdgesRoundAsBigDecimalDoes() {
        double[] values = {0.1234565, 0.1234575, 0.12345650000000001, 9.999995, 9.999994999, 0.9999995, 999999.5,
            999998.5, 99999.95, 1.0000005, 1.0000015, 12345650, 12345750, 0.001, 0.000999999, 0.00099999951,
            1e-9, 1.0000005e-9, 9.9999995e-10, 999999999999999.9, 9.99999e14, 1e7, 9999999.5, 1234567.5, 0.5, 3.0,
            100.0, 1200000.0, 0.0000123456789, 12345.678901, 0.8499999871862263, Double.MIN_VALUE,
            Double.MAX_VALUE, 5e-324, 1e300, 0.30000000000000004, 1.0 / 3, 2.0 / 3, 123456.5, 123457.5};
        for (double v : values) {
            assertEquals(reference(v), RoundedNumbers.text(v), "value " + v);
            assertEquals(reference(-v), RoundedNumbers.text(-v), "value " + -v);
        }
    }

    @Test
    void manyValuesRoundAsBigDecimalDoes() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 200_000; i++) {
            // Every exponent of the plain range and beyond it, and short decimal forms that end on a 5 (ties).
            double v = random.nextDouble() * Math.pow(10, random.nextInt(-12, 18));
            assertEquals(reference(v), RoundedNumbers.text(v), "value " + v);
            double tie = (random.nextLong(1_000_000, 10_000_000) * 10 + 5) / Math.pow(10, random.nextInt(0, 16));
            assertEquals(reference(tie), RoundedNumbers.text(tie), "value " + tie);
            double strengths = (float) random.nextDouble() * (float) random.nextDouble() * (float) random.nextDouble();
            assertEquals(reference(strengths), RoundedNumbers.text(strengths), "value " + strengths);
        }
    }

    /** The arithmetic route's own text, or null where it leaves the value to the decimal route. */
    private static String arithmetic(double value) {
        char[] out = new char[RoundedNumbers.MAX_PLAIN];
        int length = RoundedNumbers.plain(value, out);
        return length == 0 ? null : new String(out, 0, length);
    }

    @Test
    void theArithmeticRouteWritesAlmostEveryPlainValueAndLeavesTiesToTheDecimalOne() {
        SplittableRandom random = new SplittableRandom(23);
        int written = 0;
        int tries = 200_000;
        for (int i = 0; i < tries; i++) {
            // From 1e-9 up to 1e15, the plain range.
            double v = (random.nextBoolean() ? 1 : -1) * (1 + 9 * random.nextDouble()) * Math.pow(10, random.nextInt(-9, 15));
            String text = arithmetic(v);
            if (text != null) {
                written++;
                assertEquals(reference(v), text, "value " + v);
            }
        }
        // A value is left to the decimal route only within 10^-7 of a tie in its seventh digit: about 2 in 10^7.
        assertTrue(written > tries - 100, "the arithmetic route wrote " + written + " of " + tries);
        for (double tie : new double[] {0.1234565, 0.1234575, 123456.5, 999999.5, 1.000005, 12345650, 0.12345650000000001}) {
            assertEquals(null, arithmetic(tie), "a tie is the decimal route's: " + tie);
            assertEquals(reference(tie), RoundedNumbers.text(tie), "value " + tie);
        }
        for (double outside : new double[] {0.0, -0.0, 9.99e-10, 1e15, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals(null, arithmetic(outside), "outside the plain range: " + outside);
        }
        assertEquals("0.7", arithmetic(0.7));
        assertEquals("0.49", arithmetic(0.7 * 0.7));
        assertEquals("-1000000000000000.0", arithmetic(-999999999999999.9));
        assertEquals("0.000000001", arithmetic(1e-9));
        assertEquals("12345600.0", arithmetic(12345649.0));
        assertEquals("1234.57", arithmetic(1234.5678));
    }

    @Provide
    Arbitrary<Double> anyDouble() {
        return Arbitraries.longs().map(Double::longBitsToDouble);
    }

    @Property(tries = 5000)
    void anyBitPatternRoundsAsBigDecimalDoes(@ForAll("anyDouble") double value) {
        assertEquals(reference(value), RoundedNumbers.text(value), "value " + value);
    }
}
