package dev.polymath.cli;

import dev.polymath.core.data.DatasetCatalog;
import dev.polymath.core.task.Task;
import dev.polymath.merge.MergeConfig;
import dev.polymath.merge.MergeEngine;
import dev.polymath.text.bert.BertModel;
import dev.polymath.text.bert.BertSource;
import dev.polymath.text.bert.BertWeights;
import dev.polymath.text.encoder.TextTokenizer;
import dev.polymath.text.merging.BackdoorAwareMasks;
import dev.polymath.text.merging.LearnOptions;
import dev.polymath.text.merging.LearnedMerge;
import dev.polymath.text.merging.LearnedMergeMethod;
import dev.polymath.text.merging.LearnedMergeMethods;
import dev.polymath.text.merging.MergeProblem;
import dev.polymath.text.merging.MergeSpace;
import dev.polymath.text.merging.TaskData;
import dev.polymath.text.merging.TaskHead;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code polymath merge learn}: learns merge coefficients / masks with DJL, then applies them with the streaming merger. */
@Command(name = "learn", mixinStandardHelpOptions = true,
        description = {"Learn how to merge fine-tuned BERT encoders, then merge them (masked_task_arithmetic).",
                "Methods: adamerging, adamerging_layer (entropy on unlabelled test inputs), concrete (shared Concrete mask),",
                "dam (backdoor-aware dual masks against a soft, searched or given trigger), self_positioning (SGD on a small labelled set).",
                "Each --models folder holds encoder/ (a BERT safetensors folder) and head.safetensors naming its task,",
                "as 'polymath merge experiment' writes them; the task's test inputs (unlabelled) and validation split are read from the dataset.",
                "Writes OUT/merge.yaml (+ mask.safetensors) and the merged encoder in OUT/model."})
final class MergeLearnCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--method", required = true, description = "learned merging method")
    String method;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "the pretrained encoder folder (or 'minilm')")
    String base;

    @Option(names = "--models", required = true, split = ",", paramLabel = "DIR", description = "task model folders (encoder/ + head.safetensors)")
    List<Path> models;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--steps", description = "optimization steps (default: 60)")
    Integer steps;

    @Option(names = "--batch", description = "examples per task per step (default: 16)")
    Integer batch;

    @Option(names = "--lr", description = "coefficient learning rate (default: 0.01 Adam; self_positioning 0.5 SGD)")
    Double lr;

    @Option(names = "--mask-lr", description = "mask-logit learning rate (default: 0.05)")
    Double maskLr;

    @Option(names = "--max-length", defaultValue = "32", description = "tokens per input (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "--max-unlabelled", defaultValue = "450", description = "unlabelled test inputs per task (default: ${DEFAULT-VALUE})")
    int maxUnlabelled;

    @Option(names = "--per-class", defaultValue = "5", description = "labelled validation examples per class (self_positioning; default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--seed", defaultValue = "42", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dam-trigger", paramLabel = "TEXT", description = {"dam: a suspected trigger phrase; the masks learn against every task's inputs",
            "with it prepended instead of searching for a trigger"})
    String damTrigger;

    @Option(names = "--dam-trigger-search", description = "dam: find a trigger per task by the blind discrete search (TriggerSearch) instead of soft tokens")
    boolean damSearch;

    @Option(names = "--dam-backdoor-mask-only", description = "dam: learn the backdoor mask alone over task arithmetic (no shared Concrete mask)")
    boolean damBackdoorMaskOnly;

    @Override
    public Integer call() {
        var w = spec.commandLine().getOut();
        LearnedMergeMethod m = LearnedMergeMethods.get(method);
        if ((damTrigger != null || damSearch || damBackdoorMaskOnly) && !m.name().equals("dam")) {
            throw new IllegalArgumentException("--dam-trigger, --dam-trigger-search and --dam-backdoor-mask-only apply to --method dam only");
        }
        if (damTrigger != null && damSearch) throw new IllegalArgumentException("give either --dam-trigger or --dam-trigger-search");
        if (damBackdoorMaskOnly && damTrigger == null && !damSearch) throw new IllegalArgumentException("--dam-backdoor-mask-only needs --dam-trigger or --dam-trigger-search");
        if (damSearch) m = BackdoorAwareMasks.searched(dev.polymath.text.merging.TriggerSearch.Options.defaults());
        LearnOptions o = m.defaults();
        if (steps != null) o = o.withSteps(steps);
        if (batch != null) o = o.withBatch(batch);
        if (lr != null) o = o.withLr(lr);
        if (maskLr != null) o = o.withMaskLr(maskLr);
        BertSource src = BertSource.resolve(base);
        Path baseDir = base.equalsIgnoreCase("minilm") ? null : Path.of(base);
        if (baseDir == null) throw new IllegalArgumentException("--base must be a folder with model.safetensors (the merge engine reads it); save the built-in model first, e.g. with 'polymath merge experiment'");
        var heads = new ArrayList<TaskHead>();
        var unl = new ArrayList<long[][]>();
        var lab = new ArrayList<MergeProblem.Labelled>();
        var encoders = new ArrayList<Path>();
        try (TextTokenizer tok = TextTokenizer.fromJson(src.tokenizerJson(), src.tokenizerLabel())) {
            if (damTrigger != null) {
                long[] ids = tok.ids(damTrigger);
                if (ids.length <= 2) throw new IllegalArgumentException("--dam-trigger '" + damTrigger + "' has no tokens");
                m = BackdoorAwareMasks.knownTrigger(java.util.Arrays.copyOfRange(ids, 1, ids.length - 1));
            }
            if (damBackdoorMaskOnly) m = ((BackdoorAwareMasks) m).backdoorMaskOnly();
            for (Path dir : models) {
                Path head = dir.resolve(TaskHead.FILE);
                if (!Files.isRegularFile(head)) throw new IllegalArgumentException(dir + " has no " + TaskHead.FILE);
                TaskHead h = TaskHead.load(head);
                Task t = DatasetCatalog.resolve(h.task()).task(h.task());
                TaskData d = TaskData.of(t, tok, maxLength, 1, maxUnlabelled, seed);
                heads.add(h);
                unl.add(d.test().rows());
                var few = TaskData.perClass(d.validation(), t.labels().size(), perClass);
                lab.add(new MergeProblem.Labelled(few.rows(), few.labels()));
                encoders.add(dir.resolve("encoder"));
            }
        }
        LearnedMerge r;
        var shapes = new LinkedHashMap<String, long[]>();
        try (BertModel model = src.newModel(1)) {
            var ft = new ArrayList<BertWeights>();
            for (Path p : encoders) ft.add(BertWeights.fromSafetensors(p));
            try (MergeSpace space = new MergeSpace(model, ft)) {
                ft.clear();
                for (String n : space.names()) shapes.put(n, space.shape(n));
                r = m.learn(new MergeProblem(space, heads, unl, lab, seed), o);
            }
        }
        Path cfg = r.writeConfig(out, baseDir, encoders, shapes);
        try (var e = new MergeEngine(MergeConfig.load(cfg), MergeEngine.Options.defaults().withSeed(seed))) {
            e.run(out.resolve("model"));
        }
        w.printf("%s: %s%n", m.name(), r.trace());
        if (!r.layerWise()) {
            for (int k = 0; k < heads.size(); k++) w.printf("  coefficient of %s: %.4f%n", heads.get(k).task(), r.coefficients()[k][0]);
        }
        if (r.mask() != null) w.printf("  mask keeps %.2f%% of the task-vector entries%n", 100 * r.maskDensity());
        w.printf("wrote %s and the merged encoder %s%n", cfg, out.resolve("model"));
        w.flush();
        return 0;
    }
}
