package dev.polymath.core.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.polymath.core.report.Chart;
import dev.polymath.core.report.Fmt;
import dev.polymath.core.report.HtmlReport;
import dev.polymath.core.report.LineChart;
import dev.polymath.core.report.Table;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The record of one run, published as {@code runs/<id>/} only when the run succeeds.
 *
 * <p>Everything is built in a hidden staging folder next to the target ({@code runs/.<id>.partial/}) and
 * published with one rename in {@link #commit()}. Closing a run that was not committed (an exception, an early
 * return) deletes the staging folder, so a failed run leaves nothing behind. Staging folders of processes that
 * died without closing (kill -9, power loss) are hidden and removed by the next {@link #start}.
 *
 * <p>A committed folder holds {@code record.json} (command, resolved config, seed, code version, times, machine,
 * dataset and model checksums), {@code metrics.json} (per-task metrics, named values, series),
 * {@code results.md}, {@code report.html} (self-contained, with charts), {@code charts/*.svg} and any files the
 * run wrote itself via {@link #file(String)}.
 *
 * <pre>{@code
 * try (var run = Run.start(Path.of("runs"), "mtl-train", config, seed)) {
 *     run.dataset("banking77", DataPaths.locate("banking77"));
 *     for (int step = 0; step < steps; step++) run.point("loss/train", step, trainStep());
 *     run.metric("banking77", "accuracy", 0.8153);
 *     run.table(comparison);
 *     run.chart(deltaChart);
 *     Path dir = run.commit();
 * }
 * }</pre>
 *
 * <p>Ids look like {@code 20261126-113000-mtl-train-3fa9c1}: UTC start time (so they sort by time), command,
 * six random hex digits. Methods are thread-safe.
 */
public final class Run implements AutoCloseable {
    /** Name of the checksum cache kept in the runs folder. */
    public static final String CHECKSUM_CACHE = ".checksums.tsv";
    private static final String OWNER_FILE = ".owner";
    private static final String STAGING_SUFFIX = ".partial";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = mapper();

    private final Path runsDir;
    private final String id;
    private final String command;
    private final long seed;
    private final JsonNode config;
    private final Instant started;
    private final long startNanos;
    private final Path staging;
    private final Checksums checksums;

    private final Map<String, ObjectNode> datasets = new LinkedHashMap<>();
    private final Map<String, ObjectNode> models = new LinkedHashMap<>();
    private final Map<String, Map<String, JsonNode>> metrics = new LinkedHashMap<>();
    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final Map<String, SeriesData> series = new LinkedHashMap<>();
    private final Map<String, String> info = new LinkedHashMap<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean autoCharts = true;
    private Path committedDir;
    private boolean closed;

    private static final class SeriesData {
        double[] x = new double[16], y = new double[16];
        int n;

        void add(double xv, double yv) {
            if (n == x.length) {
                x = java.util.Arrays.copyOf(x, n * 2);
                y = java.util.Arrays.copyOf(y, n * 2);
            }
            x[n] = xv;
            y[n] = yv;
            n++;
        }
    }

    private Run(Path runsDir, String command, Object config, long seed) {
        this.runsDir = runsDir.toAbsolutePath().normalize();
        this.command = command;
        this.seed = seed;
        this.config = toTree(config);
        this.started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        this.startNanos = System.nanoTime();
        try {
            Files.createDirectories(this.runsDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create runs folder " + this.runsDir + ": " + e.getMessage(), e);
        }
        purgeAbandoned(this.runsDir);
        String prefix = ID_TIME.format(started) + "-" + slug(command) + "-";
        Path st = null;
        String chosen = null;
        for (int attempt = 0; attempt < 100 && st == null; attempt++) {
            byte[] r = new byte[3];
            RANDOM.nextBytes(r);
            String candidate = prefix + HexFormat.of().formatHex(r);
            if (Files.exists(this.runsDir.resolve(candidate))) continue;
            Path s = this.runsDir.resolve("." + candidate + STAGING_SUFFIX);
            try {
                Files.createDirectory(s);
                st = s;
                chosen = candidate;
            } catch (FileAlreadyExistsException e) {
                // taken by a concurrent run: try another suffix
            } catch (IOException e) {
                throw new UncheckedIOException("could not create " + s + ": " + e.getMessage(), e);
            }
        }
        if (st == null) throw new IllegalStateException("could not find a free run id under " + this.runsDir);
        this.id = chosen;
        this.staging = st;
        try {
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(st.resolve(OWNER_FILE), self.pid() + "\t"
                    + self.info().startInstant().map(Instant::toString).orElse("") + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            discard();
            throw new UncheckedIOException("could not write to " + st + ": " + e.getMessage(), e);
        }
        this.checksums = Checksums.withCacheFile(this.runsDir.resolve(CHECKSUM_CACHE));
    }

    /**
     * Starts a run. {@code config} is the resolved configuration with defaults filled in: a {@code Map}, a record
     * or bean, or a Jackson tree; it is copied now, so later changes to it are not recorded.
     */
    public static Run start(Path runsDir, String command, Object config, long seed) {
        if (command == null || command.isBlank()) throw new IllegalArgumentException("command must not be blank");
        return new Run(runsDir, command, config, seed);
    }

    public String id() {
        return id;
    }

    public String command() {
        return command;
    }

    public long seed() {
        return seed;
    }

    /** The run folder: the staging folder until {@link #commit()}, the published {@code runs/<id>/} after. */
    public synchronized Path dir() {
        return committedDir != null ? committedDir : staging;
    }

    /** Where this run will be published. */
    public Path target() {
        return runsDir.resolve(id);
    }

    // ------------------------------------------------------------------ inputs

    /** Records a dataset by a checksum computed elsewhere. */
    public synchronized Run dataset(String name, String sha256) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("sha256", sha256);
        datasets.put(name, n);
        return this;
    }

    /** Records a dataset file or folder with its SHA-256 (cached across runs by path, size and mtime). */
    public Run dataset(String name, Path fileOrFolder) {
        ObjectNode n = describe(fileOrFolder);
        synchronized (this) {
            datasets.put(name, n);
        }
        return this;
    }

    public synchronized Run model(String name, String sha256) {
        models.put(name, JsonNodeFactory.instance.objectNode().put("sha256", sha256));
        return this;
    }

    /** Records a model file or folder (e.g. a checkpoint the run loaded or wrote) with its SHA-256. */
    public Run model(String name, Path fileOrFolder) {
        ObjectNode n = describe(fileOrFolder);
        synchronized (this) {
            models.put(name, n);
        }
        return this;
    }

    private ObjectNode describe(Path p) {
        Checksums.Digest d = checksums.digest(p);
        return JsonNodeFactory.instance.objectNode().put("sha256", d.sha256()).put("path", p.toAbsolutePath().normalize().toString())
                .put("files", d.files()).put("bytes", d.bytes());
    }

    /** A line for the summary block of the report and {@code record.json} ("info"), e.g. the base model name. */
    public synchronized Run info(String key, Object value) {
        info.put(key, String.valueOf(value));
        return this;
    }

    // ------------------------------------------------------------------ results

    /** A metric of one task: {@code metric("banking77", "accuracy", 0.8153)}. */
    public synchronized Run metric(String task, String metric, double value) {
        metrics.computeIfAbsent(task, k -> new LinkedHashMap<>()).put(metric, JsonNodeFactory.instance.numberNode(value));
        return this;
    }

    /** A metric with a confidence interval: stored as {@code {"mean": m, "ci": halfWidth}}. */
    public synchronized Run metric(String task, String metric, double mean, double ciHalfWidth) {
        metrics.computeIfAbsent(task, k -> new LinkedHashMap<>()).put(metric,
                JsonNodeFactory.instance.objectNode().put("mean", mean).put("ci", ciHalfWidth));
        return this;
    }

    /** A free-form named result (number, string, list, map, record) stored under {@code "values"} in metrics.json. */
    public synchronized Run value(String key, Object value) {
        values.put(key, toTree(value));
        return this;
    }

    /**
     * Appends a point to a named series (a learning curve). Series named {@code group/name} are drawn together:
     * {@code loss/train} and {@code loss/val} share the chart "loss".
     */
    public synchronized Run point(String series, double x, double y) {
        this.series.computeIfAbsent(series, k -> new SeriesData()).add(x, y);
        return this;
    }

    /** Sets a whole series at once, replacing any points added before. */
    public synchronized Run series(String name, double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "': " + x.length + " x but " + y.length + " y");
        var s = new SeriesData();
        for (int i = 0; i < x.length; i++) s.add(x[i], y[i]);
        series.put(name, s);
        return this;
    }

    /** A table for results.md and the report. */
    public synchronized Run table(Table table) {
        tables.add(table);
        return this;
    }

    /** A chart for the report, also written as {@code charts/NN-<title>.svg}. */
    public synchronized Run chart(Chart chart) {
        charts.add(chart);
        return this;
    }

    /** A paragraph for the report (observations, caveats). */
    public synchronized Run note(String text) {
        notes.add(text);
        return this;
    }

    /** Whether series get line charts automatically (default true). */
    public synchronized Run autoCharts(boolean on) {
        autoCharts = on;
        return this;
    }

    /**
     * A path inside the run folder for an artifact the run writes itself (predictions, a checkpoint); parent
     * folders are created. Write it before {@link #commit()}.
     */
    public synchronized Path file(String relative) {
        if (committedDir != null || closed) throw new IllegalStateException("run " + id + " is already " + (closed ? "closed" : "committed"));
        Path p = staging.resolve(relative).normalize();
        if (!p.startsWith(staging) || p.equals(staging)) throw new IllegalArgumentException("not a path inside the run folder: " + relative);
        try {
            Files.createDirectories(p.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    // ------------------------------------------------------------------ commit / close

    /** Writes the record, metrics and reports and publishes {@code runs/<id>/}; returns that folder. */
    public synchronized Path commit() {
        if (committedDir != null) return committedDir;
        if (closed) throw new IllegalStateException("run " + id + " is closed");
        Instant ended = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        List<Chart> allCharts = new ArrayList<>(charts);
        if (autoCharts) allCharts.addAll(seriesCharts());
        Table metricTable = metricsTable();

        List<String> chartFiles = new ArrayList<>();
        for (int i = 0; i < allCharts.size(); i++) {
            Chart c = allCharts.get(i);
            String name = String.format(Locale.ROOT, "charts/%02d-%s.svg", i + 1, slug(c.title().isBlank() ? "chart" : c.title()));
            c.writeSvg(staging.resolve(name));
            chartFiles.add(name);
        }
        write("record.json", recordJson(ended, took));
        write("metrics.json", metricsJson());
        write("results.md", markdown(ended, took, metricTable, allCharts, chartFiles));
        write("report.html", html(ended, took, metricTable, allCharts));
        try {
            Files.deleteIfExists(staging.resolve(OWNER_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = target();
        if (Files.exists(target)) throw new IllegalStateException("run folder already exists: " + target);
        AtomicFiles.publishDirectory(staging, target);
        committedDir = target;
        checksums.save();
        return target;
    }

    /** Discards the run unless it was committed. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (committedDir == null) discard();
    }

    private void discard() {
        try {
            AtomicFiles.deleteRecursively(staging);
        } catch (IOException | UncheckedIOException e) {
            // best effort; a leftover is hidden and removed by the next start()
        }
    }

    /**
     * Removes hidden staging folders whose process is gone (killed before it could clean up). Folders of
     * live processes are never touched.
     */
    public static void purgeAbandoned(Path runsDir) {
        if (!Files.isDirectory(runsDir)) return;
        try (Stream<Path> list = Files.list(runsDir)) {
            for (Path p : list.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") || !n.endsWith(STAGING_SUFFIX) || !Files.isDirectory(p)) continue;
                if (ownerAlive(p)) continue;
                try {
                    AtomicFiles.deleteRecursively(p);
                } catch (IOException | UncheckedIOException ignored) {
                    // someone else is removing it, or it is not ours to remove
                }
            }
        } catch (IOException ignored) {
            // listing failed: nothing to purge
        }
    }

    private static boolean ownerAlive(Path staging) {
        try {
            Path owner = staging.resolve(OWNER_FILE);
            if (!Files.exists(owner)) {
                // just created and not yet claimed, or already being published: leave young folders alone
                return Files.getLastModifiedTime(staging).toInstant().isAfter(Instant.now().minus(Duration.ofHours(1)));
            }
            String[] f = Files.readString(owner, StandardCharsets.UTF_8).strip().split("\t");
            long pid = Long.parseLong(f[0]);
            var ph = ProcessHandle.of(pid);
            if (ph.isEmpty() || !ph.get().isAlive()) return false;
            if (f.length > 1 && !f[1].isEmpty()) {
                var start = ph.get().info().startInstant();
                if (start.isPresent() && !start.get().toString().equals(f[1])) return false;   // pid reused
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Published run folders in {@code runsDir}, oldest first (hidden staging folders excluded). */
    public static List<Path> list(Path runsDir) {
        if (!Files.isDirectory(runsDir)) return List.of();
        try (Stream<Path> s = Files.list(runsDir)) {
            return s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.exists(p.resolve("record.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ rendering

    private void write(String name, String content) {
        AtomicFiles.writeString(staging.resolve(name), content);
    }

    private String recordJson(Instant ended, Duration took) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("command", command);
        r.put("status", "completed");
        r.put("seed", seed);
        r.put("codeVersion", CodeVersion.current());
        r.put("startedAt", started.toString());
        r.put("endedAt", ended.toString());
        r.put("durationSeconds", took.toNanos() / 1e9);
        r.set("config", config);
        r.put("configSha256", Checksums.sha256(canonical(config)));
        r.set("machine", JSON.valueToTree(MachineInfo.current()));
        r.set("datasets", JSON.valueToTree(datasets));
        r.set("models", JSON.valueToTree(models));
        if (!info.isEmpty()) r.set("info", JSON.valueToTree(info));
        return json(r);
    }

    private String metricsJson() {
        ObjectNode m = JSON.createObjectNode();
        ObjectNode tasks = m.putObject("tasks");
        metrics.forEach((task, ms) -> {
            ObjectNode t = tasks.putObject(task);
            ms.forEach(t::set);
        });
        ObjectNode vs = m.putObject("values");
        values.forEach(vs::set);
        ObjectNode ss = m.putObject("series");
        series.forEach((name, s) -> {
            ObjectNode o = ss.putObject(name);
            ArrayNode xs = o.putArray("x"), ys = o.putArray("y");
            for (int i = 0; i < s.n; i++) {
                xs.add(s.x[i]);
                ys.add(s.y[i]);
            }
        });
        return json(m);
    }

    private Table metricsTable() {
        if (metrics.isEmpty()) return null;
        var names = new LinkedHashSet<String>();
        metrics.values().forEach(ms -> names.addAll(ms.keySet()));
        var b = Table.builder("Metrics").columns(Stream.concat(Stream.of("Task"), names.stream()).toList());
        metrics.forEach((task, ms) -> {
            var row = new ArrayList<Object>();
            row.add(task);
            for (String n : names) {
                JsonNode v = ms.get(n);
                if (v == null) row.add(Fmt.MISSING);
                else if (v.isObject()) row.add(Fmt.meanCi(v.path("mean").asDouble(Double.NaN), v.path("ci").asDouble(Double.NaN), decimalsFor(v.path("mean").asDouble())));
                else row.add(Fmt.fixed(v.asDouble(), decimalsFor(v.asDouble())));
            }
            b.row(row);
        });
        return b.build();
    }

    private static int decimalsFor(double v) {
        double a = Math.abs(v);
        return a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 4;
    }

    private List<Chart> seriesCharts() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String name : series.keySet()) {
            int slash = name.indexOf('/');
            groups.computeIfAbsent(slash > 0 ? name.substring(0, slash) : name, k -> new ArrayList<>()).add(name);
        }
        var out = new ArrayList<Chart>();
        groups.forEach((group, names) -> {
            var b = LineChart.builder(group).yLabel(group).xLabel("step");
            for (String n : names) {
                SeriesData s = series.get(n);
                String label = n.equals(group) ? (names.size() == 1 ? "" : n) : n.substring(group.length() + 1);
                b.series(label, java.util.Arrays.copyOf(s.x, s.n), java.util.Arrays.copyOf(s.y, s.n));
            }
            out.add(b.build());
        });
        return out;
    }

    private Map<String, String> summary(Instant ended, Duration took) {
        var s = new LinkedHashMap<String, String>();
        s.put("Run", id);
        s.put("Command", command);
        s.put("Seed", Long.toString(seed));
        s.put("Version", CodeVersion.current());
        s.put("Started", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT).withZone(ZoneId.systemDefault()).format(started));
        s.put("Duration", Fmt.duration(took));
        MachineInfo m = MachineInfo.current();
        s.put("Machine", m.cores() + " cores, " + Fmt.bytes(m.maxHeapBytes()) + " heap, Java " + m.javaVersion() + ", " + m.os());
        datasets.forEach((name, d) -> s.put("Dataset " + name, "sha256:" + abbreviate(d.path("sha256").asText())));
        models.forEach((name, d) -> s.put("Model " + name, "sha256:" + abbreviate(d.path("sha256").asText())));
        s.putAll(info);
        return s;
    }

    private static String abbreviate(String sha) {
        return sha.length() > 16 ? sha.substring(0, 16) : sha;
    }

    private String markdown(Instant ended, Duration took, Table metricTable, List<Chart> allCharts, List<String> chartFiles) {
        var b = new StringBuilder();
        b.append("# ").append(command).append(" — ").append(id).append("\n\n");
        summary(ended, took).forEach((k, v) -> b.append("- **").append(k).append("**: ").append(v.replace("|", "\\|")).append('\n'));
        b.append('\n');
        for (String n : notes) b.append(n).append("\n\n");
        for (Table t : tables) b.append(t.toMarkdown()).append('\n');
        if (metricTable != null) b.append(metricTable.toMarkdown()).append('\n');
        if (!values.isEmpty()) {
            var vt = Table.builder("Values").columns("Name", "Value");
            values.forEach((k, v) -> vt.row(k, v.isNumber() ? Fmt.fixed(v.asDouble(), decimalsFor(v.asDouble())) : v.isTextual() ? v.asText() : v.toString()));
            b.append(vt.build().toMarkdown()).append('\n');
        }
        for (int i = 0; i < allCharts.size(); i++) {
            String title = allCharts.get(i).title().isBlank() ? "chart" : allCharts.get(i).title();
            b.append("![").append(title.replace("]", "\\]")).append("](").append(chartFiles.get(i)).append(")\n\n");
        }
        b.append("Full report: [report.html](report.html) · record: [record.json](record.json) · metrics: [metrics.json](metrics.json)\n");
        return b.toString();
    }

    private String html(Instant ended, Duration took, Table metricTable, List<Chart> allCharts) {
        var r = HtmlReport.builder(command + " — " + id).summary(summary(ended, took));
        for (String n : notes) r.paragraph(n);
        if (!tables.isEmpty() || metricTable != null || !values.isEmpty()) r.heading("Results");
        for (Table t : tables) r.table(t);
        if (metricTable != null) r.table(metricTable);
        if (!values.isEmpty()) {
            var vt = Table.builder("Values").columns("Name", "Value");
            values.forEach((k, v) -> vt.row(k, v.isNumber() ? Fmt.fixed(v.asDouble(), decimalsFor(v.asDouble())) : v.isTextual() ? v.asText() : v.toString()));
            r.table(vt.build());
        }
        if (!allCharts.isEmpty()) r.heading("Charts");
        for (Chart c : allCharts) r.chart(c);
        r.heading("Configuration").preformatted(json(config));
        return r.render();
    }

    // ------------------------------------------------------------------ JSON helpers

    private static ObjectMapper mapper() {
        var m = new SimpleModule("polymath-run");
        // java.time and friends as their ISO strings (no extra Jackson modules needed)
        for (Class<?> c : List.of(Duration.class, Instant.class, java.time.LocalDate.class, java.time.LocalDateTime.class,
                java.time.OffsetDateTime.class, java.time.ZonedDateTime.class, Path.class)) {
            addToString(m, c);
        }
        return JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .addModule(m)
                .build();
    }

    private static <T> void addToString(SimpleModule m, Class<T> type) {
        m.addSerializer(type, new StdSerializer<T>(type) {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
    }

    private static JsonNode toTree(Object value) {
        if (value == null) return JsonNodeFactory.instance.objectNode();
        if (value instanceof JsonNode n) return n.deepCopy();
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot record " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    private static String json(JsonNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON with object keys sorted, for a config hash that ignores key order. */
    private static String canonical(JsonNode n) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(sorted(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object sorted(JsonNode n) {
        if (n.isObject()) {
            var m = new TreeMap<String, Object>();
            n.properties().forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            var l = new ArrayList<Object>();
            n.forEach(c -> l.add(sorted(c)));
            return l;
        }
        return n;
    }

    static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (t.length() > 40) t = t.substring(0, 40).replaceAll("-+$", "");
        return t.isEmpty() ? "run" : t;
    }

    /** The parsed {@code record.json} of a published run folder. */
    public static JsonNode readRecord(Path runDir) {
        try {
            return JSON.readTree(runDir.resolve("record.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + runDir.resolve("record.json") + ": " + e.getMessage(), e);
        }
    }
}
