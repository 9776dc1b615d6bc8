package dev.polymath.core.data;

import java.nio.file.Path;

/** Malformed input data: names the file, the line (1-based, 0 when not line-oriented) and the field. */
public final class DataFormatException extends RuntimeException {
    private final transient Path file;
    private final long line;
    private final String field;

    public DataFormatException(Path file, long line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public DataFormatException(Path file, long line, String field, String problem, Throwable cause) {
        this(file, line, field, problem);
        initCause(cause);
    }

    private static String format(Path file, long line, String field, String problem) {
        var sb = new StringBuilder().append(file);
        if (line > 0) sb.append(':').append(line);
        if (field != null && !field.isEmpty()) sb.append(" field '").append(field).append('\'');
        return sb.append(": ").append(problem).toString();
    }

    public Path file() { return file; }
    public long line() { return line; }
    public String field() { return field; }
}
