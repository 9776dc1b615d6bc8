package dev.polymath.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.polymath.core.bench.BenchContext;
import dev.polymath.core.bench.BenchResult;
import dev.polymath.core.bench.Benchmark;
import dev.polymath.core.bench.Figure;
import dev.polymath.core.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code polymath bench <name>}: a Polymath workload and its peer script on identical work, in one invocation. */
@Command(name = "bench", description = "Time a Polymath workload against its peer script (same work, same run); "
        + "'bench list' names them.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<name>", description = "benchmark name, or 'list'")
    String name;

    @Option(names = "--threads", description = "compute threads for both sides (default: cores, ${DEFAULT-VALUE})")
    int threads = Integer.getInteger("polymath.threads", Runtime.getRuntime().availableProcessors());

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Option(names = "--quick", description = "smaller workload (smoke run)")
    boolean quick;

    @Option(names = "--no-peer", description = "run only the Polymath side")
    boolean noPeer;

    @Option(names = {"-o", "--option"}, description = "benchmark-specific key=value option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        var registry = Benchmarks.registry();
        if ("list".equals(name)) {
            var rows = registry.all().stream().map(b -> List.of(b.name(), b.description())).toList();
            System.out.print(Table.of("", List.of("benchmark", "what it measures"), rows).toText());
            return 0;
        }
        Benchmark b = registry.get(name);
        var ctx = new BenchContext(threads, quick, noPeer, options, System.err);
        BenchResult r = b.run(ctx);
        if (json) {
            System.out.println(toJson(r));
        } else {
            System.out.print(render(r));
        }
        return 0;
    }

    static String render(BenchResult r) {
        var sb = new StringBuilder();
        sb.append(r.benchmark()).append(": ").append(r.description()).append('\n');
        var rows = new java.util.ArrayList<List<String>>();
        for (Figure f : r.polymath().figures()) {
            Figure p = r.peer() == null ? null : r.peer().figure(f.name());
            String ratio = "";
            if (p != null) {
                double x = f.higherIsBetter() ? f.value() / p.value() : p.value() / f.value();
                ratio = String.format(java.util.Locale.ROOT, "%.2fx", x);
            }
            rows.add(List.of(f.name(), f.unit(), fmt(f.value()), p == null ? "-" : fmt(p.value()), ratio));
        }
        if (r.peer() != null) {
            for (Figure p : r.peer().figures()) {
                if (r.polymath().figure(p.name()) == null) rows.add(List.of(p.name(), p.unit(), "-", fmt(p.value()), ""));
            }
        }
        sb.append(Table.of("", List.of("figure", "unit", "polymath", "peer", "ratio (>1: polymath better)"), rows).toText());
        sb.append("polymath settings: ").append(r.polymath().settings()).append('\n');
        if (r.peer() != null) sb.append("peer settings: ").append(r.peer().settings()).append('\n');
        if (r.peerSkipped() != null) sb.append("peer not run: ").append(r.peerSkipped()).append('\n');
        for (String n : r.notes()) sb.append("note: ").append(n).append('\n');
        return sb.toString();
    }

    static String toJson(BenchResult r) throws Exception {
        var root = new LinkedHashMap<String, Object>();
        root.put("benchmark", r.benchmark());
        root.put("description", r.description());
        root.put("polymath", side(r.polymath()));
        root.put("peer", r.peer() == null ? null : side(r.peer()));
        if (r.peerSkipped() != null) root.put("peer_skipped", r.peerSkipped());
        var ratios = new LinkedHashMap<String, Object>();
        for (var x : r.ratios()) ratios.put(x.figure(), x.ratio());
        root.put("ratio", ratios);
        root.put("notes", r.notes());
        return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    private static Map<String, Object> side(dev.polymath.core.bench.BenchSide s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("who", s.who());
        m.put("settings", s.settings());
        var figs = new LinkedHashMap<String, Object>();
        for (Figure f : s.figures()) {
            figs.put(f.name(), Map.of("value", f.value(), "unit", f.unit(), "higher_is_better", f.higherIsBetter()));
        }
        m.put("figures", figs);
        return m;
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) return String.format(java.util.Locale.ROOT, "%.3e", v);
        if (a >= 100) return String.format(java.util.Locale.ROOT, "%.1f", v);
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
