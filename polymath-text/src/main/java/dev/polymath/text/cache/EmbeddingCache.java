package dev.polymath.text.cache;

import dev.polymath.core.util.AtomicFiles;
import dev.polymath.text.FloatMatrix;
import dev.polymath.text.encoder.EncoderIdentity;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Sentence embeddings on disk, keyed by (model checksum, pooling, normalization, max length, text).
 *
 * <p>Layout: {@code <root>/<namespace>/} per encoder identity, where {@code namespace} is the first 24 hex
 * digits of SHA-256 of {@link EncoderIdentity#describe()}; the folder holds {@code identity.txt} (that
 * description, for people) and segment files {@code seg-*.bin}. Each {@link Namespace#put} writes one new
 * segment atomically (temporary file, fsync, rename), so a crash never leaves a half-written segment and
 * concurrent writers never overwrite each other. A segment is: magic {@code PMEMB001}, dim and count
 * (int32 LE), then per entry the SHA-256 of the text's UTF-8 bytes (32 bytes) and dim float32 LE values, then
 * a CRC32C (int64 LE) of all preceding bytes. A segment that fails its checks is ignored (with a warning) and
 * re-encoded entries are written anew. When a namespace has more than {@value #COMPACT_AT} segments on open,
 * they are merged into one.
 */
public final class EmbeddingCache {
    private static final System.Logger LOG = System.getLogger(EmbeddingCache.class.getName());
    private static final byte[] MAGIC = "PMEMB001".getBytes(StandardCharsets.US_ASCII);
    static final int COMPACT_AT = 16;

    private final Path root;

    public EmbeddingCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }

    /** Opens (loads) the namespace of {@code id}; creates nothing until the first put. */
    public Namespace open(EncoderIdentity id) {
        String desc = id.describe();
        Path dir = root.resolve(sha256Hex(desc.getBytes(StandardCharsets.UTF_8)).substring(0, 24));
        var ns = new Namespace(dir, id, desc);
        ns.load();
        return ns;
    }

    /** The embeddings of one encoder identity. Not thread-safe; one per process and encoder. */
    public static final class Namespace {
        private final Path dir;
        private final EncoderIdentity id;
        private final String description;
        private final Map<Key, float[]> entries = new HashMap<>();
        private final List<Path> segments = new ArrayList<>();

        private Namespace(Path dir, EncoderIdentity id, String description) {
            this.dir = dir;
            this.id = id;
            this.description = description;
        }

        public Path dir() { return dir; }
        public int size() { return entries.size(); }

        /** The cached vector of {@code text} (a copy), or null. */
        public float[] get(String text) {
            float[] v = entries.get(Key.of(text));
            return v == null ? null : v.clone();
        }

        /** Stores row i of {@code vectors} as the vector of {@code texts.get(i)}; writes one segment. */
        public void put(List<String> texts, FloatMatrix vectors) {
            if (texts.size() != vectors.rows()) throw new IllegalArgumentException(texts.size() + " texts but " + vectors.rows() + " vectors");
            if (vectors.cols() != id.dimension()) throw new IllegalArgumentException("vectors have " + vectors.cols() + " dims, namespace " + id.dimension());
            var newKeys = new ArrayList<Key>();
            var newRows = new ArrayList<float[]>();
            for (int i = 0; i < texts.size(); i++) {
                Key k = Key.of(texts.get(i));
                if (entries.containsKey(k)) continue;
                float[] row = vectors.row(i);
                entries.put(k, row);
                newKeys.add(k);
                newRows.add(row);
            }
            if (newKeys.isEmpty()) return;
            ensureDir();
            Path seg = dir.resolve("seg-" + System.currentTimeMillis() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".bin");
            writeSegment(seg, newKeys, newRows);
            segments.add(seg);
        }

        private void ensureDir() {
            Path idFile = dir.resolve("identity.txt");
            if (!Files.exists(idFile)) AtomicFiles.writeString(idFile, description + "\n");
        }

        private void writeSegment(Path file, List<Key> keys, List<float[]> rows) {
            int dim = id.dimension();
            AtomicFiles.write(file, raw -> {
                var crc = new CRC32C();
                var out = new DataOutputStream(new java.util.zip.CheckedOutputStream(raw, crc));
                out.write(MAGIC);
                ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(dim).putInt(keys.size());
                out.write(head.array());
                ByteBuffer row = ByteBuffer.allocate(32 + 4 * dim).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < keys.size(); i++) {
                    row.clear();
                    row.put(keys.get(i).bytes());
                    for (float f : rows.get(i)) row.putFloat(f);
                    out.write(row.array());
                }
                out.flush();
                raw.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).array());
            });
        }

        private void load() {
            if (!Files.isDirectory(dir)) return;
            Path idFile = dir.resolve("identity.txt");
            try {
                if (Files.exists(idFile) && !Files.readString(idFile).trim().equals(description)) {
                    throw new IllegalStateException("embedding cache folder " + dir + " belongs to another encoder (" + Files.readString(idFile).trim() + ")");
                }
                var found = new ArrayList<Path>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.bin")) {
                    for (Path p : ds) found.add(p);
                }
                found.sort(null);
                for (Path p : found) {
                    if (readSegment(p)) segments.add(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read embedding cache " + dir + ": " + e.getMessage(), e);
            }
            if (segments.size() > COMPACT_AT) compact();
        }

        private boolean readSegment(Path p) throws IOException {
            byte[] b;
            try {
                b = Files.readAllBytes(p);
            } catch (NoSuchFileException e) {
                return false; // removed by a concurrent compaction
            }
            int dim = id.dimension();
            String bad = null;
            if (b.length < 24 || !java.util.Arrays.equals(b, 0, 8, MAGIC, 0, 8)) bad = "not a cache segment";
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (bad == null) {
                int d = bb.getInt(8), n = bb.getInt(12);
                long expected = 16L + (long) n * (32 + 4L * dim) + 8;
                if (d != dim) bad = "dimension " + d + ", expected " + dim;
                else if (n < 0 || expected != b.length) bad = "size " + b.length + " does not match " + n + " entries";
                else {
                    var crc = new CRC32C();
                    crc.update(b, 0, b.length - 8);
                    if (crc.getValue() != bb.getLong(b.length - 8)) bad = "checksum mismatch";
                }
            }
            if (bad != null) {
                LOG.log(System.Logger.Level.WARNING, "ignoring damaged embedding cache segment {0}: {1}", p, bad);
                return false;
            }
            int n = bb.getInt(12);
            int pos = 16;
            for (int i = 0; i < n; i++) {
                byte[] k = java.util.Arrays.copyOfRange(b, pos, pos + 32);
                pos += 32;
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++, pos += 4) v[j] = bb.getFloat(pos);
                entries.putIfAbsent(new Key(k), v);
            }
            return true;
        }

        /** Merges all segments into one (written atomically before the old ones are deleted). */
        private void compact() {
            var keys = new ArrayList<Key>(entries.keySet());
            var rows = new ArrayList<float[]>(keys.size());
            for (Key k : keys) rows.add(entries.get(k));
            Path merged = dir.resolve("seg-" + System.currentTimeMillis() + "-merged-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".bin");
            writeSegment(merged, keys, rows);
            for (Path old : segments) {
                try {
                    Files.deleteIfExists(old);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not delete merged cache segment {0}: {1}", old, e.getMessage());
                }
            }
            segments.clear();
            segments.add(merged);
        }

        int segmentCount() { return segments.size(); }
    }

    /** SHA-256 of a text's UTF-8 bytes. */
    record Key(byte[] bytes) {
        static Key of(String text) {
            return new Key(sha256(text.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }
}
