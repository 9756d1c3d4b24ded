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

    /**
     * Tie strength = min(1, declared + Σ weight(channel) × 0.5^(age / half-life)): one scale, 0..1, for declared
     * strength, tie strength and path strength alike.
     */
    interface Strength {

        /** Weight of one touchpoint of each channel on the day it happened. */
        Weights weights();

        /** After this long a touchpoint counts half as much as on its day. */
        @WithDefault("P90D")
        Duration halfLife();

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

    /**
     * Per channel, on the 0..1 strength scale: on the ground weighs most, then voice and video, then written messages,
     * then social media. A dozen recent home visits take a tie declared at 0 to the top of the scale.
     */
    interface Weights {
        @WithDefault("0.083")
        double homeVisit();

        @WithDefault("0.067")
        double inPerson();

        @WithDefault("0.05")
        double event();

        @WithDefault("0.033")
        double phone();

        @WithDefault("0.033")
        double video();

        @WithDefault("0.017")
        double portal();

        @WithDefault("0.013")
        double sms();

        @WithDefault("0.013")
        double email();

        @WithDefault("0.007")
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

        /** The copy of the graph in memory that answers circles while it is current ({@link CirclesMemory}). */
        Memory memory();
    }

    /** When circles come from memory, and how often the graph store is read again for them. */
    interface Memory {

        /** Off: every circles question is a walk in the graph store. */
        @WithDefault("true")
        boolean enabled();

        /**
         * The least time between two reads of the whole graph. After a change, circles are walked in the graph store
         * until the copy has been brought up to date (a read of the contacts that changed), or, where it cannot be,
         * read whole: a stream of writes costs at most one whole read per interval.
         */
        @WithDefault("30s")
        Duration minReloadInterval();

        /**
         * A copy whose whole read is older than this is read whole again, however it was brought up to date meanwhile:
         * a safety net for a change made to the graph store outside the service (a reconcile's repairs, rebuilds and
         * every change through the outbox move its version). While it is read (about 30 s at 1M ties), circles are
         * walked in the graph store; the seeds' graph has the same bound ({@code circles.outreach.seeds.graph-max-age}).
         */
        @WithDefault("4h")
        Duration maxAge();

        /**
         * How long a question asked while the copy is being brought up to date waits for it before walking the graph
         * store instead; 0 never waits. An update reads only the contacts that changed (tens of milliseconds after a
         * few writes), and a walk of the graph store costs every question beside it a share of the CPU.
         */
        @WithDefault("200ms")
        Duration updateWait();

        /**
         * How often the copy is brought up to date in the background, once circles have been asked for (or from the
         * start with {@link #readAtStart()}): a question then rarely finds it behind. {@code off}: only when a question
         * asks.
         */
        @WithDefault("1m")
        String keepWarm();

        /**
         * Read the copy in the background soon after the service starts, without waiting for a question (about 30 s at
         * 100k / 1M, during which questions walk the graph store). Off by default, so that a replica that serves no
         * circles holds no copy.
         */
        @WithDefault("false")
        boolean readAtStart();

        /**
         * Contacts read again, at most, to bring a copy up to date after changes (the ends of changed ties, the
         * contacts that came, changed or went); past it the whole graph is read again.
         */
        @WithDefault("20000")
        int changesMaxContacts();

        /** Tie changes in the outbox, at most, that a copy is brought up to date by; past it it is read whole. */
        @WithDefault("200000")
        long changesMaxTies();
    }

    /** Bounds of the introduction paths query. */
    interface Paths {

        /** Candidate paths fetched, shortest first, before ranking them by strength. */
        @WithDefault("100")
        int candidates();
    }
}
