package dev.polymath.core.data;

import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.List;

/**
 * SNIPS (7-intent joint intent/slot version): the folder layout {@code train/}, {@code valid/}, {@code test/}
 * with {@code seq.in}, {@code seq.out}, {@code label}. Tasks {@code snips/intent} (7 intents, sorted) and
 * {@code snips/slots} (BIO tags aligned with the whitespace tokens of {@code seq.in}; tag set sorted with
 * {@code O} first). A token/tag count mismatch is a {@link DataFormatException} naming {@code seq.out} and the
 * line. Slot tagging is scored by token {@code accuracy} here: span-level slot F1 (the usual SNIPS metric) is not
 * in the metric registry yet.
 */
public final class SnipsLoader {
    private SnipsLoader() {}

    public static final String NAME = "snips";

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        TaskSuite raw = FolderLayoutLoader.load(dir, NAME);
        if (raw.size() != 2) {
            throw new DataFormatException(dir, 0, FolderLayoutLoader.SEQ_OUT, "SNIPS needs seq.out in every split folder");
        }
        Task intent = raw.tasks().get(0);
        Task slots = raw.tasks().get(1);
        intent = new Task(intent.name(), intent.kind(), intent.labels(),
                "Classify the intent of the voice-assistant request (7 intents).", "intent",
                List.of(MetricSpec.higher("accuracy"), MetricSpec.higher("macro-f1")), intent.splits());
        slots = new Task(slots.name(), slots.kind(), slots.labels(),
                "Tag every token of the voice-assistant request with its BIO slot tag.", "slots",
                List.of(MetricSpec.higher("accuracy")), slots.splits());
        return new TaskSuite(NAME, "SNIPS NLU benchmark: 7 voice-assistant intents and 39 slot types",
                List.of(intent, slots));
    }
}
