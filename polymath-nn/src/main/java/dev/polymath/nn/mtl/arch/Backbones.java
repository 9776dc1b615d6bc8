package dev.polymath.nn.mtl.arch;

import ai.djl.pytorch.engine.PtNDArray;
import dev.polymath.nn.tensor.Graph;
import dev.polymath.nn.tensor.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The backbones Polymath ships. */
public final class Backbones {
    private Backbones() {}

    /** Linear-ReLU layers: {@code in → hidden[0] → ... → hidden[k-1]}, ReLU after every layer. */
    public static Backbone mlp(int in, int... hidden) {
        if (hidden.length == 0) throw new IllegalArgumentException("an MLP backbone needs at least one hidden layer");
        String desc = "mlp(" + in + "-" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-")) + ")";
        return new Backbone() {
            @Override public String describe() { return desc; }
            @Override public long[] inputShape() { return new long[] {in}; }
            @Override public int outputWidth() { return hidden[hidden.length - 1]; }

            @Override public Instance declare(Parameters.Builder params, String prefix, int task) { return chain(stages(), params, prefix, task); }

            @Override
            public List<Stage> stages() {
                List<Stage> out = new ArrayList<>();
                for (int i = 0; i < hidden.length; i++) {
                    int layer = i, from = i == 0 ? in : hidden[i - 1], to = hidden[i];
                    out.add(stage(to, (params, prefix, task) -> {
                        var l = params.linear(prefix + "fc" + layer, task, from, to);
                        return (g, p, x) -> g.relu(l.linear(g, p, x.getShape().dimension() == 2 ? x : g.flatten(x)));
                    }));
                }
                return out;
            }
        };
    }

    /**
     * Frozen sentence embeddings + MLP: the inputs are precomputed embedding vectors of width {@code dim}
     * (the encoder is not trained), fed to Linear-ReLU layers.
     */
    public static Backbone sentenceEmbeddingMlp(int dim, int... hidden) {
        Backbone inner = mlp(dim, hidden);
        return new Backbone() {
            @Override public String describe() { return "embeddings(" + dim + ")+" + inner.describe(); }
            @Override public long[] inputShape() { return inner.inputShape(); }
            @Override public int outputWidth() { return inner.outputWidth(); }
            @Override public Instance declare(Parameters.Builder params, String prefix, int task) {
                return inner.declare(params, prefix, task);
            }
            @Override public List<Stage> stages() { return inner.stages(); }
        };
    }

    /**
     * LeNet-style CNN for {@code side x side} single-channel images (Multi-MNIST/Multi-Fashion in Pareto MTL,
     * Lin et al. 2019): conv 5x5 (1→10) → max-pool 2 → ReLU → conv 5x5 (10→20) → max-pool 2 → ReLU →
     * flatten → Linear → 50 → ReLU. For 36x36 inputs the flattened width is 20·6·6 = 720.
     */
    public static Backbone lenet(int side) {
        int afterConv1 = (side - 4) / 2;
        int afterConv2 = (afterConv1 - 4) / 2;
        if (afterConv2 < 1) throw new IllegalArgumentException("image side " + side + " is too small for LeNet");
        int flat = 20 * afterConv2 * afterConv2;
        return new Backbone() {
            @Override public String describe() { return "lenet(" + side + "x" + side + ")"; }
            @Override public long[] inputShape() { return new long[] {1, side, side}; }
            @Override public int outputWidth() { return 50; }

            @Override public Instance declare(Parameters.Builder params, String prefix, int task) { return chain(stages(), params, prefix, task); }

            @Override
            public List<Stage> stages() {
                return List.of(
                        stage(10L * afterConv1 * afterConv1, (params, prefix, task) -> {
                            var c1 = params.conv(prefix + "conv1", task, 1, 10, 5);
                            return (g, p, x) -> {
                                PtNDArray img = x.getShape().dimension() == 4 ? x : g.reshape(x, -1, 1, side, side);
                                return g.relu(g.maxPool2d(c1.conv(g, p, img, 1, 0), 2));
                            };
                        }),
                        stage(flat, (params, prefix, task) -> {
                            var c2 = params.conv(prefix + "conv2", task, 10, 20, 5);
                            return (g, p, x) -> g.relu(g.maxPool2d(c2.conv(g, p, x, 1, 0), 2));
                        }),
                        stage(50, (params, prefix, task) -> {
                            var fc = params.linear(prefix + "fc", task, flat, 50);
                            return (g, p, x) -> g.relu(fc.linear(g, p, g.flatten(x)));
                        }));
            }
        };
    }

    /** Declares every stage under one prefix and runs them in order. */
    static Backbone.Instance chain(List<Backbone.Stage> stages, Parameters.Builder params, String prefix, int task) {
        List<Backbone.Instance> parts = new ArrayList<>();
        for (Backbone.Stage s : stages) parts.add(s.declare(params, prefix, task));
        return (g, p, x) -> {
            PtNDArray h = x;
            for (Backbone.Instance part : parts) h = part.forward(g, p, h);
            return h;
        };
    }

    private interface StageDeclarer {
        Backbone.Instance declare(Parameters.Builder params, String prefix, int task);
    }

    private static Backbone.Stage stage(long outputSize, StageDeclarer declarer) {
        return new Backbone.Stage() {
            @Override public long outputSize() { return outputSize; }
            @Override public Backbone.Instance declare(Parameters.Builder params, String prefix, int task) {
                return declarer.declare(params, prefix, task);
            }
        };
    }
}
