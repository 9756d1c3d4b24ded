package health.circles.contact;

import health.circles.sync.Outbox;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Finishes erasures in the outbox once the relay has carried them: the erasure transaction cannot delete the rows
 * the graph still has to apply (its own contact.deleted row names the contact, and so may earlier rows of its ties),
 * so the applied ones up to the erasure's own row are deleted here, and the register forgets the position.
 */
@ApplicationScoped
public class ErasureSweep {

    private final ErasureStore erasures;
    private final Outbox outbox;

    ErasureSweep(ErasureStore erasures, Outbox outbox) {
        this.erasures = erasures;
        this.outbox = outbox;
    }

    @Scheduled(every = "${circles.erasure.sweep-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        sweep();
    }

    /** Sweeps every erasure whose outbox rows have all been applied; returns how many erasures it finished. */
    @Transactional
    public int sweep() {
        List<ErasureStore.Finished> finished = erasures.lockFinished(outbox.firstPending());
        if (finished.isEmpty()) {
            return 0;
        }
        for (ErasureStore.Finished f : finished) {
            outbox.dropAppliedNaming(f.contactId(), f.through());
        }
        erasures.forgetOutbox(finished.stream().map(ErasureStore.Finished::contactId).toList());
        erasures.pruneLexicon(); // names the erased had before an update (V44's trigger takes their current ones)
        return finished.size();
    }
}
