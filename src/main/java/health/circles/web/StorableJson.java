package health.circles.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;

/**
 * Every text, date and number Jackson reads (request bodies, merge patches once merged, import rows) passes
 * {@link InputRules}: one check at the one place all JSON comes through, instead of an annotation on each field. A
 * refused value becomes a {@link RefusedValueException} naming the field; a number beyond its type, which Jackson
 * reports as a parse error without a field, becomes one too.
 */
@Singleton
public class StorableJson implements ObjectMapperCustomizer {

    private static final Set<Class<?>> DATES = Set.of(Instant.class, LocalDate.class, OffsetDateTime.class,
            ZonedDateTime.class, LocalDateTime.class);

    private static final Map<Class<?>, String> INTEGERS = Map.of(
            Integer.class, range(Integer.MIN_VALUE, Integer.MAX_VALUE), Integer.TYPE, range(Integer.MIN_VALUE, Integer.MAX_VALUE),
            Long.class, range(Long.MIN_VALUE, Long.MAX_VALUE), Long.TYPE, range(Long.MIN_VALUE, Long.MAX_VALUE),
            Short.class, range(Short.MIN_VALUE, Short.MAX_VALUE), Short.TYPE, range(Short.MIN_VALUE, Short.MAX_VALUE));

    private static final Set<Class<?>> FLOATS = Set.of(Double.class, Double.TYPE, Float.class, Float.TYPE);

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("circles-storable-input");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                          JsonDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                if (type == String.class || DATES.contains(type) || INTEGERS.containsKey(type) || FLOATS.contains(type)) {
                    return new Checked(deserializer, type, false, false);
                }
                return deserializer;
            }
        });
        mapper.registerModule(module);
    }

    private static String range(long min, long max) {
        return "must be an integer between " + min + " and " + max;
    }

    /**
     * The standard deserializer of a value type, with the value checked after it is read when it is a field of one of
     * our records (or an element of such a field). Untyped reads, such as the relay's outbox payloads, are written by
     * this service and are left alone: a note's line break there is not a client's mistake.
     */
    static final class Checked extends DelegatingDeserializer {

        private final Class<?> type;
        private final boolean checked;
        private final boolean freeText;

        Checked(JsonDeserializer<?> delegate, Class<?> type, boolean checked, boolean freeText) {
            super(delegate);
            this.type = type;
            this.checked = checked;
            this.freeText = freeText;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Checked(delegate, type, checked, freeText);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            Checked contextual = (Checked) super.createContextual(ctxt, property);
            boolean ours = property != null && property.getMember() != null
                    && property.getMember().getDeclaringClass().getName().startsWith("health.circles.");
            boolean free = ours && property.getAnnotation(FreeText.class) != null;
            return ours == contextual.checked && free == contextual.freeText ? contextual
                    : new Checked(contextual._delegatee, type, ours, free);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!checked) {
                return _delegatee.deserialize(p, ctxt);
            }
            Object value;
            try {
                value = _delegatee.deserialize(p, ctxt);
            } catch (InputCoercionException e) {
                throw new RefusedValueException(p, type, INTEGERS.getOrDefault(type, "is a number out of range"));
            }
            check(p, value);
            return value;
        }

        private void check(JsonParser p, Object value) throws RefusedValueException {
            String problem = null;
            if (value instanceof String s) {
                problem = InputRules.textProblem(s, freeText);
            } else if (value instanceof Double d && d.isInfinite() || value instanceof Float f && f.isInfinite()) {
                problem = "is a number beyond the range of a double";
            } else if (value != null && DATES.contains(type)) {
                problem = InputRules.dateProblem(value);
            }
            if (problem != null) {
                throw new RefusedValueException(p, type, problem);
            }
        }
    }
}
