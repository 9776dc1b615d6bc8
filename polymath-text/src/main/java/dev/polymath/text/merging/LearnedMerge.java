package dev.polymath.text.merging;

import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsWriter;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a learned merging method found, to be applied by polymath-merge's {@code masked_task_arithmetic}:
 * coefficients [K][G] (G = 1 task-wise, or one per tensor of {@code tensors} layer-wise), a scale
 * {@code lambda}, and optionally a shared hard mask (tensor name → 0/1 values).
 *
 * @param trace figures of the learning run (losses at the start and end, mask density, ...) for the record
 */
public record LearnedMerge(String method, List<String> tensors, double[][] coefficients, double lambda,
                           Map<String, float[]> mask, Map<String, Object> trace) {

    public boolean layerWise() { return coefficients.length > 0 && coefficients[0].length > 1; }

    /** Fraction of masked-in entries over the masked tensors (1 when there is no mask). */
    public double maskDensity() {
        if (mask == null || mask.isEmpty()) return 1.0;
        double kept = 0, n = 0;
        for (float[] m : mask.values()) {
            for (float v : m) kept += v;
            n += m.length;
        }
        return kept / n;
    }

    /**
     * Writes {@code merge.yaml} (a mergekit-style config for {@code masked_task_arithmetic} over {@code base} and
     * {@code models}, absolute paths) and, with a mask, {@code mask.safetensors} into {@code dir}; returns the
     * config file. Layer-wise coefficients become filter lists with one entry per tensor, longest names first so
     * that no name matches a tensor it is a substring of.
     */
    public Path writeConfig(Path dir, Path base, List<Path> models, Map<String, long[]> shapes) {
        if (models.size() != coefficients.length) throw new IllegalArgumentException(coefficients.length + " coefficient rows for " + models.size() + " models");
        try {
            Files.createDirectories(dir);
            var y = new StringBuilder();
            y.append("# learned by polymath merge learn --method ").append(method).append('\n');
            y.append("merge_method: masked_task_arithmetic\n");
            y.append("base_model: ").append(quote(base.toAbsolutePath().toString())).append('\n');
            y.append("parameters:\n  lambda: ").append(num(lambda)).append('\n');
            if (mask != null && !mask.isEmpty()) {
                var list = new ArrayList<SafetensorsWriter.Tensor>();
                for (var e : mask.entrySet()) {
                    long[] shape = shapes.getOrDefault(e.getKey(), new long[] {e.getValue().length});
                    list.add(SafetensorsWriter.Tensor.ofFloats(e.getKey(), DType.F32, shape, e.getValue()));
                }
                Path tmp = dir.resolve(".mask.safetensors.tmp");
                SafetensorsWriter.write(tmp, list, Map.of("method", method));
                Files.move(tmp, dir.resolve("mask.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                y.append("  mask: mask.safetensors\n  mask_rescale: true\n");
            }
            y.append("models:\n");
            var order = new ArrayList<Integer>();
            for (int g = 0; g < tensors.size(); g++) order.add(g);
            order.sort(Comparator.comparingInt((Integer g) -> -tensors.get(g).length()).thenComparing(g -> g));
            for (int k = 0; k < models.size(); k++) {
                y.append("  - model: ").append(quote(models.get(k).toAbsolutePath().toString())).append('\n');
                y.append("    parameters:\n");
                if (!layerWise()) {
                    y.append("      weight: ").append(num(coefficients[k][0])).append('\n');
                } else {
                    y.append("      weight:\n");
                    for (int g : order) {
                        y.append("        - {filter: ").append(quote(tensors.get(g))).append(", value: ").append(num(coefficients[k][g])).append("}\n");
                    }
                    // tensors that are not merged (zero task vectors) take no part: weight 0
                    y.append("        - {value: 0.0}\n");
                }
            }
            Path cfg = dir.resolve("merge.yaml");
            AtomicFiles.writeString(cfg, y.toString());
            return cfg;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the learned merge to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
