package health.circles.fhir;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The paging parameters every FHIR search takes ({@code _count}, {@code _offset}), gathered once as a JAX-RS bean
 * parameter, and the links a page of results carries.
 */
public class FhirPageRequest {

    @Parameter(description = "Matches per page, 0 to 1000 (default 50)")
    @QueryParam("_count")
    String count;

    @Parameter(description = "Matches to skip, as the next link sends it")
    @QueryParam("_offset")
    String offset;

    @Context
    UriInfo uri;

    /** The page asked for, or a 400 naming the parameter at fault. */
    FhirPaging paging() {
        return FhirPaging.of(count, offset);
    }

    /** A searchset with its self link, and a next link while matches remain after this page. */
    FhirAnswer linked(FhirAnswer answer, FhirPaging paging) {
        Bundle bundle = (Bundle) answer.resource();
        bundle.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
        if (paging.count() > 0 && (long) paging.offset() + paging.count() < bundle.getTotal()) {
            bundle.addLink().setRelation("next").setUrl(uri.getRequestUriBuilder()
                    .replaceQueryParam("_count", paging.count())
                    .replaceQueryParam("_offset", paging.offset() + paging.count()).build().toString());
        }
        return answer;
    }
}
