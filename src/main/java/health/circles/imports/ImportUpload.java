package health.circles.imports;

import health.circles.security.Roles;
import health.circles.web.UploadRoute;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/** The import upload as web's body limits see it: up to the import limit, from admins and integrations only. */
@ApplicationScoped
class ImportUpload implements UploadRoute {

    private final ImportConfig config;

    ImportUpload(ImportConfig config) {
        this.config = config;
    }

    @Override
    public String path() {
        return "/api/v1/imports";
    }

    @Override
    public long maxBytes() {
        return config.maxSize().asLongValue();
    }

    @Override
    public boolean admits(SecurityIdentity caller) {
        return caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.INTEGRATION);
    }
}
