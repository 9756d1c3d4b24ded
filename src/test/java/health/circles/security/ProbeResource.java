package health.circles.security;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Test-only endpoints: one that forgot its role annotation, one that is rate limited. */
@Path("/test/probe")
@Produces(MediaType.APPLICATION_JSON)
public class ProbeResource {

    @GET
    @Path("unannotated")
    public String unannotated() {
        return "\"reached\"";
    }

    @GET
    @Path("limited")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @RateLimited(name = "probe", permits = 3, per = "PT1H")
    public String limited() {
        return "\"ok\"";
    }
}
