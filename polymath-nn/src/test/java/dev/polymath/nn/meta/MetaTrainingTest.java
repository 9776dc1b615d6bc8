package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaTrainingTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch(2);
    }

    @Test
    void fomamlOnSineReducesPostAdaptationMseWellBelowUntrained(@TempDir Path dir) throws Exception {
        var tasks = new SineMetaTasks(10, 0);
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("maml-fo", tasks.learner("maml-fo"), MetaConfig.sine(0), m)) {
            MetaTrainer.HeldOut untrained = MetaTrainer.evaluate(a, tasks, "test", 600, 100, true);
            Path ckpt = dir.resolve("meta.safetensors");
            var r = MetaTrainer.train(a, tasks, MetaTrainer.Options.defaults(400, 25).withTest(50, 600).withCheckpoint(ckpt, 0), null);
            assertEquals(600, r.test().tasks());
            assertTrue(r.test().loss().mean() < 0.7 * untrained.loss().mean(),
                    "post-adaptation MSE " + r.test().loss() + " vs untrained " + untrained.loss());
            assertTrue(r.test().loss().mean() < r.test().lossBefore().mean(), "adaptation helps");
            assertTrue(r.validationX().length > 0 && r.curveX().length > 0);
            // checkpoint round trip: a fresh algorithm restored from it evaluates identically
            assertTrue(Files.size(ckpt) > 4 * 1761);
            Map<String, Safetensors.Tensor> t = Safetensors.read(ckpt);
            assertArrayEquals(a.params().get(2).toFloatArray(), t.get("layer2.weight").values(), 0f);
            try (MetaAlgorithm b = Algorithms.create("maml-fo", tasks.learner("maml-fo"), MetaConfig.sine(99), m)) {
                b.restore(t);
                assertArrayEquals(a.params().flat().toFloatArray(), b.params().flat().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void sameSeedSameRun() {
        var tasks = new SineMetaTasks(5, 3);
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("meta-sgd", tasks.learner("meta-sgd"), MetaConfig.sine(3), m)) {
                MetaTrainer.train(a, tasks, MetaTrainer.Options.defaults(30, 5).withTest(0, 10), null);
                out[k] = a.params().flat().toFloatArray();
            }
        }
        assertArrayEquals(out[0], out[1], 0f);
    }

    private static long rssKiB() throws Exception {
        String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
        return Long.parseLong(f[1]) * 4;
    }

    @Test
    void thousandsOfAdaptationsLeaveNativeMemoryFlat() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("maml-fo", SineTasks.model(), MetaConfig.sine(0), m)) {
            var rng = new SplittableRandom(1);
            long warm = 0;
            for (int i = 0; i < 10_000; i++) {
                if (i == 4000) {
                    System.gc();
                    warm = rssKiB() - Runtime.getRuntime().totalMemory() / 1024;
                }
                if (i % 2000 == 0) System.out.println("adaptations " + i + ": RSS " + rssKiB() + " KiB, heap committed " + Runtime.getRuntime().totalMemory() / 1024 + " KiB");
                try (NDManager it = m.newSubManager()) {
                    TaskBatch b = SineTasks.sample(it, rng, 25, 10, 10);
                    if (i % 2 == 0) a.metaStep(b);
                    else a.predict(a.adapt(b.xs(), b.ys(), 1), b.xq());
                }
            }
            System.gc();
            // native memory: RSS minus the committed Java heap (which may grow by itself)
            long grown = rssKiB() - Runtime.getRuntime().totalMemory() / 1024 - warm;
            assertTrue(grown < 16 * 1024, "RSS grew by " + grown + " KiB over 6000 adaptations after 4000 of warm-up after warm-up");
        }
    }
}
