package health.circles.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The demo data set loaded on the first start of the run command. */
@ConfigMapping(prefix = "circles.demo")
public interface DemoConfig {

    /** Load demo data when the contact table is empty (CIRCLES_DEMO_DATA). */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("300")
    int contacts();

    /** Same seed, same data. */
    @WithDefault("42")
    long seed();
}
