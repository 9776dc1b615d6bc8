package dev.polymath.cli;

import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.report.LineChart;
import dev.polymath.nn.mtl.MtlTrainer;

import java.util.List;

/** Charts and small helpers shared by {@code mtl train} and {@code mtl compare}. */
final class MtlReports {
    private MtlReports() {}

    /** At most this many points per weight trajectory: longer runs are averaged over equal windows of steps. */
    static final int TRAJECTORY_POINTS = 200;

    /** Task weights per step, averaged over windows so the chart stays small. */
    static double[][] downsample(float[][] weights, int tasks) {
        int n = weights.length;
        int points = Math.min(n, TRAJECTORY_POINTS);
        double[][] out = new double[tasks + 1][points]; // row 0: step (window centre)
        for (int k = 0; k < points; k++) {
            int from = (int) ((long) k * n / points), to = (int) ((long) (k + 1) * n / points);
            out[0][k] = (from + to - 1) / 2.0;
            for (int i = from; i < to; i++) for (int t = 0; t < tasks; t++) out[t + 1][k] += weights[i][t] / (double) (to - from);
        }
        return out;
    }

    static LineChart weightChart(String title, List<String> tasks, float[][] weights) {
        return weightChart(title, tasks, downsample(weights, tasks.size()));
    }

    /** {@code series[0]} the steps, {@code series[1 + t]} task t's weights. */
    static LineChart weightChart(String title, List<String> tasks, double[][] series) {
        var b = LineChart.builder(title).xLabel("step").yLabel("weight");
        for (int t = 0; t < tasks.size(); t++) b.series(tasks.get(t), series[0], series[t + 1]);
        return b.build();
    }

    /** The validation figures of the best epoch, or null. */
    static ScoreTable bestValidation(MtlTrainer.Result r) {
        for (var e : r.epochs()) if (e.epoch() == r.bestEpoch()) return e.validation();
        return null;
    }
}
