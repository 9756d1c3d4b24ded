package health.circles.fhir;

import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import health.circles.failure.DomainException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what HAPI's parser finds wrong in a body (unknown elements, wrong JSON types, values that are not of their
 * FHIR type) as field errors in words of the FHIR element, instead of a Java message; the body is refused when any.
 */
final class ParseIssues implements IParserErrorHandler {

    private static final int MAX = 20;
    private final List<DomainException.FieldError> errors = new ArrayList<>();

    List<DomainException.FieldError> errors() {
        return errors;
    }

    private void add(IParseLocation where, String element, String reason) {
        if (errors.size() < MAX) {
            String parent = where == null || where.getParentElementName() == null ? "" : where.getParentElementName();
            String field = parent.isEmpty() ? String.valueOf(element) : element == null ? parent : parent + "." + element;
            errors.add(new DomainException.FieldError(Texts.clip(field, 200), reason));
        }
    }

    @Override
    public void containedResourceWithNoId(IParseLocation where) {
        add(where, "contained", "a contained resource needs an id");
    }

    @Override
    public void incorrectJsonType(IParseLocation where, String element, BaseJsonLikeValue.ValueType expected,
                                  BaseJsonLikeValue.ScalarType expectedScalar, BaseJsonLikeValue.ValueType found,
                                  BaseJsonLikeValue.ScalarType foundScalar) {
        add(where, element, "must be a JSON " + describe(expected, expectedScalar) + ", not " + describe(found, foundScalar));
    }

    @Override
    public void invalidValue(IParseLocation where, String value, String error) {
        add(where, null, "is not a valid value of its FHIR type");
    }

    @Override
    public void missingRequiredElement(IParseLocation where, String element) {
        add(where, element, "is required");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation where, String element) {
        add(where, element, "does not repeat");
    }

    @Override
    public void unknownAttribute(IParseLocation where, String attribute) {
        add(where, attribute, "is not an attribute of this element in FHIR R4");
    }

    @Override
    public void unknownElement(IParseLocation where, String element) {
        add(where, element, "is not an element of this resource in FHIR R4");
    }

    @Override
    public void unknownReference(IParseLocation where, String reference) {
        add(where, "reference", "names no resource contained here");
    }

    @Override
    public void invalidInternalReference(IParseLocation where, String reference) {
        add(where, "reference", "is not a valid internal reference");
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation where) {
        add(where, "extension", "has both a value and nested extensions");
    }

    private static String describe(BaseJsonLikeValue.ValueType type, BaseJsonLikeValue.ScalarType scalar) {
        if (type == null) {
            return "value";
        }
        return switch (type) {
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            case SCALAR -> scalar == null ? "scalar" : scalar.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
