package dev.polymath.core.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files: a single file from in-memory tensors (atomically), sharded checkpoints with a
 * {@code model.safetensors.index.json}, and the positional-write primitives the streaming merger uses.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    /** Files copied from a base model folder next to merged weights. */
    public static final List<String> AUXILIARY_FILES = List.of(
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json",
            "vocab.txt", "chat_template.jinja");

    /** A tensor held in memory: spec plus little-endian raw bytes. */
    public record Tensor(TensorSpec spec, byte[] data) {
        public Tensor {
            if (data.length != spec.byteLength()) {
                throw new IllegalArgumentException(spec.name() + ": " + data.length + " bytes for " + spec + " (expected " + spec.byteLength() + ")");
            }
        }

        public static Tensor ofFloats(String name, DType dtype, long[] shape, float[] values) {
            var spec = new TensorSpec(name, dtype, shape);
            if (values.length != spec.numel()) throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + java.util.Arrays.toString(shape));
            return new Tensor(spec, encode(values, 0, values.length, dtype));
        }
    }

    /** Encodes floats as {@code dtype} (F32, F16, BF16; round to nearest even) little-endian. */
    public static byte[] encode(float[] v, int off, int n, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(n * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
        encode(v, off, n, dtype, b);
        return b.array();
    }

    /** Encodes into {@code out} at its position (little-endian order is set on {@code out}). */
    public static void encode(float[] v, int off, int n, DType dtype, ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> { out.asFloatBuffer().put(v, off, n); out.position(out.position() + 4 * n); }
            case F16 -> { for (int i = 0; i < n; i++) out.putShort(DType.floatToF16(v[off + i])); }
            case BF16 -> { for (int i = 0; i < n; i++) out.putShort(DType.floatToBf16(v[off + i])); }
            default -> throw new IllegalArgumentException("cannot write floats as " + dtype + " (supported: F32, F16, BF16)");
        }
    }

    /** Writes one file atomically. */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        var layout = SafetensorsLayout.of(tensors.stream().map(Tensor::spec).toList(), metadata);
        var byName = new TreeMap<String, Tensor>();
        for (Tensor t : tensors) byName.put(t.spec().name(), t);
        AtomicFiles.write(file, out -> {
            out.write(layout.prefix());
            for (Tensor t : byName.values()) out.write(t.data());
        });
    }

    /** Writes the layout's header at the start of an open channel. */
    public static void writePrefix(FileChannel ch, SafetensorsLayout layout) throws IOException {
        writeFully(ch, ByteBuffer.wrap(layout.prefix()), 0);
    }

    public static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    /** How tensors are split over shard files (name order, a new shard when the next tensor would pass {@code maxShardBytes}). */
    public record ShardPlan(List<String> fileNames, List<SafetensorsLayout> layouts, Map<String, String> weightMap, long totalSize) {
        public boolean sharded() { return fileNames.size() > 1; }

        public int shardOf(String tensor) { return fileNames.indexOf(weightMap.get(tensor)); }
    }

    /**
     * Plans the output files. {@code maxShardBytes <= 0} means one file named {@value #SINGLE_FILE}; otherwise
     * shards named {@code model-00001-of-0000N.safetensors} (one file keeps the single name).
     */
    public static ShardPlan planShards(List<TensorSpec> specs, long maxShardBytes, Map<String, String> metadata) {
        var sorted = new ArrayList<>(specs);
        sorted.sort(Comparator.comparing(TensorSpec::name));
        List<List<TensorSpec>> groups = new ArrayList<>();
        List<TensorSpec> cur = new ArrayList<>();
        long curBytes = 0, total = 0;
        for (TensorSpec s : sorted) {
            long b = s.byteLength();
            total += b;
            if (maxShardBytes > 0 && !cur.isEmpty() && curBytes + b > maxShardBytes) {
                groups.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(s);
            curBytes += b;
        }
        groups.add(cur);
        int n = groups.size();
        var names = new ArrayList<String>();
        var layouts = new ArrayList<SafetensorsLayout>();
        var weightMap = new LinkedHashMap<String, String>();
        for (int i = 0; i < n; i++) {
            String fn = n == 1 ? SINGLE_FILE : String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            names.add(fn);
            layouts.add(SafetensorsLayout.of(groups.get(i), metadata));
            for (TensorSpec s : groups.get(i)) weightMap.put(s.name(), fn);
        }
        return new ShardPlan(List.copyOf(names), List.copyOf(layouts), java.util.Collections.unmodifiableMap(weightMap), total);
    }

    /** Writes {@value #INDEX_FILE} for a sharded plan into {@code dir} (atomically). */
    public static void writeIndex(Path dir, ShardPlan plan, Map<String, String> metadata) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        ObjectNode md = root.putObject("metadata");
        md.put("total_size", plan.totalSize());
        if (metadata != null) new TreeMap<>(metadata).forEach(md::put);
        ObjectNode wm = root.putObject("weight_map");
        new TreeMap<>(plan.weightMap()).forEach(wm::put);
        try {
            AtomicFiles.writeString(dir.resolve(INDEX_FILE), m.writeValueAsString(root) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes in-memory tensors as a checkpoint folder (sharded when {@code maxShardBytes > 0} and needed),
     * built in a staging sibling and published in one rename.
     */
    public static void writeCheckpoint(Path dir, List<Tensor> tensors, long maxShardBytes, Map<String, String> metadata) {
        var plan = planShards(tensors.stream().map(Tensor::spec).toList(), maxShardBytes, metadata);
        var byName = new TreeMap<String, Tensor>();
        for (Tensor t : tensors) byName.put(t.spec().name(), t);
        Path abs = dir.toAbsolutePath();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".partial");
        try {
            AtomicFiles.deleteRecursively(staging);
            Files.createDirectories(staging);
            for (int i = 0; i < plan.fileNames().size(); i++) {
                var layout = plan.layouts().get(i);
                try (FileChannel ch = FileChannel.open(staging.resolve(plan.fileNames().get(i)),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    writePrefix(ch, layout);
                    for (String name : layout.entries().keySet()) {
                        writeFully(ch, ByteBuffer.wrap(byName.get(name).data()), layout.position(name));
                    }
                    ch.force(true);
                }
            }
            if (plan.sharded()) writeIndex(staging, plan, metadata);
            AtomicFiles.publishDirectory(staging, abs);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@link #AUXILIARY_FILES} present in {@code baseDir} into {@code outDir}; returns the names copied. */
    public static List<String> copyAuxiliaryFiles(Path baseDir, Path outDir) {
        var copied = new ArrayList<String>();
        if (baseDir == null || !Files.isDirectory(baseDir)) return copied;
        try {
            for (String f : AUXILIARY_FILES) {
                Path src = baseDir.resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    copied.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy model files from " + baseDir + ": " + e.getMessage(), e);
        }
        return copied;
    }
}
