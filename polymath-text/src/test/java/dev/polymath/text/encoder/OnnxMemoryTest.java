package dev.polymath.text.encoder;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.polymath.nn.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Native memory of the ONNX encoding path stays flat over many encoded batches of varying shape.
 *
 * <p>Measured as the bytes native code holds from malloc (exact: a leak of one small allocation per batch shows
 * up as batches × its size) and as resident memory outside the Java heap's address range. Plain RSS is not
 * used: the Java heap becomes resident page by page while the collector first fills each region, which once
 * looked like ~4.8 KB of native growth per batch (docs/dev/onnx-memory.md). 2,000 batches here (about 30 s on
 * one thread); {@code -Dpolymath.memory.batches=10000} runs the full figure.
 */
class OnnxMemoryTest {
    private static final int WARMUP = 400;
    private static final int READ_EVERY = 25;

    @Test
    void nativeMemoryIsFlatOverManyBatches() throws InterruptedException {
        assumeTrue(NativeMemory.mallocInUseBytes() > 0 && NativeMemory.residentOutsideJavaHeapBytes() > 0,
                "needs Linux with glibc >= 2.33 (mallinfo2) and /proc/self/smaps");
        int batches = Integer.getInteger("polymath.memory.batches", 2000);
        int window = batches / 4;
        var rnd = new SplittableRandom(20261126);
        try (var enc = OnnxSentenceEncoder.open(MiniLmTestSupport.source(), EncoderSettings.defaults().withThreads(1).withBatchSize(4))) {
            for (int i = 0; i < WARMUP; i++) enc.encode(texts(rnd));
            settle();
            // The lowest reading of the first and of the last quarter: the JIT compiler's malloc'd arenas come and
            // go while it works, a leak only adds.
            long mallocFirst = Long.MAX_VALUE, mallocLast = Long.MAX_VALUE, rssFirst = Long.MAX_VALUE, rssLast = Long.MAX_VALUE;
            for (int i = 0; i < batches; i++) {
                enc.encode(texts(rnd));
                if (i % READ_EVERY == READ_EVERY - 1 && (i < window || i >= batches - window)) {
                    NativeMemory.trimNativeHeap();
                    long m = NativeMemory.mallocInUseBytes(), r = NativeMemory.residentOutsideJavaHeapBytes();
                    if (i < window) { mallocFirst = Math.min(mallocFirst, m); rssFirst = Math.min(rssFirst, r); }
                    else { mallocLast = Math.min(mallocLast, m); rssLast = Math.min(rssLast, r); }
                }
            }
            long mallocGrowth = mallocLast - mallocFirst;
            long rssGrowth = rssLast - rssFirst;
            System.out.printf("onnx memory, %d batches after %d warm-up, last quarter vs first: malloc in use %+.2f MiB (of %.1f MiB), resident outside the Java heap %+.2f MiB (of %.1f MiB)%n",
                    batches, WARMUP, mallocGrowth / 1048576.0, mallocFirst / 1048576.0, rssGrowth / 1048576.0, rssFirst / 1048576.0);
            // The JVM's own tables (JIT metadata, symbols) may still add a few hundred KiB once; a leak grows with
            // the 3/4 of the batches between the two windows. The reported 4.8 KB per batch would give ~7 MiB
            // here, and a third of that rate would exceed the bound too.
            long bound = (2L << 20) + 128L * batches * 3 / 4;
            assertTrue(mallocGrowth < bound, "malloc'd native memory grew by " + mallocGrowth + " bytes over " + batches + " batches");
            // Resident pages also follow JIT code and compiler arenas (glibc's free pages are trimmed before each
            // reading); a leak of the reported size would still exceed this bound.
            assertTrue(rssGrowth < Math.max(6L << 20, 2 * bound), "resident memory outside the Java heap grew by " + (rssGrowth >> 10) + " KiB over " + batches + " batches");
        }
    }

    /** 1 to 4 texts of 1 to 40 words: batch shape and padded length change from call to call. */
    private static List<String> texts(SplittableRandom rnd) {
        String[] words = {"card", "top", "up", "my", "transfer", "the", "refund", "why", "is", "pending", "exchange", "rate", "fee", "account", "PIN"};
        int n = 1 + rnd.nextInt(4);
        var out = new ArrayList<String>(n);
        for (int i = 0; i < n; i++) {
            var sb = new StringBuilder();
            int len = 1 + rnd.nextInt(40);
            for (int w = 0; w < len; w++) sb.append(words[rnd.nextInt(words.length)]).append(' ');
            out.add(sb.toString().trim());
        }
        return out;
    }

    /** Lets the collector run and direct-buffer cleaners free their native memory before a reading. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(150);
        }
    }
}
