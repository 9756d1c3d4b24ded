package health.circles.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells whoever started the run command how to get a token for each role. */
@ApplicationScoped
public class DevTokenNotice {

    private static final Logger LOG = Logger.getLogger(DevTokenNotice.class);

    void onStart(@Observes StartupEvent event, SecurityConfig config,
                 @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        if (!DevKeys.allowed() || !config.devTokens().enabled()) {
            return;
        }
        StringBuilder text = new StringBuilder("Development tokens are on (this machine only). Get one per role:");
        for (String role : Roles.ALL) {
            text.append("\n  curl -s -X POST 'http://127.0.0.1:").append(port).append("/api/v1/dev/tokens?role=")
                    .append(role).append(role.equals(Roles.CLINICIAN) ? "&contactId=<your contact id>" : "")
                    .append("' | jq -r .token");
        }
        text.append("\nthen call the API with -H \"Authorization: Bearer $TOKEN\"; Swagger UI at http://127.0.0.1:")
                .append(port).append("/q/swagger-ui");
        LOG.info(text);
    }
}
