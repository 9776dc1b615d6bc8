package dev.polymath.cli;

import dev.polymath.core.bench.BenchRegistry;
import dev.polymath.nn.bench.MtlStepBenchmark;

/** Every benchmark the CLI can run. */
final class Benchmarks {
    private Benchmarks() {}

    static BenchRegistry registry() {
        return new BenchRegistry()
                .register(new dev.polymath.text.bench.EncodeBench())
                .register(new dev.polymath.text.bench.EncoderTrainBench())
                .register(new dev.polymath.text.bench.FewShotBench())
                .register(new dev.polymath.nn.meta.MamlSineBenchmark())
                .register(new MtlStepBenchmark())
                .register(new dev.polymath.merge.MergeBenchmark());
    }
}
