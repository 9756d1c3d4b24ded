package health.circles.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the HTTP API that every route shares (the import upload's own limit is in ImportConfig). */
@ConfigMapping(prefix = "circles.http")
public interface HttpConfig {

    /** Largest request body of every route but the import upload; a JSON document of 1 MB is a very large contact. */
    @WithDefault("1M")
    MemorySize maxBodySize();
}
