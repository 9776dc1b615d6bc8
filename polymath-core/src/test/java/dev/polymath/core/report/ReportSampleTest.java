package dev.polymath.core.report;

import dev.polymath.core.run.Run;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes a sample run with every kind of table and chart to {@code target/report-sample/} for a look by eye. */
class ReportSampleTest {

    @Test
    void writeSample() throws Exception {
        Path runs = Path.of("target", "report-sample");
        String[] tasks = {"banking77", "clinc150", "hwu64", "snips", "atis", "<script>alert(1)</script>"};
        BarChart delta = BarChart.builder("Δm% relative to single-task training")
                .categories(tasks)
                .series("Linear scalarization", 1.8, -0.6, 2.4, 0.3, -1.9, 0.9)
                .series("PCGrad", new double[] {2.6, 0.4, 3.1, 0.8, -0.7, 1.2}, new double[] {0.5, 0.6, 0.4, 0.3, 0.8, 0.4})
                .series("Task arithmetic (merged)", -2.2, -3.5, -1.1, -0.4, -4.8, -2.0)
                .yLabel("Δm (%)")
                .build();
        double[] x = new double[13];
        double[] maml = new double[13], proto = new double[13], ci = new double[13];
        for (int i = 0; i < 13; i++) {
            x[i] = Math.pow(2, 4 + i);
            maml[i] = 48 + 22 * (1 - Math.exp(-i / 4.0));
            proto[i] = 50 + 19 * (1 - Math.exp(-i / 3.0));
            ci[i] = 2.5 - i * 0.15;
        }
        LineChart scaling = LineChart.builder("Accuracy vs number of training tasks")
                .series("MAML", x, maml, ci).series("ProtoNet", x, proto)
                .log2X(true).xLabel("training tasks").yLabel("5-way 1-shot accuracy (%)").build();
        Table t = Table.builder("Accuracy (%) — mean ± 95% CI over 5 seeds")
                .columns("Task", "Single-task", "Linear scalarization", "PCGrad")
                .row("banking77", Fmt.meanCi(91.23, 0.41, 2), Fmt.meanCi(92.87, 0.38, 2), Fmt.meanCi(93.02, 0.35, 2))
                .row("clinc150", Fmt.meanCi(94.10, 0.22, 2), Fmt.meanCi(93.55, 0.30, 2), Fmt.meanCi(94.41, 0.27, 2))
                .row("hwu64", Fmt.meanCi(88.72, 0.65, 2), "—", Fmt.meanCi(90.10, 0.52, 2))
                .note("Bold claims need overlapping CIs checked.").build();
        Path dir;
        try (var run = Run.start(runs, "mtl-train", Map.of("method", "pcgrad", "lr", 3e-4, "tasks", tasks.length), 42)) {
            run.table(t).chart(delta).chart(scaling);
            for (int i = 0; i <= 200; i++) {
                run.point("loss/train", i, 2.5 * Math.exp(-i / 40.0) + 0.2 + 0.05 * Math.sin(i));
                if (i % 10 == 0) run.point("loss/val", i, 2.6 * Math.exp(-i / 45.0) + 0.3);
            }
            for (String task : tasks) run.metric(task, "accuracy", 0.9, 0.01);
            run.note("Sample report written by ReportSampleTest.");
            dir = run.commit();
        }
        delta.writeSvg(runs.resolve("delta.svg"));
        scaling.writeSvg(runs.resolve("scaling.svg"));
        System.out.println(t.toText(Border.BOX));
        assertTrue(Files.exists(dir.resolve("report.html")));
    }
}
