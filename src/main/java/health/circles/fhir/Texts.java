package health.circles.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.IModelVisitor2;
import health.circles.failure.DomainException;
import health.circles.web.InputRules;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseExtension;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/** The text rules of the API (web.InputRules) applied to FHIR content, with the FHIR element path of a refusal. */
final class Texts {

    private Texts() {
    }

    static String clip(String value, int max) {
        String clean = InputRules.scrub(value);
        return clean == null || clean.length() <= max ? clean : clean.substring(0, max);
    }

    /**
     * Every text value of a parsed resource that no store could hold or no person types (NUL, control characters
     * other than tab and line breaks, unpaired surrogates, noncharacters), named by its element path: refused before
     * anything else.
     */
    static List<DomainException.FieldError> unstorable(FhirContext context, IBaseResource resource) {
        List<DomainException.FieldError> errors = new ArrayList<>();
        context.newTerser().visit(resource, new IModelVisitor2() {
            @Override
            public boolean acceptElement(IBase element, List<IBase> containing,
                                         List<BaseRuntimeChildDefinition> children,
                                         List<BaseRuntimeElementDefinition<?>> definitions) {
                if (errors.size() < 20 && element instanceof IPrimitiveType<?> primitive) {
                    String problem = InputRules.textProblem(primitive.getValueAsString(), true);
                    if (problem != null) {
                        errors.add(new DomainException.FieldError(path(definitions, children), problem));
                    }
                }
                return true;
            }

            @Override
            public boolean acceptUndeclaredExtension(IBaseExtension<?, ?> extension, List<IBase> containing,
                                                     List<BaseRuntimeChildDefinition> children,
                                                     List<BaseRuntimeElementDefinition<?>> definitions) {
                return true;
            }
        });
        return errors;
    }

    private static String path(List<BaseRuntimeElementDefinition<?>> definitions,
                               List<BaseRuntimeChildDefinition> children) {
        StringBuilder path = new StringBuilder(definitions.isEmpty() ? "" : definitions.get(0).getName());
        for (BaseRuntimeChildDefinition child : children) {
            path.append('.').append(child.getElementName());
        }
        return path.toString();
    }
}
