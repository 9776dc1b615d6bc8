package dev.polymath.nn.meta;

import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

class SineSpeedProbe {
    @Test
    void probe() {
        Engines.pytorch(2);
        try (NDManager root = NDManager.newBaseManager()) {
            for (String name : new String[] {"maml-fo:0", "maml-fo:1", "maml-fo:2", "meta-sgd:0", "maml:0"}) {
                try (MetaAlgorithm algo = Algorithms.create(name.split(":")[0], SineTasks.model(), MetaConfig.sine(Long.parseLong(name.split(":")[1])), root)) {
                    SplittableRandom rng = new SplittableRandom(Long.parseLong(name.split(":")[1]) + 100);
                    int iters = 2000;
                    long t0 = 0;
                    float loss = 0;
                    for (int it = 0; it < iters; it++) {
                        if (it == 20) t0 = System.nanoTime();
                        try (NDManager m = root.newSubManager()) {
                            loss = algo.metaStep(SineTasks.sample(m, rng, 25, 10, 10));
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    double mse;
                    try (NDManager m = root.newSubManager()) {
                        var ev = algo.evaluate(SineTasks.sample(m, new SplittableRandom(12345), 2000, 10, 100));
                        double sum = 0; for (float f : ev.loss()) sum += f; mse = sum / ev.loss().length;
                    }
                    System.out.printf("%s: %.1f it/s, last loss %.3f, post-adapt mse %.3f%n", name, (iters - 20) / s, loss, mse);
                }
            }
        }
    }
}
