package dev.polymath.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts the disk writeback of the output while the merge is still computing: a background thread calls
 * {@code force(false)} on the output channels each time another {@code step} bytes have been written, so that the
 * final {@code force(true)} (which the engine still issues before publishing; durability is unchanged) finds only
 * the last few megabytes dirty instead of the whole file. Forcing waits on the device, not the CPU, so it overlaps
 * with the merge's computation.
 */
final class EarlyWriteback implements AutoCloseable {
    static final long DEFAULT_STEP = 8L << 20;

    private final FileChannel[] channels;
    private final long step;
    private final AtomicLong written = new AtomicLong();
    private final Thread thread;
    private volatile boolean done;
    private volatile IOException failure;

    EarlyWriteback(FileChannel[] channels, long step) {
        this.channels = channels;
        this.step = step;
        thread = new Thread(this::loop, "polymath-merge-writeback");
        thread.setDaemon(true);
        thread.start();
    }

    /** Workers report the bytes they have written. */
    void wrote(long bytes) {
        if (written.addAndGet(bytes) >= step) LockSupport.unpark(thread);
    }

    private void loop() {
        long forced = 0;
        while (!done) {
            long w = written.get();
            if (w - forced >= step) {
                try {
                    for (FileChannel c : channels) c.force(false);
                } catch (IOException e) {
                    failure = e;
                    return;
                }
                forced = w;
            } else {
                LockSupport.parkNanos(this, 5_000_000L);
            }
        }
    }

    /** Stops the thread (after its force in flight); the caller then forces the channels itself. */
    @Override
    public void close() {
        done = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw new UncheckedIOException("could not write the output: " + failure.getMessage(), failure);
    }
}
