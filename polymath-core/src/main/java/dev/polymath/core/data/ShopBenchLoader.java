package dev.polymath.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ShopBench / Shopping MMLU development sample (96 examples, 18 tasks; licence unconfirmed, not bundled):
 * JSON Lines with {@code input_field}, {@code output_field}, {@code task_name}, {@code task_type}, {@code metric}.
 * One generation task per {@code task_name} ({@code shopbench/task1} ...), in order of first appearance, split
 * {@code test}, category = {@code task_type}. The prompt already contains the options and the answer format, so
 * every task is treated as generation with the output as its single reference (an integer or a JSON list such as
 * {@code [6, 9, 15]} as text) and scored by {@code exact-match}. That is a simplification: the official metrics
 * (ROUGE-L, BLEU, sentence-transformer similarity, micro-F1, hit rate@3, NDCG) are kept in meta {@code metric}.
 */
public final class ShopBenchLoader {
    private ShopBenchLoader() {}

    public static final String NAME = "shopbench";
    public static final String FOLDER = "shopbench-dev-sample";

    public static TaskSuite load() {
        return load(DataPaths.locate(FOLDER));
    }

    public static TaskSuite load(Path dir) {
        Path file = DataFiles.require(dir.resolve("development.json"));
        var byTask = new LinkedHashMap<String, List<Example>>();
        var types = new LinkedHashMap<String, String>();
        DataFiles.forEachLine(file, (line, text) -> {
            if (text.isBlank()) return;
            JsonNode n = DataFiles.readJsonLine(file, line, text);
            String input = DataFiles.string(file, line, n, "input_field");
            String task = DataFiles.string(file, line, n, "task_name");
            String type = DataFiles.string(file, line, n, "task_type");
            JsonNode out = n.get("output_field");
            if (out == null || out.isNull()) throw new DataFormatException(file, line, "output_field", "missing");
            String ref = out.isValueNode() ? out.asText() : out.toString().replace(",", ", ").replace(",  ", ", ");
            var list = byTask.computeIfAbsent(task, k -> new ArrayList<>());
            types.putIfAbsent(task, type);
            list.add(Example.generation(Task.TEST + ":" + list.size(), input, List.of(ref))
                    .withMeta(Map.of("task_type", type, "metric", n.path("metric").asText(""))));
        });
        var tasks = new ArrayList<Task>();
        byTask.forEach((task, examples) -> tasks.add(Task.builder(NAME + "/" + task, TaskKind.GENERATION)
                .instruction("Answer the online-shopping question in the format the prompt asks for.")
                .category(types.get(task))
                .metrics(MetricSpec.higher("exact-match"))
                .split(Task.TEST, examples).build()));
        return new TaskSuite(NAME, "ShopBench (Shopping MMLU) development sample: 18 online-shopping tasks", tasks);
    }
}
