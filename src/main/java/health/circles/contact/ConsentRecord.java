package health.circles.contact;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.time.Instant;

/**
 * The effective consent of one channel, when it was given and through what: a copy of the newest entry of the consent
 * ledger ({@link ConsentLedger}), kept with the contact for fast reads; written only by the ledger.
 */
@Embeddable
public class ConsentRecord {

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ConsentStatus status;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    public String source;

    protected ConsentRecord() {
    }

    public ConsentRecord(ConsentStatus status, Instant recordedAt, String source) {
        this.status = status;
        this.recordedAt = recordedAt;
        this.source = source;
    }
}
