package dev.polymath.text.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many cores other processes kept busy while this one was timed, from Linux's {@code /proc/stat} (all CPU time
 * but idle and I/O wait) minus this process's own CPU time ({@code /proc/self/stat}). A speed ratio measured while
 * this figure is well above 0 is not a quiet-machine figure. Both files count in clock ticks (USER_HZ).
 */
final class OtherLoad {
    private final long busyTicks;
    private final long ownTicks;
    private final long nanos;

    private OtherLoad(long busyTicks, long ownTicks, long nanos) {
        this.busyTicks = busyTicks;
        this.ownTicks = ownTicks;
        this.nanos = nanos;
    }

    /** A reading now; its counters are -1 where /proc is absent (not Linux). */
    static OtherLoad now() {
        return new OtherLoad(machineBusyTicks(), ownTicks(), System.nanoTime());
    }

    /** Cores busy with other processes on average since {@code earlier}; NaN where /proc is absent. */
    double coresSince(OtherLoad earlier) {
        if (busyTicks < 0 || ownTicks < 0 || earlier.busyTicks < 0 || earlier.ownTicks < 0) return Double.NaN;
        double seconds = (nanos - earlier.nanos) / 1e9;
        long others = (busyTicks - earlier.busyTicks) - (ownTicks - earlier.ownTicks);
        return Math.max(0, others / 100.0 / seconds);
    }

    private static long machineBusyTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // cpu user nice system idle iowait irq softirq steal ...
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long ownTicks() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // fields from the 3rd on: utime is the 14th
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
