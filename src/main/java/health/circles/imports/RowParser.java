package health.circles.imports;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.circles.contact.ContactInput;
import health.circles.network.TieSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.lang.annotation.ElementType;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.hibernate.validator.HibernateValidatorFactory;

/**
 * Turns a row's JSON object into a contact, tie or touchpoint, checked with the same rules as the APIs (Bean
 * Validation on the input records, the cross-field rules); the rules that need the database come at batch time.
 */
@ApplicationScoped
class RowParser {

    /** A row that parsed and validated, or its errors. */
    record Parsed(long row, Object value, List<RowError> errors) {
    }

    /** Every property of a row reachable and cascadable, as on any object that is not a JPA entity. */
    private static final TraversableResolver EVERY_PROPERTY = new TraversableResolver() {
        @Override
        public boolean isReachable(Object bean, Path.Node property, Class<?> root, Path path, ElementType type) {
            return true;
        }

        @Override
        public boolean isCascadable(Object bean, Path.Node property, Class<?> root, Path path, ElementType type) {
            return true;
        }
    };

    private final ObjectMapper json;
    private final Validator validator;

    RowParser(ObjectMapper json, ValidatorFactory validators) {
        // CSV cells are all text: "false" must become a boolean and "0.8" a number here, which the API's strict
        // mapper (web.StrictJson) refuses on purpose for JSON bodies.
        this.json = json.copy().configure(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS, true);
        // The rows are plain records, never JPA entities: the default resolver asked JPA, property by property,
        // whether each was loaded, and cached its answers in a map built anew for every row (a fifth of the parse
        // thread's samples in a flight recording of the 1.1-million-row import; bench/RESULTS.md, fifty-first session).
        this.validator = validators.unwrap(HibernateValidatorFactory.class).usingContext()
                .traversableResolver(EVERY_PROPERTY)
                .enableTraversableResolverResultCache(false)
                .getValidator();
    }

    Parsed parse(ImportReader.Row row) {
        if (row.error() != null) {
            return new Parsed(row.number(), null, List.of(row.error()));
        }
        ObjectNode node = row.node();
        JsonNode record = node.remove(ImportColumns.RECORD);
        if (node.isEmpty()) {
            // What ImportErasure leaves of a row that named a contact erased on request (or a row left blank).
            return error(row.number(), null, "no values: " + ImportErasure.ERASED + ", or left blank");
        }
        String type = record == null || !record.isTextual() ? null : record.asText();
        if (type == null || !ImportColumns.RECORD_TYPES.contains(type)) {
            return error(row.number(), ImportColumns.RECORD, "must be one of contact, tie, touchpoint");
        }
        Class<?> target = switch (type) {
            case ImportColumns.CONTACT -> ContactInput.class;
            case ImportColumns.TIE -> TieRow.class;
            default -> TouchpointRow.class;
        };
        Object value;
        try {
            value = json.treeToValue(node, target);
        } catch (JsonMappingException e) {
            return error(row.number(), field(e), reason(e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error(row.number(), null, e.getOriginalMessage());
        }
        Set<ConstraintViolation<Object>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            return new Parsed(row.number(), null, violations.stream()
                    .map(v -> new RowError(row.number(), v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(Comparator.comparing(RowError::field))
                    .toList());
        }
        if (value instanceof ContactInput c) {
            return contact(row.number(), c);
        }
        if (value instanceof TieRow t) {
            return tie(row.number(), t);
        }
        TouchpointRow t = (TouchpointRow) value;
        return t.participants().stream().distinct().count() < 2
                ? error(row.number(), "participants", "must name at least two different contacts")
                : new Parsed(row.number(), t, List.of());
    }

    private static Parsed contact(long row, ContactInput c) {
        if (c.externalId() == null || c.externalId().isBlank()) {
            return error(row, "externalId", "is required in imports: re-running a file updates contacts by it");
        }
        return c.shapeError().map(e -> error(row, e.field(), e.reason())).orElse(new Parsed(row, c, List.of()));
    }

    private static Parsed tie(long row, TieRow t) {
        if (t.since() != null && t.until() != null && t.until().isBefore(t.since())) {
            return error(row, "until", "must not be before since (" + t.since() + ")");
        }
        if (t.source() == TieSource.TOUCHPOINT) {
            return error(row, "source", "TOUCHPOINT ties are inferred from touchpoints, not imported");
        }
        if (t.from().strip().equals(t.to().strip())) {
            return error(row, "to", "a tie joins two different contacts");
        }
        return new Parsed(row, t, List.of());
    }

    private static Parsed error(long row, String field, String reason) {
        return new Parsed(row, null, List.of(new RowError(row, field, reason)));
    }

    private static String field(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (out.isEmpty() && e instanceof UnrecognizedPropertyException u) {
            return u.getPropertyName();
        }
        return out.isEmpty() ? null : out.toString();
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof health.circles.web.RefusedValueException r) {
            return r.reason();
        }
        if (e instanceof InvalidFormatException f) {
            Class<?> type = f.getTargetType();
            if (type != null && type.isEnum()) {
                return "must be one of " + java.util.Arrays.toString(type.getEnumConstants());
            }
            return "has a value that is not a valid " + (type == null ? "value" : type.getSimpleName());
        }
        return "has the wrong type";
    }
}
