package dev.polymath.nn.mtl.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Progressive Layered Extraction (Tang et al., RecSys 2020): {@code levels} stacked extraction layers. Each
 * level has shared experts and task-specific experts; task t's gate (softmax over its own and the shared
 * experts, read from task t's input to the level) forms task t's input to the next level, and in every level
 * but the last a shared gate (softmax over all experts, read from the shared input) forms the shared
 * experts' input to the next level. The last level is a {@link Cgc} layer whose task gates feed the heads.
 * <p>Levels are built from the backbone's stages (as LibMTL builds them from ResNet stages): the stages are
 * split into {@code levels} contiguous groups and each expert of level l is a fresh copy of group l; with the
 * LeNet backbone and 2 levels, level 1 is conv1+conv2 and level 2 the fully connected layer. Unlike LibMTL,
 * which has no shared gate (its shared experts read each task's input), this follows the paper.
 * <p>Parameter ownership: the last level's task experts and gates are task t's; everything below it reaches
 * every task through the shared gate, so it is shared. The shared representation is the concatenation, per
 * example, of every task's input to the last level and the last level's shared-expert outputs.
 * Options: {@code shared-experts} (default 2), {@code task-experts} (default 1), {@code levels} (default 2).
 */
public final class Ple implements Architecture {
    static final Set<String> OPTIONS = Set.of("shared-experts", "task-experts", "levels");

    @Override
    public String name() {
        return "ple";
    }

    @Override
    public String description() {
        return "progressive layered extraction: stacked levels of shared and task experts with task and shared gates";
    }

    @Override
    public MtlNet build(NetSpec spec, NDManager manager) {
        spec.requireKnownOptions(name(), OPTIONS);
        return Net.create(name(), spec, manager, spec.intOption("levels", 2));
    }

    /** A CGC or PLE network; {@link #gates} exposes every gate of a forward pass. */
    public static final class Net implements MtlNet {
        private final String desc;
        private final Parameters params;
        private final int tasks, levels, sharedExperts, taskExperts, width;
        private final List<List<Backbone.Instance>> shared = new ArrayList<>();          // [level][j]
        private final List<List<List<Backbone.Instance>>> specific = new ArrayList<>();  // [level][t][j]
        private final List<List<Parameters.LinearRef>> taskGates = new ArrayList<>();    // [level][t]
        private final List<Parameters.LinearRef> sharedGates = new ArrayList<>();        // [level < levels-1]
        private final List<Parameters.LinearRef> heads = new ArrayList<>();
        private long[] lastLevelInput; // per-example shape of a task's input to the last level (levels > 1)

        private Net(String arch, NetSpec spec, NDManager manager, int levels) {
            this.tasks = spec.tasks();
            this.levels = levels;
            this.sharedExperts = spec.intOption("shared-experts", 2);
            this.taskExperts = spec.intOption("task-experts", 1);
            if (sharedExperts < 1 || taskExperts < 0) {
                throw new IllegalArgumentException(arch + ": needs shared-experts >= 1 and task-experts >= 0, got "
                        + sharedExperts + " and " + taskExperts);
            }
            List<Backbone.Stage> stages = spec.backbone().stages();
            if (levels < 1 || levels > stages.size()) {
                throw new IllegalArgumentException(arch + ": levels must be between 1 and the backbone's " + stages.size() + " stages ("
                        + spec.backbone().describe() + "), got " + levels);
            }
            this.width = spec.backbone().outputWidth();
            var b = Parameters.builder(spec.seed());
            int[] bound = new int[levels + 1];
            for (int l = 0; l <= levels; l++) bound[l] = Math.round((float) l * stages.size() / levels);
            for (int l = 0; l < levels; l++) {
                boolean last = l == levels - 1;
                List<Backbone.Stage> group = stages.subList(bound[l], bound[l + 1]);
                int in = Math.toIntExact(l == 0 ? spec.backbone().inputSize() : stages.get(bound[l] - 1).outputSize());
                List<Backbone.Instance> sh = new ArrayList<>();
                for (int j = 0; j < sharedExperts; j++) sh.add(Backbones.chain(group, b, "level" + l + ".shared" + j + ".", -1));
                shared.add(sh);
                List<List<Backbone.Instance>> sp = new ArrayList<>();
                List<Parameters.LinearRef> gates = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    int owner = last ? t : -1;
                    List<Backbone.Instance> ex = new ArrayList<>();
                    for (int j = 0; j < taskExperts; j++) ex.add(Backbones.chain(group, b, "level" + l + ".task" + t + ".expert" + j + ".", owner));
                    sp.add(ex);
                    gates.add(b.linear("level" + l + ".task" + t + ".gate", owner, in, sharedExperts + taskExperts));
                }
                specific.add(sp);
                taskGates.add(gates);
                if (!last) sharedGates.add(b.linear("level" + l + ".shared.gate", -1, in, sharedExperts + tasks * taskExperts));
            }
            for (int t = 0; t < tasks; t++) heads.add(b.linear("task" + t + ".head", t, width, spec.taskOutputs().get(t)));
            this.params = b.build(manager);
            this.desc = arch + "(" + (levels > 1 ? levels + " levels, " : "") + sharedExperts + " shared + " + taskExperts
                    + " per task x " + spec.backbone().describe() + ", heads " + spec.taskOutputs() + ")";
        }

        static Net create(String arch, NetSpec spec, NDManager manager, int levels) {
            return new Net(arch, spec, manager, levels);
        }

        @Override public String describe() { return desc; }
        @Override public Parameters parameters() { return params; }
        @Override public int tasks() { return tasks; }

        @Override
        public PtNDArray represent(Graph g, PtNDArray[] p, PtNDArray x) {
            return forward(g, p, x, null);
        }

        /** Runs the levels below the last; collects their gates into {@code gatesOut} when not null. */
        private PtNDArray forward(Graph g, PtNDArray[] p, PtNDArray x, List<PtNDArray> gatesOut) {
            PtNDArray[] h = new PtNDArray[tasks];
            Arrays.fill(h, x);
            PtNDArray hs = x;
            for (int l = 0; l < levels - 1; l++) {
                List<PtNDArray> sharedOut = new ArrayList<>();
                for (Backbone.Instance e : shared.get(l)) sharedOut.add(e.forward(g, p, hs));
                List<PtNDArray> all = new ArrayList<>(sharedOut);
                PtNDArray[] next = new PtNDArray[tasks];
                for (int t = 0; t < tasks; t++) {
                    List<PtNDArray> mine = new ArrayList<>(sharedOut);
                    for (Backbone.Instance e : specific.get(l).get(t)) {
                        PtNDArray o = e.forward(g, p, h[t]);
                        mine.add(o);
                        all.add(o);
                    }
                    PtNDArray w = Gating.softmaxGate(g, p, taskGates.get(l).get(t), h[t]);
                    if (gatesOut != null) gatesOut.add(w);
                    next[t] = Gating.mix(g, w, mine);
                }
                PtNDArray ws = Gating.softmaxGate(g, p, sharedGates.get(l), hs);
                if (gatesOut != null) gatesOut.add(ws);
                hs = Gating.mix(g, ws, all);
                h = next;
            }
            List<PtNDArray> pieces = new ArrayList<>();
            if (levels > 1) {
                long[] shape = h[0].getShape().getShape();
                lastLevelInput = Arrays.copyOfRange(shape, 1, shape.length);
                for (PtNDArray ht : h) pieces.add(Gating.flat(g, ht));
            }
            for (Backbone.Instance e : shared.get(levels - 1)) pieces.add(e.forward(g, p, hs));
            return pieces.size() == 1 ? pieces.get(0) : g.cat(pieces.toArray(PtNDArray[]::new), 1);
        }

        /** Task t's input to the last level: the input itself for CGC, else its slice of the representation. */
        private PtNDArray lastLevelInput(Graph g, int task, PtNDArray x, PtNDArray rep) {
            if (levels == 1) return x;
            long n = 1;
            for (long d : lastLevelInput) n *= d;
            long[] shape = new long[lastLevelInput.length + 1];
            shape[0] = rep.getShape().get(0);
            System.arraycopy(lastLevelInput, 0, shape, 1, lastLevelInput.length);
            return g.reshape(g.slice(rep, 1, task * n, (task + 1) * n), shape);
        }

        private long sharedOffset() {
            if (levels == 1) return 0;
            long n = 1;
            for (long d : lastLevelInput) n *= d;
            return tasks * n;
        }

        private PtNDArray lastGate(Graph g, PtNDArray[] p, int task, PtNDArray in) {
            return Gating.softmaxGate(g, p, taskGates.get(levels - 1).get(task), in);
        }

        @Override
        public PtNDArray taskOutput(Graph g, PtNDArray[] p, int task, PtNDArray x, PtNDArray rep) {
            PtNDArray in = lastLevelInput(g, task, x, rep);
            List<PtNDArray> experts = new ArrayList<>();
            long off = sharedOffset();
            for (int j = 0; j < sharedExperts; j++) experts.add(g.slice(rep, 1, off + (long) j * width, off + (long) (j + 1) * width));
            for (Backbone.Instance e : specific.get(levels - 1).get(task)) experts.add(e.forward(g, p, in));
            PtNDArray mixed = Gating.mix(g, lastGate(g, p, task, in), experts);
            return heads.get(task).linear(g, p, mixed);
        }

        /**
         * Every gate of a forward pass, each {@code [B, experts]}: per level below the last, the task gates in
         * task order then the shared gate; then the last level's task gates.
         */
        public List<PtNDArray> gates(Graph g, PtNDArray[] p, PtNDArray x) {
            List<PtNDArray> out = new ArrayList<>();
            PtNDArray rep = forward(g, p, x, out);
            for (int t = 0; t < tasks; t++) out.add(lastGate(g, p, t, lastLevelInput(g, t, x, rep)));
            return out;
        }
    }
}
