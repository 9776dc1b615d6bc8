package dev.polymath.text.encoder;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs an encoder's batch workers and surfaces the first failure as the caller's exception. */
public final class EncodingTasks {
    private EncodingTasks() {}

    /** Runs {@code tasks} on {@code workers} (on the caller when there is one task or no pool) and rethrows the first failure. */
    public static void runAll(ExecutorService workers, List<? extends Callable<Void>> tasks) {
        try {
            if (workers == null || tasks.size() <= 1) {
                for (var t : tasks) t.call();
                return;
            }
            RuntimeException failure = null;
            for (Future<Void> f : workers.invokeAll(tasks)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
            if (failure != null) throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
