package health.circles.contact;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.time.Instant;
import java.util.Objects;

/** The consent a contact gave (or refused) for one channel, when and through what. */
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

    boolean sameAnswer(ConsentRecord other) {
        return other != null && status == other.status && Objects.equals(source, other.source);
    }
}
