package health.circles.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Every fractional number the API writes carries at most {@value #DIGITS} significant digits, in plain notation: the
 * float noise of scores that went through single precision on their way (0.8499999871862263) is written 0.85, and a
 * small PageRank score 0.0000123457 rather than 1.2345678901E-5. Six digits are more than any figure here means (a
 * strength, a share, a score, a rate), and the rounding is the one place it happens, so no view rounds on its own.
 * Whole values keep a decimal point (3.0), so a client reading a fractional field always gets a fractional number.
 */
@Singleton
public class RoundedNumbers implements ObjectMapperCustomizer {

    /** Significant digits written. */
    public static final int DIGITS = 6;

    private static final MathContext CONTEXT = new MathContext(DIGITS, RoundingMode.HALF_EVEN);
    /** Outside this range a plain rendering would be long; such values keep Java's scientific notation. */
    private static final double PLAIN_MIN = 1e-9;
    private static final double PLAIN_MAX = 1e15;

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("circles-rounded-numbers");
        JsonSerializer<Double> doubles = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
                write(value, out);
            }
        };
        JsonSerializer<Float> floats = new JsonSerializer<>() {
            @Override
            public void serialize(Float value, JsonGenerator out, SerializerProvider provider) throws IOException {
                // Through the float's shortest decimal form, not its binary value: 0.85f is 0.85, not 0.8500000238.
                write(Double.parseDouble(Float.toString(value)), out);
            }
        };
        module.addSerializer(Double.class, doubles);
        module.addSerializer(Double.TYPE, doubles);
        module.addSerializer(Float.class, floats);
        module.addSerializer(Float.TYPE, floats);
        mapper.registerModule(module);
    }

    /**
     * The text written for {@code value}: rounded, plain, with a decimal point. It is the {@code BigDecimal} half-even
     * rounding of the value's shortest decimal form (the form Jackson's Schubfach writer gives; the JDK's own
     * {@link Double#toString} is not always the shortest before Java 19), written plain; outside the plain range,
     * Java's scientific notation of that rounding.
     */
    public static String text(double value) {
        char[] out = new char[MAX_PLAIN];
        int length = plain(value, out);
        return length > 0 ? new String(out, 0, length) : exact(value);
    }

    /** The longest plain text: a sign, "0.", eight zeros and six digits; or fifteen whole digits and ".0". */
    static final int MAX_PLAIN = 20;

    /**
     * Powers of ten, each exact in a double (up to 10^22): the scales of the plain range (10^-9 to 10^15) to six whole
     * digits take 10^-10 to 10^15.
     */
    private static final double[] TENS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * How close to a tie (a seventh digit of exactly 5, nothing after it) a scaled value may come and still be rounded
     * by arithmetic: closer, the shortest form's own digits decide. The scaled double and the scaled shortest form
     * differ by less than 10^-9 below 10^6, so this margin is a hundred times that.
     */
    private static final double TIE_MARGIN = 1e-7;

    /**
     * Writes the text of {@code value} into {@code out} by arithmetic, for the six digits of {@link #DIGITS}, and
     * returns its length; 0 where the decimal route must decide: a value outside the plain range, zero, NaN, or one
     * within {@link #TIE_MARGIN} of a tie. Why: the decimal route (the shortest form's text, a {@code BigDecimal}, its
     * rounding and its plain text) took 280-300 ns and 470 bytes a number, this one 42 ns and a 56-byte buffer, and
     * a circles answer writes five hundred strengths: numbers were a fifth of the service's JSON work under load and a
     * fifth of what it allocated (bench/RESULTS.md, issue 17, forty-seventh session).
     * <p>
     * Why it equals the decimal route elsewhere: scaling by an exact power of ten to six whole digits costs one
     * rounding of the double (relative 2^-53), and the shortest form is within half an ulp of the double (relative
     * 2^-53), so the scaled double and the scaled shortest form differ by less than 10^-9 below 10^6; away from a tie
     * both round to the same integer. {@code RoundedNumbersTest} compares both routes over ties, carries, the range's
     * edges and arbitrary bit patterns.
     */
    static int plain(double value, char[] out) {
        double magnitude = Math.abs(value);
        if (!(magnitude >= PLAIN_MIN && magnitude < PLAIN_MAX)) {
            return 0;
        }
        // The decimal exponent of the leading digit, from the binary one: off by one at most, corrected below.
        int exponent = (int) Math.floor(Math.getExponent(magnitude) * LOG10_2);
        double scaled = scale(magnitude, DIGITS - 1 - exponent);
        if (scaled >= 1e6) {
            exponent++;
            scaled = scale(magnitude, DIGITS - 1 - exponent);
        } else if (scaled < 1e5) {
            exponent--;
            scaled = scale(magnitude, DIGITS - 1 - exponent);
        }
        double floor = Math.floor(scaled);
        if (Math.abs(scaled - floor - 0.5) < TIE_MARGIN) {
            return 0;
        }
        long digits = (long) floor + (scaled - floor > 0.5 ? 1 : 0);
        if (digits < 100_000 || digits > 1_000_000) {
            return 0; // not six digits after the correction: never seen, left to the decimal route
        }
        if (digits == 1_000_000) { // 999999.5 and above: a carry into the next power of ten
            digits = 100_000;
            exponent++;
        }
        int count = DIGITS;
        while (digits % 10 == 0) {
            digits /= 10;
            count--;
        }
        int at = 0;
        if (value < 0) {
            out[at++] = '-';
        }
        if (exponent < 0) {
            out[at++] = '0';
            out[at++] = '.';
            for (int i = -1; i > exponent; i--) {
                out[at++] = '0';
            }
            return digitsAt(digits, count, out, at);
        }
        int whole = exponent + 1;
        if (count <= whole) {
            at = digitsAt(digits, count, out, at);
            for (int i = count; i < whole; i++) {
                out[at++] = '0';
            }
            out[at++] = '.';
            out[at++] = '0';
            return at;
        }
        // A decimal point inside the digits: written, then the fraction's digits moved one place on.
        int end = digitsAt(digits, count, out, at);
        System.arraycopy(out, at + whole, out, at + whole + 1, count - whole);
        out[at + whole] = '.';
        return end + 1;
    }

    private static final double LOG10_2 = 0.30102999566398120;

    /** {@code magnitude} times 10^{@code power}, by one exact power of ten: one rounding. */
    private static double scale(double magnitude, int power) {
        return power >= 0 ? magnitude * TENS[power] : magnitude / TENS[-power];
    }

    /** Writes the {@code count} decimal digits of {@code digits} at {@code at}; returns the index after them. */
    private static int digitsAt(long digits, int count, char[] out, int at) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + digits % 10);
            digits /= 10;
        }
        return at + count;
    }

    /** The decimal route: {@code BigDecimal}'s half-even rounding of the shortest decimal form. */
    private static String exact(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        if (value == 0) {
            return "0.0";
        }
        double magnitude = Math.abs(value);
        if (magnitude < PLAIN_MIN || magnitude >= PLAIN_MAX) {
            BigDecimal rounded = new BigDecimal(Double.toString(value)).round(CONTEXT).stripTrailingZeros();
            return Double.toString(rounded.doubleValue());
        }
        String plain = new BigDecimal(NumberOutput.toString(value, true)).round(CONTEXT).stripTrailingZeros()
                .toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }

    private static void write(double value, JsonGenerator out) throws IOException {
        char[] text = new char[MAX_PLAIN];
        int length = plain(value, text);
        if (length > 0) {
            out.writeNumber(text, 0, length);
            return;
        }
        String exact = exact(value);
        if (exact == null) {
            out.writeNumber(value); // NaN and infinities as Jackson writes them (never produced by a view)
        } else {
            out.writeNumber(exact);
        }
    }
}
