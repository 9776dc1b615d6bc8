package dev.polymath.core.run;

import dev.polymath.core.report.Fmt;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a long job on standard error.
 *
 * <p>In an interactive terminal it redraws one line in place: label, bar, count/total, rate and ETA. Elsewhere
 * (CI logs, pipes, files) it prints a plain line at most every 5 seconds or when another 10% is done, whichever
 * comes first. {@link #close()} always prints a final line with the count and elapsed time. A total of
 * {@code -1} means unknown: no bar, percentage or ETA.
 *
 * <pre>{@code
 * try (var p = Progress.start("episodes", 10_000)) {
 *     for (...) { ...; p.step(); }          // step(n) may be called from many threads
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode {
        /** Redraw one line with carriage returns. */
        INTERACTIVE,
        /** Append plain lines (logs). */
        PLAIN,
        /** Print nothing. */
        QUIET;

        /**
         * INTERACTIVE when standard error is a terminal, there is a console, {@code CI} is not set and
         * {@code TERM} is not {@code dumb}; PLAIN otherwise. {@code -Dpolymath.progress=plain|interactive|quiet}
         * or {@code POLYMATH_PROGRESS} overrides.
         */
        public static Mode detect() {
            String forced = System.getProperty("polymath.progress", System.getenv("POLYMATH_PROGRESS"));
            if (forced != null && !forced.isBlank()) {
                try {
                    return Mode.valueOf(forced.strip().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ignored) {
                    // fall through to detection
                }
            }
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) return PLAIN;
            if ("dumb".equals(System.getenv("TERM"))) return PLAIN;
            return consoleIsTerminal() && stderrIsTerminal() ? INTERACTIVE : PLAIN;
        }
    }

    private static final long PLAIN_INTERVAL = TimeUnit.SECONDS.toNanos(5);
    /** Quick steps stay silent: users only need progress on work that takes more than a few seconds. */
    private static final long DEFAULT_GRACE = TimeUnit.SECONDS.toNanos(2);
    private static final long REDRAW_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final Mode mode;
    private final LongSupplier clock;
    private final long startNanos;
    private final int width;
    private final long grace;             // nothing is printed for work that ends sooner than this

    private final AtomicLong count = new AtomicLong();
    private volatile long nextDue;        // time of the next timed output
    private volatile int printedDecile;   // PLAIN: last 10% step printed
    private int lastLineLength;           // INTERACTIVE: to blank out a longer previous line
    private boolean closed;
    private volatile boolean printedAny;

    private Progress(Builder b) {
        this.label = b.label;
        this.total = b.total;
        this.unit = b.unit;
        this.out = b.out;
        this.mode = b.mode != null ? b.mode : (b.out == System.err ? Mode.detect() : Mode.PLAIN);
        this.clock = b.clock;
        this.width = b.width > 0 ? b.width : terminalWidth();
        this.grace = b.grace >= 0 ? b.grace : (b.out == System.err ? DEFAULT_GRACE : 0);
        this.startNanos = clock.getAsLong();
        this.nextDue = startNanos + (mode == Mode.PLAIN ? PLAIN_INTERVAL : 0);
    }

    /** Progress on standard error with the detected mode; {@code total} -1 if unknown. */
    public static Progress start(String label, long total) {
        return builder(label).total(total).build();
    }

    public static Builder builder(String label) {
        return new Builder(label);
    }

    public void step() {
        step(1);
    }

    /** Adds {@code n} finished items. Cheap when no output is due; safe from any thread. */
    public void step(long n) {
        long c = count.addAndGet(n);
        if (mode == Mode.QUIET) return;
        long now = clock.getAsLong();
        if (now - startNanos < grace) return;
        boolean due = now >= nextDue;
        if (!due && mode == Mode.PLAIN && total > 0) due = decile(c) > printedDecile;
        if (due) emit(now);
    }

    /** Sets the count (e.g. when progress is reported as "done so far" rather than increments). */
    public void set(long done) {
        count.set(done);
        step(0);
    }

    public long count() {
        return count.get();
    }

    private int decile(long c) {
        return total <= 0 ? 0 : (int) Math.min(10, c * 10 / total);
    }

    private synchronized void emit(long now) {
        if (closed) return;
        long c = count.get();
        if (mode == Mode.INTERACTIVE) {
            if (now < nextDue) return;
            nextDue = now + REDRAW_INTERVAL;
            String line = interactiveLine(c, now);
            int pad = Math.max(0, lastLineLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            out.flush();
            printedAny = true;
            lastLineLength = line.length();
        } else {
            int d = decile(c);
            boolean timed = now >= nextDue;
            if (!timed && d <= printedDecile) return;    // another thread printed already
            if (c == 0) return;
            printedDecile = Math.max(printedDecile, d);
            nextDue = now + PLAIN_INTERVAL;
            out.println(plainLine(c, now));
            out.flush();
            printedAny = true;
        }
    }

    /** Prints the final line: count, elapsed time and average rate. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (mode == Mode.QUIET) return;
        long now = clock.getAsLong();
        if (!printedAny && now - startNanos < grace) return;
        long c = count.get();
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        String done = total > 0 ? Fmt.count(c) + "/" + Fmt.count(total) : Fmt.count(c);
        String line = label + ": done " + done + " " + unit + " in " + Fmt.clock(secs) + " (" + rate(c / secs) + ")";
        if (mode == Mode.INTERACTIVE) {
            out.print("\r" + interactiveLine(c, now) + " ".repeat(Math.max(0, lastLineLength - interactiveLine(c, now).length())) + "\n");
        }
        out.println(line);
        out.flush();
    }

    // ------------------------------------------------------------------ formatting

    private String plainLine(long c, long now) {
        double secs = (now - startNanos) / 1e9;
        double r = secs > 0 ? c / secs : Double.NaN;
        var b = new StringBuilder(label).append(": ");
        if (total > 0) {
            b.append(Fmt.count(c)).append('/').append(Fmt.count(total)).append(' ').append(unit)
                    .append(String.format(Locale.ROOT, " (%d%%)", c * 100 / total));
        } else {
            b.append(Fmt.count(c)).append(' ').append(unit);
        }
        b.append(", ").append(rate(r)).append(", elapsed ").append(Fmt.clock(secs));
        if (total > 0 && c < total && r > 0) b.append(", ETA ").append(Fmt.clock((total - c) / r));
        return b.toString();
    }

    private String interactiveLine(long c, long now) {
        double secs = (now - startNanos) / 1e9;
        double r = secs > 0 ? c / secs : Double.NaN;
        String counts = total > 0 ? Fmt.count(c) + "/" + Fmt.count(total) : Fmt.count(c) + " " + unit;
        String tail = " " + counts + "  " + rate(r) + "  "
                + (total > 0 ? (c >= total ? Fmt.clock(secs) : "ETA " + (r > 0 ? Fmt.clock((total - c) / r) : "?")) : Fmt.clock(secs));
        if (total <= 0) return label + tail;
        String pct = String.format(Locale.ROOT, " %3d%% ", Math.min(100, c * 100 / total));
        int barW = Math.max(10, Math.min(40, width - label.length() - tail.length() - pct.length() - 3));
        int filled = (int) Math.min(barW, c * barW / total);
        return label + pct + "[" + "#".repeat(filled) + "-".repeat(barW - filled) + "]" + tail;
    }

    private String rate(double perSecond) {
        if (Double.isNaN(perSecond) || perSecond <= 0) return "- " + unit + "/s";
        if (perSecond < 1) return Fmt.fixed(1 / perSecond, 1) + " s/" + unit;
        return (perSecond < 100 ? Fmt.fixed(perSecond, 1) : Fmt.count(Math.round(perSecond))) + " " + unit + "/s";
    }

    // ------------------------------------------------------------------ terminal detection

    private static boolean consoleIsTerminal() {
        var console = System.console();
        if (console == null) return false;
        try {
            // Java 22+: a Console exists even when redirected; isTerminal() tells the truth
            var m = console.getClass().getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    private static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (!Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;   // not Linux: trust the console check
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.startsWith("/dev/console");
        } catch (Exception e) {
            return true;
        }
    }

    private static int terminalWidth() {
        try {
            String cols = System.getenv("COLUMNS");
            if (cols != null) return Math.max(40, Integer.parseInt(cols.strip()));
        } catch (NumberFormatException ignored) {
            // default below
        }
        return 100;
    }

    /** Options for a {@link Progress}. */
    public static final class Builder {
        private final String label;
        private long total = -1;
        private String unit = "it";
        private PrintStream out = System.err;
        private Mode mode;
        private LongSupplier clock = System::nanoTime;
        private int width;
        private long grace = -1;

        private Builder(String label) {
            this.label = label;
        }

        /** Number of items, or -1 (default) if unknown. */
        public Builder total(long total) {
            this.total = total;
            return this;
        }

        /** What is counted, e.g. "tasks", "episodes" (default "it"). */
        public Builder unit(String unit) {
            this.unit = unit;
            return this;
        }

        /** Where to write (default standard error). Streams other than standard error default to PLAIN mode. */
        public Builder out(PrintStream out) {
            this.out = out;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** A nanosecond clock (tests). */
        public Builder clock(LongSupplier nanos) {
            this.clock = nanos;
            return this;
        }

        /** Line width for the interactive bar (default {@code COLUMNS} or 100). */
        public Builder width(int columns) {
            this.width = columns;
            return this;
        }

        /**
         * Work that finishes within this time prints nothing at all (default 2 s on standard error, 0 on other
         * streams).
         */
        public Builder grace(java.time.Duration quiet) {
            this.grace = quiet.toNanos();
            return this;
        }

        public Progress build() {
            return new Progress(this);
        }
    }
}
