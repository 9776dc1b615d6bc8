package dev.polymath.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLINC150 (OOS-eval, {@code data_full.json} + {@code domains.json} + DNNC few-shot splits).
 *
 * <p>Tasks:
 * <ul>
 *   <li>{@code clinc150/intent}: 150 in-scope intents, labels in {@code domains.json} order (domain by domain,
 *       intents as listed). Splits {@code train}/{@code validation}/{@code test} (15000/3000/4500) are in-scope
 *       only; the out-of-scope utterances are kept as separate splits {@code oos_train}/{@code oos_validation}/
 *       {@code oos_test} (100/100/1000) whose examples carry the label {@value #OOS}, which is <b>not</b> in the
 *       label set (so the standard 150-way in-scope protocol is the default; out-of-scope detection reads the
 *       oos splits). DNNC few-shot splits {@code train_5}/{@code train_10} (5/10 per intent) when present.</li>
 *   <li>{@code clinc150/domain}: the 10 domains of {@code domains.json} (labels in file order), in-scope splits.</li>
 *   <li>{@code clinc150/by-domain/<domain>}: one 15-way intent task per domain (category = the domain), the
 *       "10 domains as 10 classification tasks" multi-task benchmark; splits train/validation/test and
 *       train_5/train_10 filtered to the domain.</li>
 * </ul>
 * Examples keep their ids across tasks ({@code train:17} is the 18th line of the train list).
 */
public final class Clinc150Loader {
    private Clinc150Loader() {}

    public static final String NAME = "clinc150";
    public static final String OOS = "oos";
    public static final String BY_DOMAIN = NAME + "/by-domain/";

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    /** Domain name to its intents, in {@code domains.json} order. */
    public static Map<String, List<String>> domains(Path dir) {
        Path file = DataFiles.require(dir.resolve("domains.json"));
        JsonNode root = DataFiles.readJson(file);
        if (!root.isObject()) throw new DataFormatException(file, 0, "json", "expected an object of domain -> intents");
        var out = new LinkedHashMap<String, List<String>>();
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isArray()) throw new DataFormatException(file, 0, e.getKey(), "expected an array of intents");
            var intents = new ArrayList<String>();
            for (JsonNode n : e.getValue()) {
                if (!n.isTextual()) throw new DataFormatException(file, 0, e.getKey(), "expected intent names, got " + n);
                intents.add(n.asText());
            }
            out.put(e.getKey(), List.copyOf(intents));
        }
        return out;
    }

    public static TaskSuite load(Path dir) {
        Map<String, List<String>> domains = domains(dir);
        var intentToDomain = new LinkedHashMap<String, String>();
        domains.forEach((d, intents) -> intents.forEach(i -> intentToDomain.put(i, d)));
        List<String> intents = List.copyOf(intentToDomain.keySet());

        Path file = DataFiles.require(dir.resolve("data_full.json"));
        JsonNode root = DataFiles.readJson(file);
        var intentSplits = new LinkedHashMap<String, List<Example>>();
        String[][] keys = {{"train", Task.TRAIN}, {"val", Task.VALIDATION}, {"test", Task.TEST},
                {"oos_train", "oos_train"}, {"oos_val", "oos_validation"}, {"oos_test", "oos_test"}};
        for (String[] k : keys) {
            boolean oos = k[0].startsWith("oos");
            intentSplits.put(k[1], readSplit(file, root, k[0], k[1], oos ? null : intentToDomain));
        }
        for (String shot : List.of("train_5", "train_10")) {
            Path d = dir.resolve("dnnc_splits").resolve(shot);
            if (FolderLayoutLoader.isSplitFolder(d)) {
                var examples = FolderLayoutLoader.readIntents(d, shot);
                for (var row : FolderLayoutLoader.readRows(d, false)) {
                    if (!intentToDomain.containsKey(row.label())) {
                        throw new DataFormatException(DataFiles.require(d.resolve(FolderLayoutLoader.LABEL)), row.line(),
                                FolderLayoutLoader.LABEL, "unknown intent '" + row.label() + "' (not in domains.json)");
                    }
                }
                intentSplits.put(shot, withDomain(examples, intentToDomain));
            }
        }

        var tasks = new ArrayList<Task>();
        tasks.add(LoaderSupport.splits(Task.builder(NAME + "/intent", TaskKind.CLASSIFICATION)
                .labels(intents)
                .instruction("Classify the intent of the user's request to a task-oriented assistant (150 intents"
                        + " in 10 domains).")
                .category("intent")
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1")), intentSplits).build());

        var domainSplits = new LinkedHashMap<String, List<Example>>();
        for (String s : List.of(Task.TRAIN, Task.VALIDATION, Task.TEST)) {
            var list = new ArrayList<Example>();
            for (Example e : intentSplits.get(s)) list.add(e.withTarget(new dev.polymath.core.task.Target.Label(intentToDomain.get(e.label()))));
            domainSplits.put(s, list);
        }
        tasks.add(LoaderSupport.splits(Task.builder(NAME + "/domain", TaskKind.CLASSIFICATION)
                .labels(List.copyOf(domains.keySet()))
                .instruction("Classify which domain the user's request belongs to (10 domains).")
                .category("domain")
                .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1")), domainSplits).build());

        for (var d : domains.entrySet()) {
            var splits = new LinkedHashMap<String, List<Example>>();
            for (var s : intentSplits.entrySet()) {
                if (s.getKey().startsWith("oos")) continue;
                var list = new ArrayList<Example>();
                for (Example e : s.getValue()) if (d.getKey().equals(intentToDomain.get(e.label()))) list.add(e);
                splits.put(s.getKey(), list);
            }
            tasks.add(LoaderSupport.splits(Task.builder(BY_DOMAIN + d.getKey(), TaskKind.CLASSIFICATION)
                    .labels(d.getValue())
                    .instruction("Classify the intent of the user's request in the " + d.getKey().replace('_', ' ')
                            + " domain (" + d.getValue().size() + " intents).")
                    .category(d.getKey())
                    .metrics(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1")), splits).build());
        }
        return new TaskSuite(NAME, "CLINC150 intent classification: 150 intents in 10 domains, plus out-of-scope"
                + " utterances", tasks);
    }

    private static List<Example> withDomain(List<Example> examples, Map<String, String> intentToDomain) {
        var out = new ArrayList<Example>(examples.size());
        for (Example e : examples) out.add(e.withMeta(Map.of("domain", intentToDomain.get(e.label()))));
        return out;
    }

    private static List<Example> readSplit(Path file, JsonNode root, String key, String split,
                                           Map<String, String> intentToDomain) {
        JsonNode arr = DataFiles.array(file, 0, root, key);
        var out = new ArrayList<Example>(arr.size());
        int i = 0;
        for (JsonNode pair : arr) {
            String field = key + "[" + i + "]";
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                throw new DataFormatException(file, 0, field, "expected [utterance, intent], got " + abbreviate(pair.toString()));
            }
            String text = pair.get(0).asText();
            String intent = pair.get(1).asText();
            Example e = Example.classification(split + ":" + i, text, intent);
            if (intentToDomain != null) {
                String domain = intentToDomain.get(intent);
                if (domain == null) {
                    throw new DataFormatException(file, 0, field, "unknown intent '" + intent + "' (not in domains.json)");
                }
                e = e.withMeta(Map.of("domain", domain));
            }
            out.add(e);
            i++;
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** True when a folder looks like CLINC150. */
    static boolean looksLike(Path dir) {
        return Files.isDirectory(dir) && DataFiles.exists(dir.resolve("data_full.json"));
    }
}
