package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.task.Task;
import dev.polymath.nn.mtl.MtlTrainer;
import dev.polymath.nn.mtl.suite.ResultStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** A run's learning curve for the result store: per epoch (counted from 1) its validation figures, losses and Δm%. */
    static List<Map<String, Object>> curve(MtlTrainer.Result r) {
        var out = new ArrayList<Map<String, Object>>();
        for (var e : r.epochs()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("epoch", e.epoch() + 1);
            m.put("validation", e.validation() == null ? null : e.validation().values());
            m.put("validation_losses", e.validationLosses());
            m.put("train_losses", e.meanLosses());
            m.put("delta_m", e.deltaM() == null ? null : e.deltaM().percent());
            m.put("seconds", e.seconds());
            out.add(m);
        }
        return out;
    }

    /**
     * One row per stored run with a learning curve: single-task runs show their task's primary validation metric
     * (x100) per epoch, multi-task runs their validation Δm%; the selected epoch is starred. Null when no run has a curve.
     */
    static Table curveTable(String title, Map<String, List<ResultStore.Entry>> stl, Map<String, List<ResultStore.Entry>> grid,
                            List<Task> tasks, long firstSeed) {
        var rows = new ArrayList<List<String>>();
        int width = 0;
        for (Task t : tasks) {
            List<ResultStore.Entry> es = stl.getOrDefault(t.name(), List.of());
            for (int k = 0; k < es.size(); k++) {
                List<String> cells = cells(es.get(k), p -> p.path("validation").path(t.name()).path(t.primaryMetric().name()), 100, "%.2f");
                if (cells == null) continue;
                width = Math.max(width, cells.size());
                cells.add(0, "single-task " + t.name() + ", seed " + (firstSeed + k));
                rows.add(cells);
            }
        }
        for (var g : grid.entrySet()) {
            for (int k = 0; k < g.getValue().size(); k++) {
                List<String> cells = cells(g.getValue().get(k), p -> p.path("delta_m"), 1, "%+.2f");
                if (cells == null) continue;
                width = Math.max(width, cells.size());
                cells.add(0, g.getKey() + ", seed " + (firstSeed + k));
                rows.add(cells);
            }
        }
        if (rows.isEmpty()) return null;
        var headers = new ArrayList<String>();
        headers.add("run, epoch:");
        for (int i = 1; i <= width; i++) headers.add(Integer.toString(i));
        for (var r : rows) while (r.size() < width + 1) r.add("");
        return Table.of(title, headers, rows);
    }

    private static List<String> cells(ResultStore.Entry e, java.util.function.Function<JsonNode, JsonNode> value, double scale, String format) {
        JsonNode curve = e.extra().path("curve");
        if (!curve.isArray() || curve.isEmpty()) return null;
        int best = e.extra().path("best_epoch").asInt(-1) + 1;
        var cells = new ArrayList<String>();
        for (JsonNode p : curve) {
            JsonNode v = value.apply(p);
            String s = v.isNumber() ? String.format(Locale.ROOT, format, v.asDouble() * scale) : "";
            cells.add(p.path("epoch").asInt() == best ? s + "*" : s);
        }
        return cells;
    }

    /**
     * Validation learning curves of the first seed: per task its primary metric (single-task and every grid row),
     * and the grid rows' validation Δm%.
     */
    static List<LineChart> curveCharts(Map<String, List<ResultStore.Entry>> stl, Map<String, ResultStore.Entry> gridFirstSeed,
                                       List<Task> tasks, long firstSeed) {
        var charts = new ArrayList<LineChart>();
        for (Task t : tasks) {
            var b = LineChart.builder("Validation " + t.primaryMetric().name() + " of task " + t.name() + " per epoch, seed " + firstSeed)
                    .xLabel("epoch").yLabel(t.primaryMetric().name() + " x100");
            int n = 0;
            List<ResultStore.Entry> own = stl.getOrDefault(t.name(), List.of());
            if (!own.isEmpty()) n += series(b, "single-task", own.get(0), p -> p.path("validation").path(t.name()).path(t.primaryMetric().name()), 100);
            for (var g : gridFirstSeed.entrySet()) {
                n += series(b, g.getKey(), g.getValue(), p -> p.path("validation").path(t.name()).path(t.primaryMetric().name()), 100);
            }
            if (n > 0) charts.add(b.build());
        }
        var dm = LineChart.builder("Validation Δm% per epoch, seed " + firstSeed).xLabel("epoch").yLabel("Δm%");
        int n = 0;
        for (var g : gridFirstSeed.entrySet()) n += series(dm, g.getKey(), g.getValue(), p -> p.path("delta_m"), 1);
        if (n > 0) charts.add(dm.build());
        return charts;
    }

    private static int series(LineChart.Builder b, String name, ResultStore.Entry e, java.util.function.Function<JsonNode, JsonNode> value, double scale) {
        JsonNode curve = e.extra().path("curve");
        var xs = new ArrayList<Double>();
        var ys = new ArrayList<Double>();
        for (JsonNode p : curve) {
            JsonNode v = value.apply(p);
            if (!v.isNumber()) continue;
            xs.add(p.path("epoch").asDouble());
            ys.add(v.asDouble() * scale);
        }
        if (xs.isEmpty()) return 0;
        b.series(name, xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray());
        return 1;
    }
}
