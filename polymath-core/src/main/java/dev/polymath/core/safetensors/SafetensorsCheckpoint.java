package dev.polymath.core.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.data.MissingDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A model checkpoint made of one or more safetensors files: a single {@code .safetensors} file, a folder with
 * {@code model.safetensors}, a folder with a sharded {@code model.safetensors.index.json} (its
 * {@code weight_map} names the shard of every tensor, each checked to be really there), or a folder with
 * exactly one {@code .safetensors} file.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    private final Path source;
    private final Path folder;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;   // name order

    private SafetensorsCheckpoint(Path source, Path folder, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.source = source;
        this.folder = folder;
        this.files = files;
        this.byTensor = byTensor;
    }

    public static SafetensorsCheckpoint open(Path path) {
        if (Files.isRegularFile(path)) {
            if (path.getFileName().toString().endsWith(".json")) return openIndex(path);
            var f = SafetensorsFile.open(path);
            var map = new LinkedHashMap<String, SafetensorsFile>();
            for (String n : f.tensors().keySet()) map.put(n, f);
            return new SafetensorsCheckpoint(path, path.toAbsolutePath().getParent(), List.of(f), Collections.unmodifiableMap(map));
        }
        if (!Files.isDirectory(path)) {
            throw new MissingDataException("no checkpoint at " + path + " (expected a .safetensors file or a model folder)");
        }
        Path index = path.resolve(SafetensorsWriter.INDEX_FILE);
        if (Files.isRegularFile(index)) return openIndex(index);
        Path single = path.resolve(SafetensorsWriter.SINGLE_FILE);
        if (Files.isRegularFile(single)) return reopen(path, single);
        List<Path> found;
        try (Stream<Path> s = Files.list(path)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + path + ": " + e.getMessage(), e);
        }
        if (found.size() == 1) return reopen(path, found.get(0));
        if (found.isEmpty()) throw new MissingDataException("no .safetensors files in " + path);
        throw new MissingDataException(path + " holds " + found.size() + " .safetensors files but no " + SafetensorsWriter.INDEX_FILE);
    }

    private static SafetensorsCheckpoint reopen(Path folder, Path file) {
        var c = open(file);
        return new SafetensorsCheckpoint(folder, folder, c.files, c.byTensor);
    }

    private static SafetensorsCheckpoint openIndex(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (JacksonException e) {
            throw new DataFormatException(index, 0, null, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + index + ": " + e.getMessage(), e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) throw new DataFormatException(index, 0, "weight_map", "missing or not an object");
        Path dir = index.toAbsolutePath().getParent();
        var shards = new TreeMap<String, SafetensorsFile>();
        var byTensor = new TreeMap<String, SafetensorsFile>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw new DataFormatException(index, 0, "weight_map." + e.getKey(), "shard file name must be a string");
            String fn = e.getValue().textValue();
            Path shard = dir.resolve(fn).normalize();
            if (!shard.startsWith(dir)) throw new DataFormatException(index, 0, "weight_map." + e.getKey(), "shard '" + fn + "' is outside the model folder");
            SafetensorsFile f = shards.get(fn);
            if (f == null) {
                if (!Files.isRegularFile(shard)) throw new DataFormatException(index, 0, "weight_map." + e.getKey(), "shard file " + shard + " does not exist");
                f = SafetensorsFile.open(shard);
                shards.put(fn, f);
            }
            if (!f.contains(e.getKey())) {
                throw new DataFormatException(index, 0, "weight_map." + e.getKey(), "tensor is not in shard " + fn);
            }
            byTensor.put(e.getKey(), f);
        }
        for (var f : shards.values()) {
            for (String n : f.tensors().keySet()) {
                if (!byTensor.containsKey(n)) throw new DataFormatException(index, 0, "weight_map", "tensor '" + n + "' of " + f.file().getFileName() + " is missing from weight_map");
            }
        }
        return new SafetensorsCheckpoint(index, dir, List.copyOf(shards.values()), Collections.unmodifiableMap(new LinkedHashMap<>(byTensor)));
    }

    /** What was opened (file, folder or index). */
    public Path source() { return source; }

    /** The folder holding the checkpoint (for config.json and tokenizer files). */
    public Path folder() { return folder; }

    public List<SafetensorsFile> files() { return files; }

    /** Tensor names in order. */
    public List<String> names() { return new ArrayList<>(byTensor.keySet()); }

    public boolean contains(String name) { return byTensor.containsKey(name); }

    public TensorInfo info(String name) { return file(name).info(name); }

    public SafetensorsFile file(String name) {
        var f = byTensor.get(name);
        if (f == null) throw new MissingDataException(source + ": no tensor '" + name + "'");
        return f;
    }

    public void readFloats(String name, long first, float[] dst, int dstOff, int count) {
        SafetensorsFile f = file(name);
        f.readFloats(f.info(name), first, dst, dstOff, count);
    }

    /** Metadata of the first file. */
    public Map<String, String> metadata() { return files.get(0).metadata(); }

    public long totalBytes() {
        long s = 0;
        for (var f : byTensor.entrySet()) s += f.getValue().info(f.getKey()).byteLength();
        return s;
    }

    @Override
    public void close() {
        for (var f : files) f.close();
    }
}
