package dev.polymath.merge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The one-read top-k (sampled band + exact band histogram) gives the same threshold, tie counts and tie ranks
 * as sorting, takes the band when the sample is representative, and falls back to the two-level histogram,
 * still exact, when the sample misleads (threshold above or below the band) or the band would be too wide.
 */
class TopKSelectionTest {
    @TempDir Path dir;

    @AfterEach
    void reset() { TopKSelection.sampleMinElements = 1 << 18; }

    /** Runs the selection's passes the way the engine does: chunks, blocks within chunks, two workers. */
    static TopKSelection select(float[][] v, int[] model, long[] k, boolean keepTies, int chunk, int block) {
        int n = v[0].length;
        var sel = new TopKSelection(v.length, model, k, n, keepTies);
        Pass<?> p;
        while ((p = sel.nextPass(TopKSelectionTest::bits)) != null) drive(p, v, chunk, block);
        return sel;
    }

    static void bits(Chunk c, int m, int[] dst) {
        for (int j = 0; j < c.len; j++) dst[j] = TopKSelection.absBits(c.x[m][j]);
    }

    static <A> void drive(Pass<A> p, float[][] v, int chunk, int block) {
        int n = v[0].length, chunks = (n + chunk - 1) / chunk;
        List<A> accs = new ArrayList<>();
        List<A> workers = p.orderIndependent() ? List.of(p.newAcc(), p.newAcc()) : null;
        Chunk c = new Chunk();
        c.x = new float[v.length][block];
        for (int ci = 0; ci < chunks; ci++) {
            A acc = workers != null ? workers.get(ci % 2) : p.newAcc();
            c.index = ci;
            c.state = null;
            int len = Math.min(chunk, n - ci * chunk);
            for (int off = 0; off < len; off += block) {
                c.start = (long) ci * chunk + off;
                c.len = p.readLength(Math.min(block, len - off));
                for (int m = 0; m < v.length; m++) System.arraycopy(v[m], (int) c.start, c.x[m], 0, c.len);
                p.accumulate(c, acc);
            }
            if (workers == null) accs.add(acc);
        }
        p.finish(workers != null ? workers : accs);
    }

    /** Checks selector i against a sort of |v| bits: T, entries of T within the top k, ties at T, tie ranks per chunk. */
    static void checkAgainstSort(TopKSelection sel, int i, float[] v, long k, int chunk) {
        int n = v.length;
        int[] bits = new int[n];
        for (int j = 0; j < n; j++) bits[j] = TopKSelection.absBits(v[j]);
        int[] sorted = bits.clone();
        Arrays.sort(sorted);
        int t = sorted[n - (int) k];
        long above = 0, eq = 0;
        for (int b : bits) { if (b > t) above++; if (b == t) eq++; }
        assertEquals(t, sel.thr[i], "threshold bits of selector " + i);
        assertEquals(eq, sel.eqTotal[i], "entries equal to T");
        assertEquals(k - above, sel.need[i], "entries equal to T within the top k");
        assertEquals(!sel.keepTies && k - above < eq, sel.ranked[i], "ranked");
        if (sel.ranked[i]) {
            long run = 0;
            for (int ci = 0; ci * chunk < n; ci++) {
                assertEquals(run, sel.eqBefore[ci][i], "ties at T before chunk " + ci);
                for (int j = ci * chunk; j < Math.min(n, (ci + 1) * chunk); j++) if (bits[j] == t) run++;
            }
        }
    }

    static float[][] gaussian(int models, int n, long seed) {
        var r = new SplittableRandom(seed);
        float[][] v = new float[models][n];
        for (float[] a : v) for (int j = 0; j < n; j++) a[j] = (float) (r.nextGaussian() * 0.01);
        return v;
    }

    @Test
    void representativeSampleTakesTheBand() {
        int n = 1 << 20, chunk = 1 << 18;
        float[][] v = gaussian(3, n, 1);
        int[] model = {0, 1, 2, 2, 1};
        long[] k = {n / 5, n / 10, n / 20, 60_000 + 1, n / 1000};
        var sel = select(v, model, k, false, chunk, 16384);
        for (int i = 0; i < model.length; i++) {
            checkAgainstSort(sel, i, v[model[i]], k[i], chunk);
            // far in the tail the sample's rank spread covers more buckets than MAX_BAND: exact through the fallback
            if (i < 4) assertEquals("band", sel.how[i], "selector " + i + ", band " + sel.bandLo[i] + ".." + sel.bandHi[i]);
        }
    }

    /** Few distinct magnitudes: ties at T straddle k (ranked, tie counts per chunk), and with keepTies all are kept. */
    @Test
    void tiesAtTheThresholdThroughTheBand() {
        int n = 300_000, chunk = 50_000;
        var r = new SplittableRandom(2);
        float[][] v = new float[1][n];
        for (int j = 0; j < n; j++) v[0][j] = (r.nextInt(41) - 20) / 64f;
        // k in the middle of the group of the 5th largest magnitude: ties must straddle it
        long above = 0, group = 0;
        for (float x : v[0]) { if (Math.abs(x) > 16 / 64f) above++; if (Math.abs(x) == 16 / 64f) group++; }
        long k = above + group / 2;
        for (boolean keepTies : new boolean[] {false, true}) {
            var sel = select(v, new int[] {0}, new long[] {k}, keepTies, chunk, 4096);
            assertEquals("band", sel.how[0]);
            assertEquals(Float.floatToRawIntBits(16 / 64f), sel.thr[0]);
            assertEquals(!keepTies, sel.ranked[0]);
            checkAgainstSort(sel, 0, v[0], k, chunk);
        }
    }

    /** The first 1/16 of every block (all the sample sees) is unlike the rest: T lies outside the band either way. */
    @Test
    void misleadingSampleFallsBackExactly() {
        int n = 1 << 19, block = 16384, chunk = 1 << 16;
        var r = new SplittableRandom(3);
        for (boolean smallPrefix : new boolean[] {true, false}) {
            float[][] v = new float[1][n];
            for (int j = 0; j < n; j++) {
                boolean prefix = j % block < block / 16;
                double scale = prefix == smallPrefix ? 1e-3 : 1.0;
                v[0][j] = (float) (r.nextGaussian() * scale);
            }
            long k = n / 5;
            var sel = select(v, new int[] {0}, new long[] {k}, false, chunk, block);
            assertTrue(sel.bandLo[0] >= 0, "a band was predicted");
            assertEquals("histogram", sel.how[0], "smallPrefix " + smallPrefix);
            checkAgainstSort(sel, 0, v[0], k, chunk);
        }
    }

    /** Magnitudes spread over many octaves: the predicted band would be wider than MAX_BAND buckets. */
    @Test
    void tooWideBandFallsBack() {
        int n = 1 << 18;
        var r = new SplittableRandom(4);
        float[][] v = new float[1][n];
        for (int j = 0; j < n; j++) v[0][j] = (float) Math.scalb(1.0 + r.nextDouble(), r.nextInt(-60, 60));
        var sel = select(v, new int[] {0}, new long[] {n / 3}, false, 1 << 16, 16384);
        assertEquals(-1, sel.bandLo[0]);
        assertEquals("histogram", sel.how[0]);
        checkAgainstSort(sel, 0, v[0], n / 3, 1 << 16);
    }

    /** Whole merges: the band path and the two-level histogram give identical files and statistics. */
    @Test
    void mergesAreIdenticalEitherWay() throws IOException {
        int n = 300_000;
        var r = new SplittableRandom(5);
        String[] files = {"base", "a", "b", "c"};
        float[][] w = new float[4][n], u = new float[4][n];
        for (int j = 0; j < n; j++) {
            w[0][j] = (float) r.nextGaussian();
            u[0][j] = (r.nextInt(201) - 100) / 1024f;
            for (int m = 1; m < 4; m++) {
                w[m][j] = w[0][j] + (float) r.nextGaussian() * 0.01f;
                u[m][j] = u[0][j] + (r.nextInt(9) - 4) / 1024f;        // few distinct deltas: ties at every threshold
            }
        }
        for (int m = 0; m < 4; m++) {
            TestModels.write(dir.resolve(files[m] + ".safetensors"), Map.of("layers.0.w", w[m], "layers.1.w", u[m]),
                    Map.of("layers.0.w", new long[] {300, 1000}, "layers.1.w", new long[] {1000, 300}));
        }
        String h = "base_model: base.safetensors\nmodels:\n  - model: a.safetensors\n  - model: b.safetensors\n  - model: c.safetensors\n";
        for (String yaml : List.of(
                "merge_method: ties\n" + h + "parameters: {weight: 1, density: 0.2}\n",
                "merge_method: breadcrumbs_ties\n" + h + "parameters: {weight: 1, density: 0.3, gamma: 0.02}\n",
                "merge_method: ties_global\n" + h + "parameters: {density: 0.25}\n")) {
            var opt = MergeEngine.Options.defaults().withThreads(2).withChunk(1 << 16);
            TopKSelection.sampleMinElements = Integer.MAX_VALUE;
            var ref = TestModels.mergeYaml(dir, yaml, dir.resolve("ref" + System.nanoTime()), opt);
            TopKSelection.sampleMinElements = 1 << 18;
            var got = TestModels.mergeYaml(dir, yaml, dir.resolve("got" + System.nanoTime()), opt);
            assertArrayEquals(Files.readAllBytes(ref.out().resolve("model.safetensors")), Files.readAllBytes(got.out().resolve("model.safetensors")), yaml);
            assertEquals(Files.readString(ref.out().resolve("merge_stats.json")), Files.readString(got.out().resolve("merge_stats.json")), yaml);
        }
    }

    /** The peer's fixture through the band path (sampling forced on its small tensors) still matches the peer's digests. */
    @Test
    void peerFixtureThroughTheBand() throws IOException {
        TopKSelection.sampleMinElements = 1;
        Path fx = PeerBitExactTest.fixture();
        var expected = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fx.resolve("expected.json").toFile());
        var ties = TestModels.merge(fx.resolve("ties.yaml"), dir.resolve("ties"), MergeEngine.Options.defaults().withThreads(2).withChunk(512));
        assertEquals(expected.get("sha256_data_merged_ties").asText(), TestModels.sha256Data(ties.out().resolve("model.safetensors")));
    }
}
