package dev.polymath.nn.meta.icl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.polymath.nn.tensor.Graph;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of sequences as tensors owned by one {@link Graph}: inputs {@code x [B, T, D]}, previous labels
 * {@code yPrev [B, T, L]} (one-hot of {@code y_{t-1}}, zeros at t = 0) and targets {@code [B*T, 1]} (int64).
 */
record IclBatch(PtNDArray x, PtNDArray yPrev, PtNDArray targets, int[][] labels) {

    /** Source rows of every sequence times its task's projection ({@code bmm}: {@code [B,T,P] x [B,P,D]}). */
    static IclBatch of(Graph g, ProjectedTasks tasks, List<ProjectedTasks.Sequence> seqs, int labelCount, Projections cache) {
        int B = seqs.size(), T = seqs.get(0).rows().length, P = tasks.source().width(), D = tasks.inputDim();
        float[] raw = new float[B * T * P];
        float[] proj = new float[B * P * D];
        float[][] rows = tasks.source().rows();
        int[][] labels = new int[B][];
        for (int b = 0; b < B; b++) {
            ProjectedTasks.Sequence s = seqs.get(b);
            if (s.rows().length != T) throw new IllegalArgumentException("sequences of different lengths in one batch");
            for (int t = 0; t < T; t++) System.arraycopy(rows[s.rows()[t]], 0, raw, (b * T + t) * P, P);
            System.arraycopy(cache.get(tasks, s.task()), 0, proj, b * P * D, P * D);
            labels[b] = s.labels();
        }
        PtNDArray x = g.own(JniUtils.bmm(g.floats(raw, B, T, P), g.floats(proj, B, P, D)));
        return withInputs(g, x, labels, labelCount);
    }

    /** A batch from already-projected inputs {@code x [B, T, D]} and labels {@code [B][T]}. */
    static IclBatch withInputs(Graph g, PtNDArray x, int[][] labels, int labelCount) {
        int B = labels.length, T = labels[0].length, L = labelCount;
        float[] prev = new float[B * T * L];
        long[] target = new long[B * T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                int y = labels[b][t];
                if (y < 0 || y >= L) throw new IllegalArgumentException("label " + y + " at sequence " + b + ", position " + t + " is outside 0.." + (L - 1));
                target[b * T + t] = y;
                if (t + 1 < T) prev[(b * T + t + 1) * L + y] = 1f;
            }
        }
        PtNDArray tgt = g.own(JniUtils.createEmptyNdArray(g.manager(), new Shape(B * (long) T, 1), DataType.INT64, Device.cpu(), SparseFormat.DENSE));
        JniUtils.getByteBuffer(tgt, true).order(ByteOrder.nativeOrder()).asLongBuffer().put(target);
        return new IclBatch(x, g.floats(prev, B, T, L), tgt, labels);
    }

    /** Projection matrices of recently used tasks (a training pool of a few hundred tasks reuses them). */
    static final class Projections {
        private final Map<Long, float[]> lru;

        Projections(int capacity) {
            this.lru = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, float[]> e) {
                    return size() > capacity;
                }
            };
        }

        float[] get(ProjectedTasks tasks, ProjectedTasks.TaskSpec task) {
            return lru.computeIfAbsent(task.projectionSeed(), k -> tasks.projection(task));
        }
    }
}
