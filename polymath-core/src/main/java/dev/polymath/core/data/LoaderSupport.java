package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Package-private helpers shared by the loaders. */
final class LoaderSupport {
    private LoaderSupport() {}

    static Task.Builder splits(Task.Builder b, Map<String, List<Example>> splits) {
        splits.forEach(b::split);
        return b;
    }

    /** Receives one CSV record with the 1-based line it starts on. */
    @FunctionalInterface
    interface RecordConsumer {
        void accept(long line, CSVRecord record);
    }

    /**
     * Streams the records of a CSV file (gzip transparent). Malformed quoting is a {@link DataFormatException}
     * with the line commons-csv reports.
     */
    static void forEachRecord(Path file, CSVFormat format, RecordConsumer consumer) {
        try (Reader r = DataFiles.reader(file); CSVParser parser = CSVParser.builder().setReader(r).setFormat(format).get()) {
            var it = parser.iterator();
            while (true) {
                long start = parser.getCurrentLineNumber() + 1;
                CSVRecord rec;
                try {
                    if (!it.hasNext()) break;
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new DataFormatException(file, Math.max(start, parser.getCurrentLineNumber()), "csv",
                            "malformed CSV: " + rootMessage(e), e);
                }
                consumer.accept(start, rec);
            }
        } catch (IOException e) {
            throw new DataFormatException(file, 0, "csv", "cannot read: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new DataFormatException(file, 0, "csv", "malformed CSV: " + rootMessage(e), e);
        }
    }

    /** Header names of a CSV file with a header line (empty when the file is empty). */
    static List<String> header(Path file, CSVFormat format) {
        try (Reader r = DataFiles.reader(file); CSVParser parser = CSVParser.builder().setReader(r).setFormat(format).get()) {
            return parser.getHeaderNames();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new DataFormatException(file, 1, "header", "cannot read the CSV header: " + rootMessage(e), e);
        }
    }

    /** A column of a header-mapped record; missing or empty is an error naming file, line and column. */
    static String column(Path file, long line, CSVRecord rec, String name, boolean allowEmpty) {
        if (!rec.isSet(name)) {
            throw new DataFormatException(file, line, name, "missing (the record has " + rec.size() + " field(s))");
        }
        String v = rec.get(name);
        if (!allowEmpty && v.isBlank()) throw new DataFormatException(file, line, name, "empty");
        return v;
    }

    /** A column of a record by 0-based index, named {@code field} in errors. */
    static String column(Path file, long line, CSVRecord rec, int index, String field) {
        if (index >= rec.size()) {
            throw new DataFormatException(file, line, field, "missing (column " + (index + 1) + "; the record has "
                    + rec.size() + " field(s))");
        }
        return rec.get(index);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
