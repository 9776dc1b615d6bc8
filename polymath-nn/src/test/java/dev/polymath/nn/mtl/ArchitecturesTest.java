package dev.polymath.nn.mtl;

import ai.djl.ndarray.NDManager;
import dev.polymath.nn.Engines;
import dev.polymath.nn.mtl.arch.Architectures;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.arch.Mmoe;
import dev.polymath.nn.mtl.arch.NetSpec;
import dev.polymath.nn.tensor.Graph;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitecturesTest {
    @Test
    void mmoeGatesSumToOnePerExampleAndTask() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = (Mmoe.Net) Architectures.get("mmoe").build(
                    new NetSpec(Backbones.mlp(10, 6), List.of(3, 2, 5), Map.of("experts", "3"), 4), root);
            float[] x = new float[7 * 10];
            var rng = new SplittableRandom(0);
            for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian() * 3;
            try (Graph g = Graph.open(root)) {
                var p = net.parameters().views(g);
                var xs = g.floats(x, 7, 10);
                for (int t = 0; t < 3; t++) {
                    float[] w = Graph.toFloats(net.gateWeights(g, p, t, xs));
                    assertEquals(7 * 3, w.length);
                    for (int b = 0; b < 7; b++) {
                        double s = 0;
                        for (int e = 0; e < 3; e++) {
                            assertTrue(w[b * 3 + e] > 0);
                            s += w[b * 3 + e];
                        }
                        assertEquals(1.0, s, 1e-6);
                    }
                }
                var out = MtlStep.predict(net, g, xs);
                assertArrayEquals(new long[] {7, 5}, out[2].getShape().getShape());
                assertArrayEquals(new long[] {3, 7, 6}, net.represent(g, p, xs).getShape().getShape());
            }
        }
    }

    @Test
    void hpsOverLenetTakes36x36Images() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var net = Architectures.get("hps").build(new NetSpec(Backbones.lenet(36), List.of(10, 10), Map.of(), 1), root);
            try (Graph g = Graph.open(root)) {
                var out = MtlStep.predict(net, g, g.floats(new float[2 * 36 * 36], 2, 1, 36, 36));
                assertArrayEquals(new long[] {2, 10}, out[0].getShape().getShape());
            }
            // conv1 10*1*5*5+10, conv2 20*10*5*5+20, fc 720*50+50
            assertEquals(260 + 5020 + 36050, net.parameters().sharedSize());
        }
    }

    @Test
    void sentenceEmbeddingMlpReadsVectors() {
        try (NDManager root = Engines.pytorch(1).newBaseManager()) {
            var bb = Backbones.sentenceEmbeddingMlp(384, 64);
            var net = Architectures.get("hps").build(new NetSpec(bb, List.of(4), Map.of(), 1), root);
            try (Graph g = Graph.open(root)) {
                var out = MtlStep.predict(net, g, g.floats(new float[3 * 384], 3, 384));
                assertArrayEquals(new long[] {3, 4}, out[0].getShape().getShape());
            }
            assertTrue(bb.describe().startsWith("embeddings(384)"));
        }
    }

    @Test
    void unknownArchitectureListsKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Architectures.get("nope"));
        assertTrue(e.getMessage().contains("hps") && e.getMessage().contains("mmoe"));
    }
}
