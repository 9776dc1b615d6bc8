package dev.polymath.nn;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Memory of this process as seen from outside the Java heap (Linux; -1 where a figure is unavailable).
 *
 * <p>Why three figures: resident memory alone misleads a leak check, because the Java heap is committed up front
 * but becomes resident page by page as the collector first allocates into each region. A run that allocates
 * Java garbage therefore grows its RSS for a long while although nothing leaks, and "RSS minus committed heap"
 * grows with it. {@link #residentOutsideJavaHeapBytes()} leaves the heap's pages out, and
 * {@link #mallocInUseBytes()} counts the bytes native code holds from malloc (ONNX Runtime, the tokenizers,
 * the JVM itself), which is the exact figure a native leak raises.
 */
public final class NativeMemory {
    private NativeMemory() {}

    private static final long PAGE = 4096;
    private static final Pattern HEX = Pattern.compile("0x([0-9a-fA-F]+)");

    /** Resident set size in bytes (Java heap + native allocations + mapped code), or -1 when unknown. */
    public static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Resident bytes of every mapping outside the Java heap's reserved address range (from
     * {@code /proc/self/smaps} and the JVM's {@code GC.heap_info}), or -1 when either is unavailable.
     */
    public static long residentOutsideJavaHeapBytes() {
        long[] heap = javaHeapRange();
        if (heap == null) return -1;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
            long total = 0;
            boolean inHeap = false;
            for (String line : lines) {
                if (!line.isEmpty() && Character.digit(line.charAt(0), 16) >= 0 && line.indexOf('-') > 0 && line.indexOf(' ') > line.indexOf('-')) {
                    int dash = line.indexOf('-');
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, line.indexOf(' ')), 16);
                    inHeap = start >= heap[0] && end <= heap[1];
                } else if (line.startsWith("Rss:") && !inHeap) {
                    total += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Asks the JVM to hand glibc's free pages back to the kernel ({@code jcmd System.trim_native_heap}), so that
     * resident memory read right after reflects what is in use rather than the allocator's free lists; returns
     * false when the JVM cannot do it.
     */
    public static boolean trimNativeHeap() {
        return diagnosticCommand("systemTrimNativeHeap") != null;
    }

    private static String diagnosticCommand(String operation) {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            return null;
        }
    }

    /** [start, end) of the Java heap's reservation, from the lowest and highest address GC.heap_info prints. */
    static long[] javaHeapRange() {
        String info = diagnosticCommand("gcHeapInfo");
        if (info == null) return null;
        try {
            long lo = Long.MAX_VALUE, hi = 0;
            Matcher m = HEX.matcher(info);
            while (m.find()) {
                long a = Long.parseUnsignedLong(m.group(1), 16);
                lo = Math.min(lo, a);
                hi = Math.max(hi, a);
            }
            return hi > lo ? new long[] {lo, hi} : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** glibc's {@code struct mallinfo2}: ten {@code size_t} counters. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"})
    public static final class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    /**
     * Bytes currently allocated through malloc in all of glibc's arenas (mallinfo2's {@code uordblks}, plus
     * {@code hblkhd} for the large blocks malloc maps directly), or -1 without glibc 2.33+.
     */
    public static long mallocInUseBytes() {
        if (!Platform.isLinux()) return -1;
        try {
            MallInfo2 info = (MallInfo2) Function.getFunction("c", "mallinfo2").invoke(MallInfo2.class, new Object[0]);
            return info.uordblks + info.hblkhd;
        } catch (Throwable e) {
            return -1;
        }
    }
}
