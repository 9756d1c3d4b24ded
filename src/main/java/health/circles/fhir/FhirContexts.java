package health.circles.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one FHIR R4 context of the service. Building one scans the model classes it meets, which is costly, so it is
 * made once, on first use (not at start: a service that never sees FHIR pays nothing), and shared; it is thread-safe.
 */
public class FhirContexts {

    @Produces
    @Singleton
    FhirContext r4() {
        return FhirContext.forR4();
    }
}
