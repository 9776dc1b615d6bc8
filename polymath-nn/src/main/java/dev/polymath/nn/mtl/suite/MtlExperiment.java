package dev.polymath.nn.mtl.suite;

import ai.djl.ndarray.NDManager;
import dev.polymath.core.metric.ScoreTable;
import dev.polymath.nn.mtl.MtlTrainer;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.MtlNet;
import dev.polymath.nn.mtl.arch.NetSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Trains one configuration (architecture, method, seed, settings) on a loaded suite. */
public final class MtlExperiment {
    private MtlExperiment() {}

    /**
     * @param arch        architecture name
     * @param method      weighting method and SAM wrapper
     * @param archOptions e.g. {@code experts=4}
     * @param tasks       the tasks to train (null = all; one task = a single-task baseline)
     */
    public record Spec(String arch, MethodSpec method, Map<String, String> archOptions, List<String> tasks, int epochs, int batch,
                       double lr, double weightDecay, int patience, long seed, Path checkpoints, boolean resume) {
        public Spec {
            archOptions = Map.copyOf(archOptions);
            tasks = tasks == null ? null : List.copyOf(tasks);
        }

        public Spec withTasks(List<String> t) {
            return new Spec(arch, method, archOptions, t, epochs, batch, lr, weightDecay, patience, seed, checkpoints, resume);
        }

        public Spec withSeed(long s) {
            return new Spec(arch, method, archOptions, tasks, epochs, batch, lr, weightDecay, patience, s, checkpoints, resume);
        }

        public Spec withMethod(String a, MethodSpec m) {
            return new Spec(a, m, archOptions, tasks, epochs, batch, lr, weightDecay, patience, seed, checkpoints, resume);
        }
    }

    /** What one configuration produced. */
    public record Outcome(Spec spec, List<String> tasks, String model, long parameters, MtlTrainer.Result result, double seconds) {}

    /**
     * Builds the network (initialised from the seed), trains, restores the best epoch and evaluates on test.
     * {@code validationBaseline} drives selection (Δm%, or the validation loss when null); {@code testBaseline}
     * gives the test Δm% (may be null).
     */
    public static Outcome run(NDManager root, LoadedSuite suite, Spec spec, ScoreTable validationBaseline, ScoreTable testBaseline,
                              Consumer<String> log, Consumer<MtlTrainer.Epoch> onEpoch) {
        return run(root, suite, spec, validationBaseline, testBaseline, log, onEpoch, null);
    }

    /**
     * As above; {@code pause} (needs {@code spec.checkpoints()}) is asked after every epoch and pauses the run
     * there when true: the outcome's result is then {@link MtlTrainer.Result#paused()}, to be resumed.
     */
    public static Outcome run(NDManager root, LoadedSuite suite, Spec spec, ScoreTable validationBaseline, ScoreTable testBaseline,
                              Consumer<String> log, Consumer<MtlTrainer.Epoch> onEpoch, java.util.function.BooleanSupplier pause) {
        LoadedSuite s = spec.tasks() == null ? suite : suite.select(spec.tasks());
        long t0 = System.nanoTime();
        try (NDManager scope = root.newSubManager();
             MtlNet net = Architectures.get(spec.arch()).build(new NetSpec(s.backbone(), s.outputs(), spec.archOptions(), spec.seed()), scope)) {
            if (log != null) {
                log.accept("model: " + net.describe() + ", " + net.parameters().size() + " parameters (" + net.parameters().sharedSize()
                        + " shared); method " + spec.method().label() + "; tasks " + s.train().taskNames() + "; seed " + spec.seed()
                        + "; " + MtlTrainer.selectionCriterion(validationBaseline, s.train().tasks()));
            }
            var config = new MtlTrainer.Config(spec.epochs(), spec.batch(), spec.lr(), spec.weightDecay(), spec.seed(), spec.patience(),
                    spec.checkpoints(), spec.resume(), spec.method().sharpness(), spec.method().gradients());
            var trainer = new MtlTrainer(config);
            if (pause != null) trainer.pauseWhen(pause);
            MtlTrainer.Result r = trainer.train(scope, net, spec.method().factory(), s.train(), s.validation(), s.test(),
                    validationBaseline, testBaseline, onEpoch);
            return new Outcome(spec, s.train().taskNames(), net.describe(), net.parameters().size(), r, (System.nanoTime() - t0) / 1e9);
        }
    }
}
