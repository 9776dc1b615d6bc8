package dev.polymath.text.fewshot;

import dev.polymath.text.FloatMatrix;

import java.util.Map;

/**
 * {@code selftrain}: fit a base method, pseudo-label the unlabelled pool, keep for each class at most
 * {@code perClass} pool texts (default: as many as its support examples) whose predicted probability is at
 * least {@code threshold}, most confident first, and refit on support + pseudo-labels, for {@code rounds}
 * rounds. Without a pool it equals the base method. The registry names it {@code selftrain} (base {@code prototype})
 * or {@code selftrain:<base>} for any other supervised method (e.g. {@code selftrain:logistic}).
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

    /** {@code selftrain} over the default base ({@code prototype}), else {@code selftrain:<base>} (how the registry and a saved config name it). */
    @Override
    public String name() {
        return base instanceof PrototypeMethod ? NAME : NAME + ":" + base.name();
    }

    static final String NAME = "selftrain";

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
            var sel = PseudoLabels.select(head.probabilities(pool), perClass, threshold);
            if (sel.size() == 0) return head;
            int d = pool.cols(), n = s.size(), m = sel.size();
            float[] data = new float[(n + m) * d];
            System.arraycopy(s.embeddings().data(), 0, data, 0, n * d);
            int[] y = new int[n + m];
            System.arraycopy(s.labels(), 0, y, 0, n);
            for (int j = 0; j < m; j++) {
                System.arraycopy(pool.data(), sel.rows()[j] * d, data, (n + j) * d, d);
                y[n + j] = sel.labels()[j];
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
