package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.data.DatasetStats;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code polymath datasets list | show REF | stats REF [--classes]}: what data there is and what it looks like. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List the known datasets, show their tasks, or print split statistics.",
        subcommands = {DatasetsCommand.ListCmd.class, DatasetsCommand.Show.class, DatasetsCommand.Stats.class})
public final class DatasetsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final String REF_HELP = "a dataset name (e.g. banking77), NAME/TASK or a task prefix (clinc150/by-domain),"
            + " REF:SPLIT (banking77:train_5), or a path to a folder or a .jsonl/.csv/.tsv file";

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every known dataset: tasks, kind, where it is found (bundled/shared/...) and licence.")
    static final class ListCmd implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("NAME", "TASKS", "KIND", "WHERE", "LICENCE", "DESCRIPTION"));
            for (var s : DatasetCatalog.list()) {
                var e = s.entry();
                String where = s.where() + (e.bundled() ? "" : " (not bundled)");
                rows.add(List.of(e.name(), String.valueOf(e.tasks()), e.kinds(), where, e.licence(), e.description()));
            }
            table(out, rows);
            out.println();
            out.println("bundled = in the repository's datasets/; shared = ../shared/data/ next to the repository;"
                    + " custom = POLYMATH_DATA; system = an installed package.");
            out.flush();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The tasks of a dataset: kind, number of labels, metrics, category and split sizes.")
    static final class Show implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "REF", description = REF_HELP)
        String ref;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            TaskSuite suite = DatasetCatalog.resolve(ref);
            out.println(suite.name() + ": " + suite.description());
            out.println(suite.size() + " task(s), " + DatasetCatalog.totalExamples(suite) + " examples");
            out.println();
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("TASK", "KIND", "LABELS", "METRICS", "CATEGORY", "SPLITS"));
            for (Task t : suite.tasks()) {
                rows.add(List.of(t.name(), t.kind().id(), t.labels().isEmpty() ? "-" : String.valueOf(t.labels().size()),
                        metrics(t.metrics()), t.category().isEmpty() ? "-" : t.category(), splits(t)));
            }
            table(out, rows);
            if (suite.size() == 1 && !suite.tasks().get(0).instruction().isEmpty()) {
                out.println();
                out.println("instruction: " + suite.tasks().get(0).instruction());
            }
            out.flush();
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Per task and split: size, examples per class (min/median/max), text length in tokens.")
    static final class Stats implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "REF", description = REF_HELP)
        String ref;

        @Option(names = "--classes", description = "Also print the full table of examples per class.")
        boolean classes;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            TaskSuite suite = DatasetCatalog.resolve(ref);
            out.println(suite.name() + ": " + suite.size() + " task(s), " + DatasetCatalog.totalExamples(suite) + " examples");
            out.println();
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("TASK", "SPLIT", "SIZE", "CLASSES", "PER CLASS min/median/max", "TOKENS min/mean/median/max",
                    "TARGET min/mean/max"));
            var all = new ArrayList<DatasetStats.SplitStats>();
            for (Task t : suite.tasks()) {
                for (var s : DatasetStats.of(t)) {
                    all.add(s);
                    rows.add(List.of(t.name(), s.split(), String.valueOf(s.size()),
                            s.perClass() == null ? "-" : String.valueOf(s.classCounts().size()),
                            s.perClass() == null ? "-" : fmt(s.perClass().min()) + " / " + fmt(s.perClass().median())
                                    + " / " + fmt(s.perClass().max()),
                            s.tokens() == null ? "-" : fmt(s.tokens().min()) + " / " + fmt(s.tokens().mean()) + " / "
                                    + fmt(s.tokens().median()) + " / " + fmt(s.tokens().max()),
                            s.target() == null ? "-" : fmt(s.target().min()) + " / " + fmt(s.target().mean()) + " / "
                                    + fmt(s.target().max())));
                }
            }
            table(out, rows);
            if (classes) {
                for (Task t : suite.tasks()) {
                    var stats = all.stream().filter(s -> s.task().equals(t.name()) && s.perClass() != null).toList();
                    if (stats.isEmpty()) continue;
                    out.println();
                    out.println(t.name() + (t.kind() == dev.polymath.core.task.TaskKind.TAGGING ? ": tokens per tag"
                            : ": examples per class"));
                    var header = new ArrayList<String>();
                    header.add("CLASS");
                    stats.forEach(s -> header.add(s.split().toUpperCase(Locale.ROOT)));
                    var table = new ArrayList<List<String>>();
                    table.add(header);
                    var keys = new java.util.LinkedHashSet<String>();
                    stats.forEach(s -> keys.addAll(s.classCounts().keySet()));
                    for (String k : keys) {
                        var row = new ArrayList<String>();
                        row.add(k);
                        for (var s : stats) row.add(String.valueOf(s.classCounts().getOrDefault(k, 0)));
                        table.add(row);
                    }
                    table(out, table);
                }
            } else if (all.stream().anyMatch(s -> s.perClass() != null)) {
                out.println();
                out.println("(--classes prints the examples per class)");
            }
            out.flush();
        }
    }

    static String metrics(List<MetricSpec> ms) {
        return ms.stream().map(m -> m.name() + (m.higherIsBetter() ? " (max)" : " (min)")).collect(Collectors.joining(", "));
    }

    static String splits(Task t) {
        return t.splits().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
                .collect(Collectors.joining(", "));
    }

    static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) return String.valueOf((long) x);
        return String.format(Locale.ROOT, "%.1f", x);
    }

    /** Left-aligned columns separated by two spaces; numbers right-aligned. */
    static void table(PrintWriter out, List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] w = new int[cols];
        for (var r : rows) for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], r.get(c).length());
        boolean[] numeric = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            final int col = c;
            numeric[c] = rows.size() > 1 && rows.stream().skip(1).allMatch(r -> r.get(col).matches("-?[0-9.]+|-"));
        }
        boolean first = true;
        for (var r : rows) {
            var sb = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String v = r.get(c);
                boolean last = c == cols - 1;
                if (numeric[c] && !first) sb.append(" ".repeat(w[c] - v.length())).append(v);
                else sb.append(v).append(last ? "" : " ".repeat(w[c] - v.length()));
                if (!last) sb.append("  ");
            }
            out.println(sb.toString().stripTrailing());
            first = false;
        }
    }

}
