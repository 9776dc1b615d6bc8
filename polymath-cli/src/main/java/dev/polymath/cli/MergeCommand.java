package dev.polymath.cli;

import dev.polymath.merge.MergeConfig;
import dev.polymath.merge.MergeEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code polymath merge <config.yaml> --out <dir>}: mergekit-style model merging over safetensors. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        subcommands = {MergeLearnCommand.class, MergeExperimentCommand.class},
        description = {"Merge models described by a mergekit-style YAML config (merge_method, base_model, models, parameters, dtype, out_dtype).",
                "Methods: linear, task_arithmetic, ties, dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties, model_stock, slerp, ties_global,",
                "masked_task_arithmetic (the apply step of learned merging; see 'merge learn').",
                "Writes model.safetensors (or shards + index), merge_config.json (resolved config) and merge_stats.json."})
final class MergeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "merge config (YAML)")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (replaced atomically)")
    Path out;

    @Option(names = "--dry-run", description = "print the per-tensor plan, predicted peak memory and I/O volume; write nothing")
    boolean dryRun;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of the DARE drop masks (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--chunk", paramLabel = "ELEMENTS", defaultValue = "1048576", description = "elements per chunk (default: ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--max-shard-size", paramLabel = "BYTES", defaultValue = "5000000000", description = "largest output shard in bytes; 0 = one file (default: ${DEFAULT-VALUE})")
    long shard;

    @Override
    public Integer call() {
        if (config == null) throw new IllegalArgumentException("give a merge config (YAML), or a subcommand: learn, experiment");
        var opt = MergeEngine.Options.defaults().withSeed(seed).withChunk(chunk).withShardBytes(shard);
        if (threads != null) opt = opt.withThreads(threads);
        var out = spec.commandLine().getOut();
        try (var engine = new MergeEngine(MergeConfig.load(config), opt)) {
            if (dryRun) {
                out.print(engine.plan());
                out.flush();
                return 0;
            }
            if (this.out == null) throw new IllegalArgumentException("--out DIR is required (or use --dry-run)");
            var r = engine.run(this.out);
            out.printf("merged %d tensors (%d elements) with %s into %s in %.2f s (read %.3f GB, wrote %.3f GB)%n",
                    r.tensors(), r.elements(), engine.method().name(), r.out(), r.seconds(), r.bytesRead() / 1e9, r.bytesWritten() / 1e9);
            out.flush();
            return 0;
        }
    }
}
