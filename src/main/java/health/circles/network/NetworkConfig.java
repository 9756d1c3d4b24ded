package health.circles.network;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the network capability: how touchpoints weigh on tie strength, and the bounds of graph questions. */
@ConfigMapping(prefix = "circles.network")
public interface NetworkConfig {

    Strength strength();

    Circles circles();

    Paths paths();

    /** How long a graph question waits for the relay to apply the writes before it, before answering anyway. */
    @WithDefault("2s")
    Duration readYourWritesWait();

    /** Tie strength = min(max, declared + Σ weight(channel) × 0.5^(age / half-life)). */
    interface Strength {

        /** Weight of one touchpoint of each channel on the day it happened. */
        Weights weights();

        /** After this long a touchpoint counts half as much as on its day. */
        @WithDefault("P90D")
        Duration halfLife();

        /** The cap of a tie's strength; its range is [0, max]. Path strengths divide by it. */
        @WithDefault("3.0")
        double max();

        /** When (cron) the decayed strengths are recomputed and the changed ones sent to the graph; "off" disables. */
        @WithDefault("0 30 3 * * ?")
        String refreshCron();

        /**
         * A touchpoint with at most this many participants infers a tie between each two of them that have none;
         * larger ones (an event, a mailing) only strengthen the ties that exist.
         */
        @WithDefault("10")
        int inferMaxParticipants();

        /** Smaller changes are not written on refresh, so that decay does not rewrite every tie every night. */
        @WithDefault("0.001")
        double minChange();
    }

    /** Per channel: on the ground weighs most, then voice and video, then written messages, then social media. */
    interface Weights {
        @WithDefault("0.25")
        double homeVisit();

        @WithDefault("0.2")
        double inPerson();

        @WithDefault("0.15")
        double event();

        @WithDefault("0.1")
        double phone();

        @WithDefault("0.1")
        double video();

        @WithDefault("0.05")
        double portal();

        @WithDefault("0.04")
        double sms();

        @WithDefault("0.04")
        double email();

        @WithDefault("0.02")
        double social();

        default double of(TouchpointChannel channel) {
            return switch (channel) {
                case HOME_VISIT -> homeVisit();
                case IN_PERSON -> inPerson();
                case EVENT -> event();
                case PHONE -> phone();
                case VIDEO -> video();
                case PORTAL -> portal();
                case SMS -> sms();
                case EMAIL -> email();
                case SOCIAL -> social();
            };
        }
    }

    /** Bounds of the concentric circles query. */
    interface Circles {

        @WithDefault("500")
        int defaultLimit();

        @WithDefault("2000")
        int maxLimit();

        /** The most contacts one ring may add to the search; beyond it the strongest are kept and the search stops. */
        @WithDefault("20000")
        int maxRingSize();
    }

    /** Bounds of the introduction paths query. */
    interface Paths {

        /** Candidate paths fetched, shortest first, before ranking them by strength. */
        @WithDefault("100")
        int candidates();
    }
}
