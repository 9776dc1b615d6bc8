package dev.polymath.cli;

import dev.polymath.core.report.Table;
import dev.polymath.text.merging.LearnOptions;
import dev.polymath.text.merging.MergeExperiment;
import dev.polymath.text.merging.TaskFineTuner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code polymath merge experiment}: fine-tune MiniLM per task, merge with every method, score; then the backdoor setting. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"The merging experiment on text: MiniLM fine-tuned on four TweetEval tasks (one head each), merged with every",
                "method (streaming and learned), scored per task; then one task fine-tuned with a planted trigger (attack success rate).",
                "Everything is cached under --work, so phases can run in separate invocations; 'report' prints the tables."})
final class MergeExperimentCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--work", required = true, paramLabel = "DIR", description = "work folder (fine-tuned models, results)")
    Path work;

    @Option(names = "--phase", defaultValue = "all", description = "finetune, clean, backdoor, multitask, report or all (default: ${DEFAULT-VALUE})")
    String phase;

    @Option(names = "--tasks", split = ",", description = "task names (default: tweeteval/emotion, hate, irony, offensive; needs ../shared/data or POLYMATH_DATA)")
    List<String> tasks;

    @Option(names = "--steps", description = "steps of the learned methods (default: 60)")
    Integer steps;

    @Option(names = "--epochs", description = "fine-tuning epochs (default: 1)")
    Integer epochs;

    @Option(names = "--max-train", description = "training examples per task (default: 2000)")
    Integer maxTrain;

    @Option(names = "--max-test", description = "test examples per task (default: 500)")
    Integer maxTest;

    @Option(names = "--budget-minutes", description = "start no new fine-tuning or method after this many minutes; rerun to continue (default: no limit)")
    Double budget;

    @Option(names = "--no-multitask", description = "skip the multi-task fine-tuned reference")
    boolean noMultiTask;

    @Option(names = "--dam-oracle", description = {"also run dam told the planted trigger (row dam_oracle_trigger, clean and backdoor settings):",
            "an oracle that isolates DAM's masks from its trigger search, not a blind defence"})
    boolean damOracle;

    @Option(names = "--dam-trigger-search", description = "also run dam with the blind discrete trigger search instead of soft tokens (row dam_trigger_search)")
    boolean damSearch;

    @Option(names = "--dam-backdoor-mask-only", description = {"run the --dam-oracle and --dam-trigger-search rows also with the backdoor mask alone over",
            "task arithmetic, no shared mask (rows *_backdoor_mask_only)"})
    boolean damBackdoorMaskOnly;

    @Override
    public Integer call() {
        var d = MergeExperiment.Settings.defaults(work);
        LearnOptions learn = steps == null ? d.learn() : d.learn().withSteps(steps);
        var ft = epochs == null ? d.finetune() : new TaskFineTuner.Options(epochs, d.finetune().batch(), d.finetune().lr(), d.finetune().seed());
        var s = new MergeExperiment.Settings(work, tasks == null ? d.tasks() : tasks, maxTrain == null ? d.maxTrain() : maxTrain,
                maxTest == null ? d.maxTest() : maxTest, d.maxLength(), ft, d.trigger(), d.poisonRate(), d.poisonTask(), d.targetLabel(),
                learn, d.perClass(), !noMultiTask, d.seed());
        PrintWriter out = spec.commandLine().getOut();
        var e = new MergeExperiment(s, out);
        if (budget != null) e.withBudgetMinutes(budget);
        if (damOracle) e.withDamOracle();
        if (damBackdoorMaskOnly) e.withDamBackdoorMaskOnly();
        if (damSearch) e.withDamTriggerSearch();
        switch (phase) {
            case "finetune" -> e.finetune();
            case "multitask" -> e.runMultiTask();
            case "clean" -> e.runClean();
            case "backdoor" -> e.runBackdoor();
            case "report" -> { }
            case "all" -> {
                e.finetune();
                if (e.fineTuned()) {
                    e.runClean();
                    e.runBackdoor();
                    e.runMultiTask();
                }
            }
            default -> throw new IllegalArgumentException("--phase must be finetune, clean, backdoor, multitask, report or all, got '" + phase + "'");
        }
        if (!e.complete()) out.println("(not complete yet: rerun to continue; the tables show what is cached)\n");
        for (Table t : e.tables()) {
            out.println(t.toMarkdown());
            out.println();
        }
        out.flush();
        return 0;
    }
}
