package dev.polymath.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.report.Table;
import dev.polymath.icl.memory.ExemplarMemory;
import dev.polymath.icl.select.EmbedderProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code polymath icl memory add | search | stats | delete}: the persistent exemplar memory (Lucene HNSW). */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "A persistent store of solved cases (input, output, metadata, embedding) searchable by similarity.",
        subcommands = {IclMemoryCommand.Add.class, IclMemoryCommand.Search.class, IclMemoryCommand.Stats.class, IclMemoryCommand.Delete.class})
final class IclMemoryCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the memory lives and how texts are embedded. */
    static final class Store {
        @Option(names = "--memory", required = true, paramLabel = "DIR", description = "the memory's folder (created on first add)")
        Path dir;

        @Option(names = "--embedder", defaultValue = "minilm", paramLabel = "NAME", description = "sentence embedder (default: ${DEFAULT-VALUE})")
        String embedder;

        ExemplarMemory open() {
            return ExemplarMemory.open(dir, EmbedderProvider.named(embedder));
        }

        ExemplarMemory openExisting() {
            if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no exemplar memory at " + dir + " (add cases first)");
            return open();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add one case (--id, --input, --output, --meta) or many from a JSONL file (--from; fields id, input, output, metadata). An existing id is replaced.")
    static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Mixin
        Store store = new Store();

        @Option(names = "--id") String id;
        @Option(names = "--input") String input;
        @Option(names = "--output") String output;
        @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "metadata entries") Map<String, String> meta = new LinkedHashMap<>();
        @Option(names = "--from", paramLabel = "FILE.jsonl") Path from;

        @Override
        public Integer call() throws IOException {
            var cases = new ArrayList<ExemplarMemory.Exemplar>();
            if (from != null) {
                if (id != null || input != null || output != null) throw new IllegalArgumentException("give either --from FILE or --id/--input/--output, not both");
                cases.addAll(readJsonl(from));
            } else {
                if (id == null || input == null) throw new IllegalArgumentException("add needs --id and --input (and usually --output), or --from FILE.jsonl");
                cases.add(new ExemplarMemory.Exemplar(id, input, output == null ? "" : output, new float[0], meta));
            }
            try (var mem = store.open()) {
                mem.addAll(cases);
                PrintWriter out = cmd.commandLine().getOut();
                out.println("added " + cases.size() + " case" + (cases.size() == 1 ? "" : "s") + "; " + mem.size() + " in " + store.dir);
                out.flush();
            }
            return 0;
        }

        static List<ExemplarMemory.Exemplar> readJsonl(Path file) throws IOException {
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--from " + file + ": no such file");
            var mapper = new ObjectMapper();
            var out = new ArrayList<ExemplarMemory.Exemplar>();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) continue;
                    JsonNode j;
                    try {
                        j = mapper.readTree(line);
                    } catch (IOException e) {
                        throw new IllegalArgumentException(file + " line " + n + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
                    }
                    for (String f : List.of("id", "input")) {
                        if (!j.hasNonNull(f) || !j.get(f).isValueNode()) throw new IllegalArgumentException(file + " line " + n + ": missing field '" + f + "'");
                    }
                    var meta = new LinkedHashMap<String, String>();
                    if (j.has("metadata")) {
                        if (!j.get("metadata").isObject()) throw new IllegalArgumentException(file + " line " + n + ": field 'metadata' must be an object");
                        j.get("metadata").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
                    }
                    out.add(new ExemplarMemory.Exemplar(j.get("id").asText(), j.get("input").asText(),
                            j.hasNonNull("output") ? j.get("output").asText() : "", new float[0], meta));
                }
            }
            return out;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "The k stored cases most similar to a query (approximate nearest neighbours, HNSW).")
    static final class Search implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Mixin
        Store store = new Store();

        @Option(names = "--query", required = true) String query;
        @Option(names = {"-k", "--k"}, defaultValue = "5", description = "results (default: ${DEFAULT-VALUE})") int k;

        @Override
        public Integer call() {
            if (k < 1) throw new IllegalArgumentException("--k must be >= 1, got " + k);
            try (var mem = store.openExisting()) {
                var t = Table.builder("Cases most similar to \"" + query + "\"").columns("rank", "id", "cosine", "input", "output", "metadata");
                int rank = 1;
                for (var h : mem.search(query, k)) {
                    var e = h.exemplar();
                    t.row(rank++, e.id(), String.format(Locale.ROOT, "%.4f", h.similarity()), e.input(), e.output(), e.metadata().isEmpty() ? "" : new TreeMap<>(e.metadata()).toString());
                }
                PrintWriter out = cmd.commandLine().getOut();
                out.println(t.build().toText());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Size, embedder, disk use and metadata counts of a memory.")
    static final class Stats implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Mixin
        Store store = new Store();

        @Override
        public Integer call() throws IOException {
            try (var mem = store.openExisting()) {
                var all = mem.all();
                long bytes;
                try (var s = Files.walk(store.dir)) {
                    bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
                var t = Table.builder("Exemplar memory " + store.dir).columns("property", "value");
                t.row("cases", all.size());
                t.row("embedder", mem.embedder().name());
                t.row("dimension", mem.embedder().dimension());
                t.row("disk", String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0));
                t.row("index", "Lucene HNSW (KnnFloatVectorField, dot product on normalized vectors)");
                var counts = new TreeMap<String, TreeMap<String, Integer>>();
                for (var e : all) e.metadata().forEach((key, v) -> counts.computeIfAbsent(key, x -> new TreeMap<>()).merge(v, 1, Integer::sum));
                counts.forEach((key, byValue) -> t.row("metadata " + key, byValue.size() <= 8 ? byValue.toString() : byValue.size() + " distinct values"));
                PrintWriter out = cmd.commandLine().getOut();
                out.println(t.build().toText());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove cases by id.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Mixin
        Store store = new Store();

        @Option(names = "--id", required = true, split = ",") List<String> ids;

        @Override
        public Integer call() {
            try (var mem = store.openExisting()) {
                var missing = new ArrayList<String>();
                for (String i : ids) if (!mem.delete(i)) missing.add(i);
                PrintWriter out = cmd.commandLine().getOut();
                out.println("deleted " + (ids.size() - missing.size()) + " of " + ids.size() + "; " + mem.size() + " left in " + store.dir);
                out.flush();
                if (!missing.isEmpty()) throw new IllegalArgumentException("not in " + store.dir + ": " + missing);
            }
            return 0;
        }
    }
}
