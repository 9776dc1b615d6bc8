package dev.polymath.cli;

import dev.polymath.core.run.Progress;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.suite.LoadedSuite;
import dev.polymath.nn.mtl.suite.MtlSuite;
import dev.polymath.nn.mtl.suite.MtlSuites;
import dev.polymath.nn.mtl.suite.SuiteOptions;
import dev.polymath.nn.mtl.suite.TextEmbedder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Options shared by {@code mtl train} and {@code mtl compare}: the suite, its data and the training settings. */
final class MtlSuiteOptions {
    @Option(names = "--suite", defaultValue = "multi-fashion", description = "task suite: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
            completionCandidates = SuiteNames.class)
    String suite;

    @Option(names = "--epochs", description = "maximum epochs (default: the suite's)")
    Integer epochs;

    @Option(names = "--batch", description = "batch size; per task for text suites (default: the suite's)")
    Integer batch;

    @Option(names = "--lr", description = "Adam learning rate (default: the suite's)")
    Double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Adam L2 weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--patience", description = "early stopping: epochs without validation improvement, 0 = off (default: the suite's)")
    Integer patience;

    @Option(names = "--train-size", defaultValue = "0", description = "multi-fashion: training composites (0 = 120000)")
    int trainSize;

    @Option(names = "--validation-size", defaultValue = "10000", description = "multi-fashion: validation composites, generated after the training ones (default ${DEFAULT-VALUE})")
    int validationSize;

    @Option(names = "--test-size", defaultValue = "0", description = "multi-fashion: test composites (0 = 20000)")
    int testSize;

    @Option(names = "--max-train", defaultValue = "0", description = "text suites: at most N training examples per task, a seeded random subset (0 = all)")
    int maxTrain;

    @Option(names = "--max-eval", defaultValue = "0", description = "text suites: at most N validation and N test examples per task, seeded random subsets (0 = all)")
    int maxEval;

    @Option(names = "--data-seed", defaultValue = "0", description = "seed of generated data (multi-fashion composites), fixed across training seeds (default ${DEFAULT-VALUE})")
    long dataSeed;

    @Option(names = "--experts", description = "experts, for the architectures that take them (mmoe, dselect_k, sparse_moe; default 4)")
    Integer experts;

    @Option(names = {"-O", "--arch-option"}, paramLabel = "[ARCH.]KEY=VALUE",
            description = "architecture option, repeatable; without ARCH. it goes to every architecture that takes KEY: cgc/ple "
                    + "shared-experts, task-experts, levels; dselect_k k, gamma, entropy-weight; sparse_moe k, noise, capacity-factor, "
                    + "balance-weight; cross_stitch stitch-self; dtrn se-reduction, tower")
    Map<String, String> archOptions;

    @Option(names = "--sam-rho", defaultValue = "0.05", description = "radius of SAM / F-MTL steps (default ${DEFAULT-VALUE})")
    double samRho;

    @Option(names = "--gradients", paramLabel = "MODE", description = "gradients that gradient methods combine: parameters (of the shared "
            + "parameters) or representation (of the shared representation, LibMTL's rep_grad; gradnorm, mgda, imtl, aligned_mtl); "
            + "default: parameters. Losses-only methods ignore it")
    String gradients;

    @Option(names = "--threads", description = "compute threads (default: cores)")
    Integer threads;

    @Mixin
    EncoderOptions encoder = new EncoderOptions();

    /** The options for {@code arch}: {@code --experts} and the {@code -O} keys it takes, {@code arch.key} ones for it alone. */
    Map<String, String> archOptions(String arch) {
        Set<String> known = Architectures.get(arch).options();
        var out = new TreeMap<String, String>();
        if (experts != null && known.contains("experts")) out.put("experts", Integer.toString(experts));
        if (archOptions != null) {
            archOptions.forEach((key, value) -> {
                int dot = key.indexOf('.');
                if (dot > 0) {
                    if (key.substring(0, dot).equals(arch)) out.put(key.substring(dot + 1), value);
                } else if (known.contains(key)) {
                    out.put(key, value);
                }
            });
        }
        return out;
    }

    /** Fails when an option would reach none of {@code archs}, rather than being dropped silently. */
    void checkArchOptions(List<String> archs) {
        if (experts != null && archs.stream().noneMatch(a -> Architectures.get(a).options().contains("experts"))) {
            throw new IllegalArgumentException("--experts: none of " + archs + " takes experts (mmoe, dselect_k and sparse_moe do)");
        }
        if (archOptions == null) return;
        for (String key : archOptions.keySet()) {
            int dot = key.indexOf('.');
            String arch = dot > 0 ? key.substring(0, dot) : null;
            String k = dot > 0 ? key.substring(dot + 1) : key;
            List<String> targets = arch != null ? List.of(arch) : archs;
            if (arch != null && !archs.contains(arch)) {
                throw new IllegalArgumentException("-O " + key + ": architecture '" + arch + "' is not among " + archs);
            }
            if (targets.stream().noneMatch(a -> Architectures.get(a).options().contains(k))) {
                var known = new TreeSet<String>();
                targets.forEach(a -> known.addAll(Architectures.get(a).options()));
                throw new IllegalArgumentException("-O " + key + ": unknown option '" + k + "' for " + String.join(", ", targets)
                        + "; known: " + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
    }

    /** The chosen gradient mode, or null for each method's own (parameters). */
    dev.polymath.nn.mtl.weighting.GradientMode gradients() {
        return gradients == null ? null : dev.polymath.nn.mtl.MethodCompatibility.parse(gradients);
    }

    MtlSuite suite() {
        return MtlSuites.get(suite);
    }

    int epochs() { return epochs != null ? epochs : suite().defaults().epochs(); }
    int batch() { return batch != null ? batch : suite().defaults().batch(); }
    double lr() { return lr != null ? lr : suite().defaults().lr(); }
    int patience() { return patience != null ? patience : suite().defaults().patience(); }

    LoadedSuite load(PrintStream log) {
        MtlSuite s = suite();
        TextEmbedder emb = s.needsEmbedder() ? embedder() : null;
        return s.load(new SuiteOptions(dataSeed, trainSize, validationSize, testSize, maxTrain, maxEval, emb, log::println));
    }

    /** Everything that changes what a run produces, in a fixed order (records and baseline fingerprints). */
    Map<String, Object> settings() {
        var m = new LinkedHashMap<String, Object>();
        m.put("suite", suite);
        m.put("epochs", epochs());
        m.put("batch", batch());
        m.put("lr", lr());
        m.put("weight_decay", weightDecay);
        m.put("patience", patience());
        if (suite.equals("multi-fashion")) {
            m.put("train_size", trainSize);
            m.put("validation_size", validationSize);
            m.put("test_size", testSize);
            m.put("data_seed", dataSeed);
        } else {
            m.put("encoder", encoder.model);
            m.put("max_train", maxTrain);
            m.put("max_eval", maxEval);
            m.put("data_seed", dataSeed);
        }
        return m;
    }

    /** The CLI's cached sentence encoder as the suites' embedder, with a progress bar. */
    private TextEmbedder embedder() {
        return new TextEmbedder() {
            @Override public String describe() {
                return encoder.model + (encoder.noCache ? "" : " (cached)");
            }

            @Override public float[][] embed(List<String> texts) {
                try (var enc = encoder.open();
                     var p = Progress.builder("embedding").total(texts.size()).unit("texts").build()) {
                    return enc.encode(texts, (done, total) -> p.set(done)).toArrays();
                }
            }
        };
    }

    static final class SuiteNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return MtlSuites.names().iterator();
        }
    }
}
