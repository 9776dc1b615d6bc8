package dev.polymath.merge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The block kernels (column-wise loops, blocks within a chunk, register-held statistics) give bit-identical
 * tensors and statistics to the element-by-element reference ({@link GtaJob#applyScalar}, one block per
 * chunk), for every task-vector method, on data with many ties at the thresholds, zeros, signed zeros and
 * non-finite values, for any thread count and block size.
 */
class BlockKernelTest {
    @TempDir Path dir;
    static final int N0 = 3000, N1 = 2048, N2 = 517;

    @BeforeEach
    void models() {
        SplittableRandom r = new SplittableRandom(11);
        float[][] t0 = new float[4][N0], t1 = new float[4][N1], t2 = new float[4][N2];
        for (int i = 0; i < N0; i++) {
            // dyadic values: exact deltas, many equal magnitudes (ties straddle every threshold)
            t0[0][i] = (r.nextInt(201) - 100) / 1024f;
            for (int m = 1; m < 4; m++) t0[m][i] = t0[0][i] + (r.nextInt(9) - 4) / 1024f;
        }
        for (int i = 0; i < N1; i++) {
            t1[0][i] = (float) r.nextGaussian() * 0.02f;
            for (int m = 1; m < 4; m++) {
                int k = r.nextInt(20);
                t1[m][i] = k == 0 ? t1[0][i] : k == 1 ? -0f : t1[0][i] + (float) r.nextGaussian() * 0.002f;
            }
        }
        for (int i = 0; i < N2; i++) {
            t2[0][i] = (float) r.nextGaussian();
            for (int m = 1; m < 4; m++) t2[m][i] = t2[0][i] + (float) r.nextGaussian() * 0.1f;
        }
        t2[0][5] = -0f;
        t2[1][17] = Float.POSITIVE_INFINITY;
        t2[2][200] = Float.NaN;
        t2[3][300] = Float.NEGATIVE_INFINITY;
        String[] files = {"base", "a", "b", "c"};
        for (int m = 0; m < 4; m++) {
            TestModels.write(dir.resolve(files[m] + ".safetensors"),
                    Map.of("layers.0.w", t0[m], "layers.1.w", t1[m], "layers.2.b", t2[m]),
                    Map.of("layers.0.w", new long[] {30, 100}, "layers.1.w", new long[] {16, 128}));
        }
    }

    @AfterEach
    void reset() { GtaJob.forceScalar = false; }

    static final String THREE = "models:\n  - model: a.safetensors\n    parameters: {weight: 0.5}\n  - model: b.safetensors\n    parameters: {weight: -1.25}\n"
            + "  - model: c.safetensors\n    parameters: {weight: 2}\n";
    static final String ONES = "models:\n  - model: a.safetensors\n  - model: b.safetensors\n  - model: c.safetensors\n";

    static List<String> configs() {
        String h = "base_model: base.safetensors\n";
        return List.of(
                "merge_method: task_arithmetic\n" + h + ONES + "parameters: {weight: 1}\n",
                "merge_method: task_arithmetic\n" + h + THREE + "parameters: {lambda: 0.7, normalize: true}\n",
                "merge_method: ties\n" + h + ONES + "parameters: {weight: 1, density: 0.3, lambda: 0.5}\n",
                "merge_method: ties\n" + h + THREE + "parameters: {density: 0.45, normalize: false, consensus_method: count}\n",
                "merge_method: ties\n" + h + THREE + "parameters: {density: 0.2, topk_scope: model}\n",
                "merge_method: ties\n" + h + ONES + "parameters: {weight: 1, density: 1.0}\n",
                "merge_method: ties\n" + h + ONES + "parameters: {weight: 1, density: 0.0}\n",
                "merge_method: dare_ties\n" + h + THREE + "parameters: {density: 0.6}\n",
                "merge_method: dare_linear\n" + h + THREE + "parameters: {density: 0.4, rescale_mode: inverse_density}\n",
                "merge_method: breadcrumbs\n" + h + THREE + "parameters: {density: 0.5, gamma: 0.1}\n",
                "merge_method: breadcrumbs_ties\n" + h + ONES + "parameters: {weight: 1, density: 0.3, gamma: 0.05, normalize: true}\n",
                "merge_method: ties_global\n" + h + ONES + "parameters: {density: 0.25, merge_func: sum}\n",
                "merge_method: ties_global\n" + h + ONES + "parameters: {density: 0.25, merge_func: mean}\n");
    }

    record Out(byte[] model, String stats) {}

    Out run(String yaml, MergeEngine.Options opt) {
        try {
            var r = TestModels.mergeYaml(dir, yaml, dir.resolve("out" + System.nanoTime()), opt);
            return new Out(Files.readAllBytes(r.out().resolve("model.safetensors")), Files.readString(r.out().resolve("merge_stats.json")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void blockKernelsMatchTheScalarReference() {
        for (String yaml : configs()) {
            for (int chunk : new int[] {1 << 20, 97, 1000}) {
                GtaJob.forceScalar = true;
                Out ref = run(yaml, MergeEngine.Options.defaults().withThreads(1).withSeed(3).withChunk(chunk).withBlock(chunk));
                GtaJob.forceScalar = false;
                for (int[] tb : new int[][] {{1, 0}, {2, 13}, {3, 256}, {2, 1}}) {
                    Out got = run(yaml, MergeEngine.Options.defaults().withThreads(tb[0]).withSeed(3).withChunk(chunk).withBlock(tb[1]));
                    String what = yaml + " chunk " + chunk + " threads " + tb[0] + " block " + tb[1];
                    assertArrayEquals(ref.model(), got.model(), what);
                    assertEquals(ref.stats(), got.stats(), what);
                }
            }
        }
    }
}
