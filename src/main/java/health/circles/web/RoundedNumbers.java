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
     * The text written for {@code value}: rounded, plain, with a decimal point. In the plain range the rounding is that
     * of the value's shortest decimal form (Jackson's Schubfach writer; the JDK's own {@link Double#toString} is not
     * always the shortest before Java 19, and takes twice as long) to {@value #DIGITS} significant digits, half to even,
     * as {@link BigDecimal#round} does it, done on the digits themselves: every answer writes hundreds of these, and a
     * circles answer spent a quarter of its serialisation on them through BigDecimal.
     */
    public static String text(double value) {
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
        return plain(NumberOutput.toString(value, true));
    }

    /**
     * A non-zero decimal form in {@link Double#toString}'s notation ("-12.5", "1.0E-5", "1.2345678E7"), rounded to {@link #DIGITS}
     * significant digits half to even, in plain notation with a decimal point.
     */
    private static String plain(String shortest) {
        boolean negative = shortest.charAt(0) == '-';
        int e = shortest.indexOf('E');
        int end = e < 0 ? shortest.length() : e;
        // The value is 0.d1 d2 … dn × 10^point, d1 not 0.
        char[] digits = new char[end];
        int n = 0;
        int point = e < 0 ? 0 : Integer.parseInt(shortest, e + 1, shortest.length(), 10);
        boolean before = true;
        for (int i = negative ? 1 : 0; i < end; i++) {
            char c = shortest.charAt(i);
            if (c == '.') {
                before = false;
            } else if (n == 0 && c == '0') {
                if (!before) {
                    point--;
                }
            } else {
                digits[n++] = c;
                if (before) {
                    point++;
                }
            }
        }
        if (n > DIGITS) {
            boolean rest = false;
            for (int i = DIGITS + 1; i < n; i++) {
                rest |= digits[i] != '0';
            }
            char next = digits[DIGITS];
            boolean up = next > '5' || (next == '5' && (rest || (digits[DIGITS - 1] - '0') % 2 == 1));
            n = DIGITS;
            if (up) {
                int i = n - 1;
                while (i >= 0 && digits[i] == '9') {
                    digits[i--] = '0';
                }
                if (i < 0) {
                    digits[0] = '1';
                    n = 1;
                    point++;
                } else {
                    digits[i]++;
                }
            }
        }
        while (n > 1 && digits[n - 1] == '0') {
            n--;
        }
        StringBuilder out = new StringBuilder(n + Math.abs(point) + 4);
        if (negative) {
            out.append('-');
        }
        if (point <= 0) {
            out.append("0.");
            zeros(out, -point);
            out.append(digits, 0, n);
        } else if (point >= n) {
            out.append(digits, 0, n);
            zeros(out, point - n);
            out.append(".0");
        } else {
            out.append(digits, 0, point).append('.').append(digits, point, n - point);
        }
        return out.toString();
    }

    private static void zeros(StringBuilder out, int count) {
        for (int i = 0; i < count; i++) {
            out.append('0');
        }
    }

    private static void write(double value, JsonGenerator out) throws IOException {
        String text = text(value);
        if (text == null) {
            out.writeNumber(value); // NaN and infinities as Jackson writes them (never produced by a view)
        } else {
            out.writeNumber(text);
        }
    }
}
