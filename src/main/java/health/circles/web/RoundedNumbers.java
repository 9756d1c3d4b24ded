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
     * of the value's shortest decimal form, from Jackson's Schubfach writer: the JDK's own {@link Double#toString} is
     * not always the shortest before Java 19, and takes twice as long, and every answer writes hundreds of these (a
     * circles answer spent a quarter of its serialisation on them).
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
        String plain = new BigDecimal(NumberOutput.toString(value, true)).round(CONTEXT).stripTrailingZeros()
                .toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
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
