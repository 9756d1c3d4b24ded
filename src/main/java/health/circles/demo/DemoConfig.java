package health.circles.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The demo network loaded on the first start of the run command. */
@ConfigMapping(prefix = "circles.demo")
public interface DemoConfig {

    /** Load demo data when the contact table is empty (CIRCLES_DEMO_ENABLED). */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("3000")
    int contacts();

    /** Ties per contact, on average. */
    @WithDefault("5")
    int tiesPerContact();

    /** Share of ties that cross the planted communities. */
    @WithDefault("0.15")
    double mixing();

    /** Same seed, same data. */
    @WithDefault("42")
    long seed();
}
