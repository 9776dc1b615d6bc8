package dev.polymath.nn.meta;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second-order MAML against an independent answer: the meta-gradient of a 1-4-1 ReLU MLP after two inner steps,
 * by central finite differences of the meta-loss computed in double precision by the plain Java model below.
 * And: many meta-iterations leave native memory flat (the create_graph implementation leaked ~1.3 MB each).
 */
class MamlSecondOrderTest {
    private static final int H = 4;

    @BeforeAll
    static void engine() {
        Engines.pytorch(1);
    }

    /** Loss (MSE) and gradient of a 1-H-1 ReLU MLP, parameters laid out as Mlp's flat buffer: W1(1,H), b1(H), W2(H,1), b2. */
    private static double lossGrad(double[] p, double[] x, double[] y, double[] grad) {
        int n = x.length;
        double loss = 0;
        if (grad != null) java.util.Arrays.fill(grad, 0);
        for (int i = 0; i < n; i++) {
            double[] z = new double[H];
            double out = p[3 * H];
            for (int j = 0; j < H; j++) {
                z[j] = p[j] * x[i] + p[H + j];
                out += p[2 * H + j] * Math.max(z[j], 0);
            }
            double r = out - y[i];
            loss += r * r / n;
            if (grad == null) continue;
            double d = 2 * r / n;
            grad[3 * H] += d;
            for (int j = 0; j < H; j++) {
                grad[2 * H + j] += d * Math.max(z[j], 0);
                double dz = z[j] > 0 ? d * p[2 * H + j] : 0;
                grad[j] += dz * x[i];
                grad[H + j] += dz;
            }
        }
        return loss;
    }

    /** Mean over tasks of the query loss after {@code steps} SGD steps on each task's support loss. */
    private static double metaLoss(double[] theta, double[][][] tasks, int steps, double lr) {
        double sum = 0;
        for (double[][] t : tasks) {
            double[] phi = theta.clone(), g = new double[theta.length];
            for (int s = 0; s < steps; s++) {
                lossGrad(phi, t[0], t[1], g);
                for (int k = 0; k < phi.length; k++) phi[k] -= lr * g[k];
            }
            sum += lossGrad(phi, t[2], t[3], null);
        }
        return sum / tasks.length;
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void metaGradientMatchesFiniteDifferencesOfTheMetaLoss() {
        int steps = 2, tasksN = 3, k = 5;
        float lr = 0.05f;
        MetaConfig config = new MetaConfig(lr, steps, steps, 0.001f, 0.1f, 11);
        try (NDManager m = NDManager.newBaseManager();
             Maml maml = new Maml(new Mlp(Objective.MSE, 1, H, 1), config, m);
             NDManager it = m.newSubManager()) {
            TaskBatch b = SineTasks.sample(it, new SplittableRandom(12), tasksN, k, k);
            double[] xs = doubles(b.xs().toFloatArray()), ys = doubles(b.ys().toFloatArray());
            double[] xq = doubles(b.xq().toFloatArray()), yq = doubles(b.yq().toFloatArray());
            double[][][] tasks = new double[tasksN][][];
            for (int t = 0; t < tasksN; t++) {
                tasks[t] = new double[][] {java.util.Arrays.copyOfRange(xs, t * k, t * k + k), java.util.Arrays.copyOfRange(ys, t * k, t * k + k),
                        java.util.Arrays.copyOfRange(xq, t * k, t * k + k), java.util.Arrays.copyOfRange(yq, t * k, t * k + k)};
            }
            double[] theta = doubles(maml.params().flat().toFloatArray());
            assertEquals(3 * H + 1, theta.length);

            Maml.Outer o = maml.outer(b);
            float[] analytic = maml.params().flatten(o.grads()).toFloatArray();
            assertEquals(metaLoss(theta, tasks, steps, lr), o.loss(), 1e-4);

            double eps = 1e-6, maxAbs = 0, maxErr = 0, maxFoErr = 0;
            double[] fd = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                double[] plus = theta.clone(), minus = theta.clone();
                plus[i] += eps;
                minus[i] -= eps;
                fd[i] = (metaLoss(plus, tasks, steps, lr) - metaLoss(minus, tasks, steps, lr)) / (2 * eps);
                maxAbs = Math.max(maxAbs, Math.abs(fd[i]));
                maxErr = Math.max(maxErr, Math.abs(fd[i] - analytic[i]));
            }
            // first-order MAML's gradient (query gradient at the adapted weights) for contrast
            NDList fast = maml.adapt(b.xs(), b.ys(), steps);
            float[] fo = maml.params().flatten(maml.learner().lossGrads(fast, b.xq(), b.yq(), true, 0).grads()).toFloatArray();
            for (int i = 0; i < theta.length; i++) maxFoErr = Math.max(maxFoErr, Math.abs(fd[i] - fo[i]));
            assertTrue(maxErr < 1e-3 * maxAbs, "second-order gradient off by " + maxErr + " (largest entry " + maxAbs + ")");
            assertTrue(maxFoErr > 20 * maxErr, "the second-order terms are visible: first-order error " + maxFoErr + " vs " + maxErr);
            float[] before = maml.params().flat().toFloatArray();
            assertEquals(before.length, theta.length);
            for (int i = 0; i < before.length; i++) assertEquals(theta[i], before[i], 0.0, "outer() does not update");
        }
    }

    private static long rssKiB() throws Exception {
        String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
        return Long.parseLong(f[1]) * 4;
    }

    @Test
    void secondOrderMetaTrainingLeavesNativeMemoryFlat() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); MetaAlgorithm a = Algorithms.create("maml", SineTasks.model(), MetaConfig.sine(0), m)) {
            var rng = new SplittableRandom(1);
            long warm = 0;
            int total = 7000, warmup = 4000; // malloc settles within ~4000 iterations, then stays flat
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    System.gc();
                    warm = rssKiB() - Runtime.getRuntime().totalMemory() / 1024;
                }
                try (NDManager it = m.newSubManager()) {
                    TaskBatch b = SineTasks.sample(it, rng, 25, 10, 10);
                    if (i % 2 == 0) a.metaStep(b);
                    else a.predict(a.adapt(b.xs(), b.ys(), 1), b.xq());
                }
            }
            System.gc();
            long grown = rssKiB() - Runtime.getRuntime().totalMemory() / 1024 - warm;
            // the create_graph implementation grew ~1.15 MB per meta-step: ~1.7 GB here
            assertTrue(grown < 16 * 1024, "native memory grew by " + grown + " KiB over " + (total - warmup) + " iterations after warm-up");
        }
    }
}
