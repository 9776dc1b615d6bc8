package dev.polymath.core.run;

import dev.polymath.core.util.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * SHA-256 checksums of files and folders, as lowercase hex.
 *
 * <p>A folder's checksum covers the relative path (with {@code /} separators) and content of every regular
 * file below it, in sorted path order, so it is the same on every machine and changes when any file is added,
 * removed, renamed or edited. Empty folders do not count. Symbolic links are followed.
 *
 * <p>File checksums are cached by (absolute path, size, modification time), in memory and optionally in a cache
 * file ({@link #withCacheFile}; {@link Run} keeps one in the runs folder), so repeated runs over the same large
 * data do not read it again. A file modified less than two seconds before it was hashed is not cached, since a
 * further edit within the file system's timestamp resolution could go unnoticed.
 *
 * <pre>{@code
 * String sha = Checksums.sha256(Path.of("datasets/banking77"));   // file or folder
 * }</pre>
 */
public final class Checksums {
    /** Size, digest and file count of a checksummed file or folder. */
    public record Digest(String sha256, long files, long bytes) {}

    private record Key(String path, long size, long mtimeNanos) {}

    private static final Checksums SHARED = new Checksums(null);
    private static final int MAX_CACHE_ENTRIES = 200_000;
    private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path cacheFile;
    private final Map<Key, String> cache = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    private Checksums(Path cacheFile) {
        this.cacheFile = cacheFile;
        if (cacheFile != null) load();
    }

    /** A process-wide instance with an in-memory cache only. */
    public static Checksums shared() {
        return SHARED;
    }

    /** An instance whose cache is loaded from, and {@link #save() saved} to, {@code cacheFile}. */
    public static Checksums withCacheFile(Path cacheFile) {
        return new Checksums(cacheFile.toAbsolutePath());
    }

    /** SHA-256 of a file or folder, using the shared cache. */
    public static String sha256(Path fileOrFolder) {
        return SHARED.digest(fileOrFolder).sha256();
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Checksum, number of files and total bytes of a file or folder. */
    public Digest digest(Path fileOrFolder) {
        try {
            Path p = fileOrFolder.toAbsolutePath().normalize();
            if (!Files.exists(p)) throw new NoSuchFileException(p.toString());
            if (!Files.isDirectory(p)) {
                long size = Files.size(p);
                return new Digest(file(p), 1, size);
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
                files = new ArrayList<>(walk.filter(Files::isRegularFile).toList());
            }
            var rel = new ArrayList<String>(files.size());
            var byRel = new java.util.HashMap<String, Path>();
            for (Path f : files) {
                String r = p.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                rel.add(r);
                byRel.put(r, f);
            }
            java.util.Collections.sort(rel);
            MessageDigest md = newDigest();
            long bytes = 0;
            for (String r : rel) {
                Path f = byRel.get(r);
                bytes += Files.size(f);
                md.update(r.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(file(f).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) '\n');
            }
            return new Digest(HexFormat.of().formatHex(md.digest()), rel.size(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not checksum " + fileOrFolder + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of one regular file, from the cache when its size and modification time are unchanged. */
    public String file(Path file) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        var key = new Key(p.toString(), a.size(), mtime);
        String hit = cache.get(key);
        if (hit != null) return hit;
        long before = System.currentTimeMillis();
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        String hex = HexFormat.of().formatHex(md.digest());
        BasicFileAttributes after = Files.readAttributes(p, BasicFileAttributes.class);
        boolean stable = after.size() == a.size() && after.lastModifiedTime().equals(a.lastModifiedTime());
        boolean racy = TimeUnit.MILLISECONDS.toNanos(before) - mtime < RACY_NANOS;
        if (stable && !racy && cache.size() < MAX_CACHE_ENTRIES) {
            cache.put(key, hex);
            dirty = true;
        }
        return hex;
    }

    /** Writes the cache file (if this instance has one and anything changed); failures are ignored. */
    public void save() {
        if (cacheFile == null || !dirty) return;
        var b = new StringBuilder(cache.size() * 120);
        cache.forEach((k, v) -> {
            if (k.path().indexOf('\n') < 0 && k.path().indexOf('\t') < 0)
                b.append(v).append('\t').append(k.size()).append('\t').append(k.mtimeNanos()).append('\t').append(k.path()).append('\n');
        });
        try {
            AtomicFiles.writeString(cacheFile, b.toString());
            dirty = false;
        } catch (UncheckedIOException ignored) {
            // a cache is an optimisation; never fail a run over it
        }
    }

    private void load() {
        try {
            if (!Files.isRegularFile(cacheFile)) return;
            for (String line : Files.readAllLines(cacheFile, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 4);
                if (f.length != 4 || f[0].length() != 64) continue;
                try {
                    cache.put(new Key(f[3], Long.parseLong(f[1]), Long.parseLong(f[2])), f[0]);
                } catch (NumberFormatException ignored) {
                    // skip a damaged line
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // unreadable cache: start empty
        }
    }

    int cachedEntries() {
        return cache.size();
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
