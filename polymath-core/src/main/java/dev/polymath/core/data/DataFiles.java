package dev.polymath.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * File helpers shared by the loaders: every data file may be stored plain or gzip-compressed ({@code name.gz}),
 * and is read streaming. Lines are split on {@code \n} only (a trailing {@code \r} is dropped), so a stray
 * carriage return inside a tweet cannot shift the alignment of parallel files.
 */
public final class DataFiles {
    private DataFiles() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** {@code file} if it exists, else {@code file.gz} if that exists, else null. */
    public static Path existing(Path file) {
        if (Files.isRegularFile(file)) return file;
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        return null;
    }

    /** Like {@link #existing} but a missing file is a {@link MissingDataException} naming both names tried. */
    public static Path require(Path file) {
        Path p = existing(file);
        if (p == null) {
            throw new MissingDataException("data file not found: " + file + " (nor " + file.getFileName() + ".gz)");
        }
        return p;
    }

    /** True when {@code file} or {@code file.gz} exists. */
    public static boolean exists(Path file) {
        return existing(file) != null;
    }

    /** File name without a trailing {@code .gz}. */
    public static String baseName(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
    }

    /** Regular files of a folder whose base name (without .gz) ends with {@code suffix}, sorted by base name. */
    public static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) throw new MissingDataException("folder not found: " + dir);
        var byBase = new java.util.TreeMap<String, Path>();
        try (var stream = Files.list(dir)) {
            stream.filter(Files::isRegularFile).filter(p -> baseName(p).endsWith(suffix)).forEach(p ->
                    // when both name and name.gz exist, keep the plain one
                    byBase.merge(baseName(p), p, (a, b) -> a.toString().endsWith(".gz") ? b : a));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return new ArrayList<>(byBase.values());
    }

    /** Opens a file for reading, decompressing gzip (recognised by its magic bytes, whatever the name). */
    public static InputStream open(Path file) throws IOException {
        var in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        return in;
    }

    /** A UTF-8 reader over {@link #open}. */
    public static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Receives one line with its 1-based number. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(long lineNumber, String line);
    }

    /** Streams the lines of a file (split on {@code \n} only; a final line without newline counts). */
    public static void forEachLine(Path file, LineConsumer consumer) {
        try (Reader r = reader(file)) {
            var sb = new StringBuilder(256);
            char[] buf = new char[1 << 14];
            long line = 0;
            int n;
            boolean pending = false;
            while ((n = r.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = buf[i];
                    if (c == '\n') {
                        consumer.accept(++line, stripCr(sb));
                        sb.setLength(0);
                        pending = false;
                    } else {
                        sb.append(c);
                        pending = true;
                    }
                }
            }
            if (pending) consumer.accept(++line, stripCr(sb));
        } catch (IOException e) {
            throw new DataFormatException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }

    private static String stripCr(StringBuilder sb) {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') len--;
        return sb.substring(0, len);
    }

    /** All lines of a file. */
    public static List<String> lines(Path file) {
        var out = new ArrayList<String>();
        forEachLine(file, (no, line) -> out.add(line));
        return out;
    }

    /** Whole file as a string (gzip transparent). */
    public static String text(Path file) {
        try (InputStream in = open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataFormatException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses a JSON document; a syntax error names the file, line and column. */
    public static JsonNode readJson(Path file) {
        try (InputStream in = open(file)) {
            return JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw jsonError(file, 0, e);
        } catch (IOException e) {
            throw new DataFormatException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses one line of a JSON Lines file. */
    static JsonNode readJsonLine(Path file, long lineNo, String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw jsonError(file, lineNo, e);
        }
    }

    private static DataFormatException jsonError(Path file, long lineNo, JsonProcessingException e) {
        var loc = e.getLocation();
        long line = lineNo > 0 ? lineNo : (loc == null ? 0 : loc.getLineNr());
        String where = loc == null ? "" : " (column " + loc.getColumnNr() + ")";
        return new DataFormatException(file, Math.max(line, 0), "json", "invalid JSON" + where + ": "
                + e.getOriginalMessage(), e);
    }

    /** A required text member of a JSON object. */
    static String string(Path file, long line, JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) throw new DataFormatException(file, line, field, "missing");
        if (!v.isValueNode()) throw new DataFormatException(file, line, field, "expected a string, got " + v.getNodeType());
        return v.asText();
    }

    /** A required array member of a JSON object. */
    static JsonNode array(Path file, long line, JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) throw new DataFormatException(file, line, field, "missing");
        if (!v.isArray()) throw new DataFormatException(file, line, field, "expected an array, got " + v.getNodeType());
        return v;
    }
}
