package health.circles.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
}
