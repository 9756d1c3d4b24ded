package health.circles.contact;

import static health.circles.contact.ConsentLedger.Verdict.EFFECTIVE;
import static health.circles.contact.ConsentLedger.Verdict.HISTORY;
import static health.circles.contact.ConsentLedger.Verdict.REFUSED;
import static health.circles.contact.ConsentLedger.Verdict.REPEAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The ledger's rule on its own: which entry becomes the effective answer, which is history, which is refused. */
class ConsentLedgerRulesTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant OPTED_OUT_AT = Instant.parse("2026-03-01T00:00:00Z");
    private static final ConsentLedger.Effective OPTED_OUT =
            new ConsentLedger.Effective(ConsentStatus.DENIED, OPTED_OUT_AT, OPTED_OUT_AT, "campaign-opt-out");

    private static ConsentLedger.Entry email(ConsentStatus status, String givenAt, String source) {
        return new ConsentLedger.Entry(ConsentChannel.EMAIL, status, givenAt == null ? null : Instant.parse(givenAt), source);
    }

    private static ConsentLedger.Verdict decide(ConsentLedger.Effective current, ConsentLedger.Entry entry) {
        return ConsentLedger.decide(current, entry, NOW);
    }

    @Test
    void aFirstAnswerIsEffectiveAndNoAnswerAtAllRecordsNothing() {
        assertEquals(EFFECTIVE, decide(null, email(ConsentStatus.GRANTED, null, null)));
        assertEquals(REPEAT, decide(null, email(ConsentStatus.UNKNOWN, null, null)));
    }

    @Test
    void anOlderRecordNeverOverridesANewerOne() {
        assertEquals(HISTORY, decide(OPTED_OUT, email(ConsentStatus.GRANTED, "2025-01-01T00:00:00Z", "ehr")));
    }

    @Test
    void anOptOutIsLiftedOnlyByALaterGrantWithItsSourceAndTime() {
        assertEquals(REFUSED, decide(OPTED_OUT, email(ConsentStatus.GRANTED, "2026-05-01T00:00:00Z", null)));
        assertEquals(REFUSED, decide(OPTED_OUT, email(ConsentStatus.GRANTED, null, "ehr")));
        assertEquals(REFUSED, decide(OPTED_OUT, email(ConsentStatus.UNKNOWN, "2026-05-01T00:00:00Z", "form")));
        assertEquals(EFFECTIVE, decide(OPTED_OUT, email(ConsentStatus.GRANTED, "2026-05-01T00:00:00Z", "signed-form")));
        // The opt-out's own time and source sent back with the status flipped (an edit form) is not an opt-in.
        assertEquals(REFUSED, decide(OPTED_OUT, email(ConsentStatus.GRANTED, "2026-03-01T00:00:00Z", "campaign-opt-out")));
    }

    @Test
    void anotherDenialIsAlwaysTakenAndTheSameAnswerAgainIsARepeat() {
        assertEquals(EFFECTIVE, decide(OPTED_OUT, email(ConsentStatus.DENIED, null, "phone-call")));
        assertEquals(REPEAT, decide(OPTED_OUT, email(ConsentStatus.DENIED, null, "campaign-opt-out")));
        assertEquals(REPEAT, decide(OPTED_OUT, email(ConsentStatus.DENIED, "2026-03-01T00:00:00Z", "campaign-opt-out")));
    }

    @Test
    void liftingDoNotContactThatIsNotSetRecordsNothing() {
        ConsentLedger.Entry lift = new ConsentLedger.Entry(ConsentChannel.DO_NOT_CONTACT, ConsentStatus.GRANTED, null, null);
        assertEquals(REPEAT, decide(null, lift));
        ConsentLedger.Effective set = new ConsentLedger.Effective(ConsentStatus.DENIED, OPTED_OUT_AT, OPTED_OUT_AT, null);
        assertEquals(REFUSED, decide(set, lift));
    }
}
