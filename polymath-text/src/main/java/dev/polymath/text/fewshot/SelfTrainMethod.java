package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.ArrayList;
import java.util.Map;

/**
 * {@code selftrain}: fit a base method, pseudo-label the unlabelled pool, keep for each class at most
 * {@code perClass} pool texts (default: as many as its support examples) whose predicted probability is at
 * least {@code threshold}, most confident first, and refit on support + pseudo-labels, for {@code rounds}
 * rounds. Without a pool it equals the base method.
 */
public final class SelfTrainMethod implements FewShotMethod {
    private final FewShotMethod base;
    private final double threshold;
    private final int rounds;

    public SelfTrainMethod() {
        this(new PrototypeMethod(), 0.5, 1);
    }

    public SelfTrainMethod(FewShotMethod base, double threshold, int rounds) {
        if (base.zeroShot() || base.usesPool()) throw new IllegalArgumentException("selftrain needs a supervised base method, got " + base.name());
        this.base = base;
        this.threshold = threshold;
        this.rounds = rounds;
    }

    @Override
    public String name() {
        return "selftrain";
    }

    @Override
    public String description() {
        return "base method (" + base.name() + ") + confident pseudo-labels from an unlabelled pool";
    }

    @Override
    public boolean usesPool() {
        return true;
    }

    @Override
    public FittedHead fit(Support s) {
        FittedHead head = base.fit(s);
        FloatMatrix pool = s.pool();
        if (pool == null || pool.rows() == 0) return head;
        int[] perClass = s.counts();
        for (int r = 0; r < rounds; r++) {
            double[][] p = head.probabilities(pool);
            var byClass = new ArrayList<ArrayList<Integer>>();
            for (int c = 0; c < s.classes(); c++) byClass.add(new ArrayList<>());
            for (int i = 0; i < p.length; i++) {
                int c = Softmax.argmax(p[i]);
                if (p[i][c] >= threshold) byClass.get(c).add(i);
            }
            var rows = new ArrayList<Integer>();
            var labels = new ArrayList<Integer>();
            for (int c = 0; c < s.classes(); c++) {
                final int cls = c;
                byClass.get(c).sort((a, b) -> Double.compare(p[b][cls], p[a][cls]));
                for (int j = 0; j < Math.min(perClass[c], byClass.get(c).size()); j++) {
                    rows.add(byClass.get(c).get(j));
                    labels.add(c);
                }
            }
            if (rows.isEmpty()) return head;
            int d = pool.cols(), n = s.size(), m = rows.size();
            float[] data = new float[(n + m) * d];
            System.arraycopy(s.embeddings().data(), 0, data, 0, n * d);
            int[] y = new int[n + m];
            System.arraycopy(s.labels(), 0, y, 0, n);
            for (int j = 0; j < m; j++) {
                System.arraycopy(pool.data(), rows.get(j) * d, data, (n + j) * d, d);
                y[n + j] = labels.get(j);
            }
            head = base.fit(new Support(new FloatMatrix(n + m, d, data), y, s.index(), s.labelEmbeddings(), null, s.seed()));
        }
        return head;
    }

    @Override
    public FittedHead load(Map<String, FittedHead.Tensor> tensors, Map<String, Object> settings) {
        return base.load(tensors, settings);
    }
}
