package dev.polymath.merge;

import dev.polymath.core.safetensors.DType;
import dev.polymath.core.safetensors.SafetensorsFile;
import dev.polymath.core.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

final class TestModels {
    private TestModels() {}

    /** Writes tensors (name -> shape + values) as an F32 safetensors file. */
    static Path write(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes) {
        var list = new ArrayList<SafetensorsWriter.Tensor>();
        tensors.forEach((n, v) -> list.add(SafetensorsWriter.Tensor.ofFloats(n, DType.F32,
                shapes.getOrDefault(n, new long[] {v.length}), v)));
        SafetensorsWriter.write(file, list, Map.of());
        return file;
    }

    static Map<String, float[]> read(Path file) {
        try (var f = SafetensorsFile.open(file)) {
            var m = new LinkedHashMap<String, float[]>();
            for (String n : f.tensors().keySet()) m.put(n, f.readAllFloats(n));
            return m;
        }
    }

    static String sha256Data(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, (int) (8 + n), (int) (b.length - 8 - n));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MergeEngine.Result merge(Path configFile, Path out, MergeEngine.Options opt) {
        try (var e = new MergeEngine(MergeConfig.load(configFile), opt)) {
            return e.run(out);
        }
    }

    static MergeEngine.Result mergeYaml(Path dir, String yaml, Path out, MergeEngine.Options opt) {
        try {
            Path cfg = dir.resolve("cfg-" + Integer.toHexString(yaml.hashCode()) + ".yaml");
            Files.writeString(cfg, yaml);
            return merge(cfg, out, opt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
