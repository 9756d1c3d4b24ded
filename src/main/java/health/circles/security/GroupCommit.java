package health.circles.security;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit: callers that append at the same time are written together. A caller queues its item and takes the
 * writer's lock; if its item has not been written meanwhile, it writes every queued item (at most {@code maxGroup} at a
 * time) with {@code write}, its own among them, and returns once its own is written. While one group is being
 * written the next callers queue, so under load the groups grow and each costs one statement instead of one each.
 *
 * <p>A failed group is written again one item at a time, so that an item the database refuses fails only its own
 * caller. An item is never reported written unless a write that held it returned.
 *
 * @param <T> what is written
 */
final class GroupCommit<T> {

    private static final class Entry<T> {
        final T item;
        boolean done;
        RuntimeException failure;

        Entry(T item) {
            this.item = item;
        }
    }

    private final int maxGroup;
    private final Consumer<List<T>> write;
    private final ConcurrentLinkedQueue<Entry<T>> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    GroupCommit(int maxGroup, Consumer<List<T>> write) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1");
        }
        this.maxGroup = maxGroup;
        this.write = write;
    }

    /** Returns once {@code item} is written, in a group or alone; throws what its write threw. */
    void write(T item) {
        Entry<T> mine = new Entry<>(item);
        waiting.add(mine);
        writing.lock();
        try {
            while (!mine.done) {
                List<Entry<T>> next = new ArrayList<>();
                for (Entry<T> e; next.size() < maxGroup && (e = waiting.poll()) != null; ) {
                    next.add(e);
                }
                write(next);
            }
        } finally {
            writing.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    private void write(List<Entry<T>> entries) {
        try {
            if (entries.size() == 1) {
                writeAlone(entries.get(0));
                return;
            }
            try {
                write.accept(entries.stream().map(e -> e.item).toList());
                entries.forEach(e -> e.done = true);
            } catch (RuntimeException e) {
                entries.forEach(this::writeAlone);
            }
        } finally {
            for (Entry<T> e : entries) {
                if (!e.done) { // an Error left the write: the item is not known to be written
                    e.failure = new IllegalStateException("The write of this item did not finish");
                    e.done = true;
                }
            }
        }
    }

    private void writeAlone(Entry<T> e) {
        try {
            write.accept(List.of(e.item));
        } catch (RuntimeException failed) {
            e.failure = failed;
        }
        e.done = true;
    }
}
