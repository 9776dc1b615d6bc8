package dev.polymath.text.data;

import dev.polymath.core.data.DataFormatException;
import dev.polymath.core.data.DataPaths;
import dev.polymath.core.data.MissingDataException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The few text datasets the encoder tools need, read directly (this module does not depend on the dataset
 * catalog): BANKING77 ({@code text,category} CSV, RFC 4180) and STS Benchmark (TSV, score and the two
 * sentences in columns 4, 5, 6), and one-text-per-line files. Also resolves {@code dataset:split} names.
 */
public final class TextDatasets {
    private TextDatasets() {}

    /** Labeled texts; {@code labels[i]} indexes {@code labelNames}. */
    public record Labeled(List<String> texts, int[] labels, List<String> labelNames) {
        public int size() { return texts.size(); }
    }

    /** Sentence pairs with a gold similarity score. */
    public record Pairs(List<String> first, List<String> second, double[] scores) {
        public int size() { return first.size(); }
    }

    /** BANKING77 {@code train} or {@code test}; label ids follow first appearance in the train split order of {@code names}. */
    public static Labeled banking77(String split, List<String> labelNames) {
        Path file = file("banking77", split + ".csv");
        var texts = new ArrayList<String>();
        var cats = new ArrayList<String>();
        CSVFormat fmt = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); var parser = fmt.parse(r)) {
            if (!parser.getHeaderNames().equals(List.of("text", "category"))) {
                throw new DataFormatException(file, 1, "", "expected header text,category, found " + parser.getHeaderNames());
            }
            for (CSVRecord rec : parser) {
                if (rec.size() != 2) throw new DataFormatException(file, rec.getRecordNumber() + 1, "", "expected 2 fields, found " + rec.size());
                texts.add(rec.get(0));
                cats.add(rec.get(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new DataFormatException(file, 0, "", "malformed CSV: " + e.getMessage(), e);
        }
        var names = labelNames == null ? new ArrayList<String>() : new ArrayList<>(labelNames);
        int[] labels = new int[cats.size()];
        for (int i = 0; i < labels.length; i++) {
            int id = names.indexOf(cats.get(i));
            if (id < 0) {
                if (labelNames != null) throw new DataFormatException(file, i + 2, "category", "unknown category '" + cats.get(i) + "'");
                names.add(cats.get(i));
                id = names.size() - 1;
            }
            labels[i] = id;
        }
        return new Labeled(List.copyOf(texts), labels, List.copyOf(names));
    }

    /** STS Benchmark {@code train}, {@code dev} or {@code test}. */
    public static Pairs stsb(String split) {
        Path file = file("stsb", "sts-" + split + ".csv");
        var a = new ArrayList<String>();
        var b = new ArrayList<String>();
        var s = new ArrayList<Double>();
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            if (f.length < 7) throw new DataFormatException(file, i + 1, "", "expected at least 7 tab-separated fields, found " + f.length);
            try {
                s.add(Double.parseDouble(f[4]));
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, i + 1, "score", "not a number: '" + f[4] + "'");
            }
            a.add(f[5]);
            b.add(f[6]);
        }
        double[] scores = s.stream().mapToDouble(Double::doubleValue).toArray();
        return new Pairs(List.copyOf(a), List.copyOf(b), scores);
    }

    /**
     * Texts named by {@code spec}: {@code banking77:train|test}, {@code stsb:train|dev|test} (both sentences
     * of every pair, first then second, i.e. 2n texts: rows 0..n-1 and n..2n-1), or a file with one text per
     * line (UTF-8; blank lines are an error, since every line becomes one output row).
     */
    public static List<String> texts(String spec) {
        int colon = spec.indexOf(':');
        if (colon > 0 && !Files.exists(Path.of(spec))) {
            String ds = spec.substring(0, colon), split = spec.substring(colon + 1);
            switch (ds) {
                case "banking77" -> {
                    requireSplit(spec, split, "train", "test");
                    return banking77(split, null).texts();
                }
                case "stsb" -> {
                    requireSplit(spec, split, "train", "dev", "test");
                    Pairs p = stsb(split);
                    var all = new ArrayList<String>(p.first());
                    all.addAll(p.second());
                    return all;
                }
                default -> throw new IllegalArgumentException("unknown dataset '" + ds + "' in '" + spec
                        + "'; known: banking77:train|test, stsb:train|dev|test, or a file with one text per line");
            }
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) throw new MissingDataException("input file " + file.toAbsolutePath() + " does not exist");
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) throw new DataFormatException(file, i + 1, "", "blank line; every line is one text to encode");
        }
        return lines;
    }

    private static void requireSplit(String spec, String split, String... known) {
        if (!List.of(known).contains(split)) throw new IllegalArgumentException("unknown split in '" + spec + "'; known: " + String.join(", ", known));
    }

    private static Path file(String dataset, String name) {
        Path f = DataPaths.locate(dataset).resolve(name);
        if (!Files.isRegularFile(f)) throw new MissingDataException(dataset + " file " + f + " not found");
        return f;
    }

    private static List<String> readLines(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            if (s.startsWith("\uFEFF")) s = s.substring(1);
            List<String> lines = new ArrayList<>(List.of(s.split("\r?\n", -1)));
            if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
            return lines;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFormatException(file, 0, "", "not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
