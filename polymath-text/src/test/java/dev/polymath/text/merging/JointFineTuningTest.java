package dev.polymath.text.merging;

import dev.polymath.core.util.Seeds;
import dev.polymath.nn.mtl.weighting.GradientMode;
import dev.polymath.nn.mtl.weighting.Weighting;
import dev.polymath.nn.mtl.weighting.WeightingInput;
import dev.polymath.nn.mtl.weighting.WeightingRegistry;
import dev.polymath.nn.mtl.weighting.WeightingResult;
import dev.polymath.text.bert.BertModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The multi-task reference of the merging experiment: joint fine-tuning, one batch per task per step, weighted
 * task losses. The schedule is checked against its definition; the training on a tiny random BERT with two
 * synthetic tasks whose label is a marker token, each read by a frozen head on its own pooled dimension.
 */
class JointFineTuningTest {

    @Test
    void oneBatchPerTaskPerStepAndEpochsFollowTheLargestTask() {
        var b = new JointBatches(List.of("big", "small"), new int[] {5, 2}, 2, 9);
        assertEquals(3, b.stepsPerEpoch(), "ceil(5 / 2) steps per epoch");
        int[] big0 = perm(5, 9, "big", 0), small0 = perm(2, 9, "small", 0), small1 = perm(2, 9, "small", 1), small2 = perm(2, 9, "small", 2);
        int[][] s0 = b.next(), s1 = b.next(), s2 = b.next(), s3 = b.next();
        // the big task: its pass-0 permutation cut in order, the last batch short; then pass 1 in the next epoch
        assertArrayEquals(Arrays.copyOfRange(big0, 0, 2), s0[0]);
        assertArrayEquals(Arrays.copyOfRange(big0, 2, 4), s1[0]);
        assertArrayEquals(Arrays.copyOfRange(big0, 4, 5), s2[0]);
        assertArrayEquals(Arrays.copyOfRange(perm(5, 9, "big", 1), 0, 2), s3[0]);
        // the small task cycles through a fresh permutation every step (one batch per pass)
        assertArrayEquals(small0, s0[1]);
        assertArrayEquals(small1, s1[1]);
        assertArrayEquals(small2, s2[1]);
        assertFalse(Arrays.equals(small0, small1) && Arrays.equals(small1, small2), "fresh permutations, not one repeated");
    }

    static int[] perm(int n, long seed, String task, int pass) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        Seeds.shuffle(a, Seeds.stream(seed, "finetune/" + task + "/" + pass));
        return a;
    }

    /** Task {@code t}: label 0 when the text holds marker 5 + 2t, 1 when it holds 6 + 2t; the rest random filler. */
    static TaskData.Split task(int t, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[][] rows = new long[n][];
        int[] y = new int[n];
        var texts = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            long[] row = new long[8];
            row[0] = 1;
            for (int k = 1; k < 7; k++) row[k] = 20 + r.nextInt(90);
            row[1 + r.nextInt(6)] = 5 + 2 * t + y[i];
            row[7] = 2;
            rows[i] = row;
            texts.add(Arrays.toString(row));
        }
        return new TaskData.Split(texts, rows, y);
    }

    static double accuracy(BertModel m, int t, TaskData.Split s) {
        return TaskFineTuner.accuracy(TaskFineTuner.predict(m, LearnedMergingTest.head(t), s.rows()), s.labels());
    }

    /** A losses-only method that trains the first task alone (weights 1, 0): shows the weights are applied. */
    static final class FirstOnly implements Weighting {
        int steps;
        public String name() { return "first-only"; }
        public GradientMode mode() { return GradientMode.LOSSES; }
        public void reset(int tasks, long seed) { steps = 0; }
        public WeightingResult step(WeightingInput in) {
            assertEquals(2, in.tasks());
            assertEquals(steps++, in.step());
            for (double l : in.losses()) assertTrue(Double.isFinite(l) && l > 0);
            return WeightingResult.ofWeights(1, 0);
        }
    }

    @Test
    void jointFineTuningLearnsEveryTaskAndAppliesTheWeights() {
        var heads = List.of(LearnedMergingTest.head(0), LearnedMergingTest.head(1));
        var train = List.of(task(0, 48, 1), task(1, 32, 2));
        var test = List.of(task(0, 64, 3), task(1, 64, 4));
        var o = new TaskFineTuner.Options(20, 8, 1e-2, 5);
        try (BertModel ew = BertModel.random(LearnedMergingTest.TINY, 11, 1); BertModel first = BertModel.random(LearnedMergingTest.TINY, 11, 1)) {
            double before0 = accuracy(ew, 0, test.get(0)), before1 = accuracy(ew, 1, test.get(1));
            long steps = TaskFineTuner.fineTune(ew, heads, train, o, WeightingRegistry.create("ew"), "joint ew");
            assertEquals(20 * 6, steps, "20 epochs of ceil(48 / 8) steps, each with one batch of every task");
            double ew0 = accuracy(ew, 0, test.get(0)), ew1 = accuracy(ew, 1, test.get(1));
            assertTrue(ew0 >= 0.8 && ew1 >= 0.8, "EW learns both tasks: " + ew0 + ", " + ew1 + " (before " + before0 + ", " + before1 + ")");

            var w = new FirstOnly();
            TaskFineTuner.fineTune(first, heads, train, o, w, "joint first-only");
            assertEquals(120, w.steps, "one weighting call per step");
            double f0 = accuracy(first, 0, test.get(0)), f1 = accuracy(first, 1, test.get(1));
            assertTrue(f0 >= 0.8, "task 0 is trained: " + f0 + "; task 1: " + f1);
            assertTrue(f1 < 0.65, "task 1 has weight 0 and stays near chance: " + f1 + " (EW: " + ew1 + ")");
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (BertModel m = BertModel.random(LearnedMergingTest.TINY, 11, 1)) {
                TaskFineTuner.fineTune(m, heads, train, o, WeightingRegistry.create("pcgrad"), "pcgrad");
            }
        });
    }
}
