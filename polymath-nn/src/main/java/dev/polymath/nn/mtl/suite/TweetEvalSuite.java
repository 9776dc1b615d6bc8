package dev.polymath.nn.mtl.suite;

import dev.polymath.core.data.DataPaths;
import dev.polymath.core.data.TweetEvalLoader;
import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TweetEval's six tasks with training data: emoji, emotion, hate, irony, offensive, stance (sentiment has no
 * training split in our copy), each with its official metric first (macro-F1; irony: F1 of the ironic class;
 * stance: mean F1 of favor and against). The five stance targets form one task whose texts are prefixed with
 * the target ({@code "abortion: <tweet>"}), so one head can tell them apart; its metric is computed over the
 * pooled predictions of all five targets, as TweetEval's official evaluation script does (it concatenates the
 * targets' gold labels and predictions, then averages the F1 of against and favor over the whole set; it does
 * not average per target).
 */
final class TweetEvalSuite implements MtlSuite {
    static final List<String> TASKS = List.of("emoji", "emotion", "hate", "irony", "offensive", "stance");

    @Override public String name() { return "tweeteval"; }

    @Override public String description() {
        return "TweetEval emoji, emotion, hate, irony, offensive, stance on frozen MiniLM embeddings + MLP, official metrics";
    }

    @Override public boolean needsEmbedder() { return true; }

    @Override public boolean sharedInputs() { return false; }

    @Override public Defaults defaults() { return new Defaults(20, 128, 1e-3, 5); }

    @Override
    public LoadedSuite load(SuiteOptions o) {
        Path dir = DataPaths.locate(TweetEvalLoader.NAME);
        TaskSuite suite = TweetEvalLoader.load(dir);
        var tasks = new ArrayList<Task>();
        for (String t : TASKS) {
            if (t.equals("stance")) tasks.add(stance(suite));
            else tasks.add(suite.task(TweetEvalLoader.NAME + "/" + t).withName(t));
        }
        return EmbeddedTasks.load(name(), tasks, o, Map.of(TweetEvalLoader.NAME, dir));
    }

    static Task stance(TaskSuite suite) {
        Task first = null;
        Map<String, List<Example>> splits = new LinkedHashMap<>();
        for (String target : TweetEvalLoader.STANCE_TARGETS) {
            Task t = suite.task(TweetEvalLoader.NAME + "/stance/" + target);
            if (first == null) first = t;
            for (String s : List.of(Task.TRAIN, Task.VALIDATION, Task.TEST)) {
                var list = splits.computeIfAbsent(s, k -> new ArrayList<>());
                for (Example e : t.split(s)) list.add(Example.classification(target + ":" + e.id(), target + ": " + e.text(), e.label()));
            }
        }
        return new Task("stance", first.kind(), first.labels(), "Classify the tweet's stance towards the target named before it.",
                "stance", first.metrics(), splits);
    }
}
