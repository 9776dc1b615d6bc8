package dev.polymath.nn.mtl.suite;

import dev.polymath.core.data.FashionMnistLoader;
import dev.polymath.core.task.Task;
import dev.polymath.nn.mtl.arch.Backbones;
import dev.polymath.nn.mtl.data.MtlSplit;
import dev.polymath.nn.mtl.data.MultiFashion;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Multi-Fashion (Pareto MTL, Lin et al. 2019): tasks L and R on 36x36 composites, LeNet trunk, shared inputs. */
final class MultiFashionSuite implements MtlSuite {
    @Override public String name() { return "multi-fashion"; }

    @Override public String description() {
        return "two shifted Fashion-MNIST items per 36x36 image, tasks L and R (10 classes each), LeNet trunk";
    }

    @Override public boolean needsEmbedder() { return false; }

    @Override public boolean sharedInputs() { return true; }

    @Override public Defaults defaults() { return new Defaults(10, 256, 1e-3, 0); }

    @Override
    public LoadedSuite load(SuiteOptions o) {
        Path fm = FashionMnistLoader.locate();
        int train = o.trainSize() > 0 ? o.trainSize() : MultiFashion.TRAIN_SIZE;
        int test = o.testSize() > 0 ? o.testSize() : MultiFashion.TEST_SIZE;
        long t0 = System.nanoTime();
        Map<String, MultiFashion> d = MultiFashion.load(fm, train, o.validationSize(), test, o.dataSeed());
        String desc = String.format(java.util.Locale.ROOT, "multi-fashion: %d train, %d validation, %d test composites (36x36, data seed %d), %.1f s",
                train, o.validationSize(), test, o.dataSeed(), (System.nanoTime() - t0) / 1e9);
        o.log().accept(desc);
        MtlSplit val = d.containsKey(Task.VALIDATION) ? MtlSplit.shared(d.get(Task.VALIDATION)) : null;
        return new LoadedSuite(name(), MtlSplit.shared(d.get(Task.TRAIN)), val, MtlSplit.shared(d.get(Task.TEST)),
                Backbones.lenet(MultiFashion.SIDE), List.of(10, 10), Map.of(FashionMnistLoader.NAME, fm), desc);
    }
}
