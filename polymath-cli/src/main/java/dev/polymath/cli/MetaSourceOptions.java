package dev.polymath.cli;

import dev.polymath.core.task.Task;
import dev.polymath.text.encoder.SentenceEncoder;
import dev.polymath.text.fewshot.MetaProjection;
import picocli.CommandLine.Option;

import java.util.function.Consumer;

/** Options of the {@code meta} few-shot method: where its projection is meta-trained (never the target's classes). */
final class MetaSourceOptions {
    @Option(names = "--meta-source", paramLabel = "DATASET",
            description = "meta: labelled dataset whose classes meta-train the projection (default: banking77 for a clinc150 target, else clinc150); "
                    + "classes named like the target's are left out")
    String source;

    @Option(names = "--meta-steps", description = "meta: ProtoNet meta-training steps of 4 x 20-way 5-shot episodes (default: 300)")
    Integer steps;

    /** The meta-trained projection for {@code target} (its labels are excluded from the source). */
    MetaProjection train(Task target, SentenceEncoder enc, long seed, Consumer<String> log) {
        String src = source != null ? source : target.name().startsWith("clinc150") ? "banking77" : "clinc150";
        Task s = FewShotCommand.intentTask(src);
        if (s.name().equals(target.name())) {
            throw new IllegalArgumentException("--meta-source " + src + " is the target dataset itself; meta-train on another dataset's classes");
        }
        var o = MetaProjection.Options.defaults();
        if (steps != null) o = o.withIterations(steps);
        return MetaProjection.train(s, enc, target.labels(), o, seed, log);
    }
}
