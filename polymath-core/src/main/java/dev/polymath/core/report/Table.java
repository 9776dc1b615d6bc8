package dev.polymath.core.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table of text cells with a title, column headers, per-column alignment and an optional note, rendered as
 * GitHub Markdown ({@link #toMarkdown()}), a plain terminal table ({@link #toText(Border)}) or HTML
 * ({@link #toHtml()}). Cells are already formatted strings; build with {@link #builder(String)} to format
 * numbers on the way in.
 *
 * <pre>{@code
 * Table t = Table.builder("Accuracy (%)")
 *         .columns("Task", "Single-task", "Multi-task")
 *         .decimals(2)
 *         .row("banking77", 81.53, 83.10)
 *         .row("clinc150", Fmt.meanCi(90.2, 0.4, 1), "—")
 *         .note("mean ± 95% CI over 5 seeds")
 *         .build();
 * System.out.println(t.toText(Border.auto()));
 * }</pre>
 *
 * @param title   shown above the table; may be empty
 * @param headers column headers
 * @param rows    rows of cells; every row has {@code headers.size()} cells
 * @param aligns  one alignment per column
 * @param note    shown below the table; may be empty
 */
public record Table(String title, List<String> headers, List<List<String>> rows, List<Align> aligns, String note) {

    public Table {
        title = title == null ? "" : title;
        note = note == null ? "" : note;
        headers = List.copyOf(headers);
        int n = headers.size();
        if (n == 0) throw new IllegalArgumentException("a table needs at least one column");
        var rs = new ArrayList<List<String>>(rows.size());
        for (List<String> r : rows) {
            if (r.size() != n) throw new IllegalArgumentException("row has " + r.size() + " cells, table has " + n + " columns: " + r);
            rs.add(r.stream().map(c -> c == null ? "" : c).toList());
        }
        rows = List.copyOf(rs);
        if (aligns == null) aligns = autoAlign(headers, rows);
        if (aligns.size() != n) throw new IllegalArgumentException("need " + n + " alignments, got " + aligns.size());
        aligns = List.copyOf(aligns);
    }

    /** A table with alignment chosen per column: right for columns whose cells all look numeric, else left. */
    public static Table of(String title, List<String> headers, List<List<String>> rows) {
        return new Table(title, headers, rows, null, "");
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    public int columnCount() {
        return headers.size();
    }

    public Table withNote(String note) {
        return new Table(title, headers, rows, aligns, note);
    }

    public Table withAligns(Align... aligns) {
        return new Table(title, headers, rows, List.of(aligns), note);
    }

    /** GitHub-flavoured Markdown: optional {@code ### title}, the table with aligned pipes, optional italic note. */
    public String toMarkdown() {
        return TableFormat.markdown(this);
    }

    /** A plain-text table for terminals and logs; numbers right-aligned. */
    public String toText(Border border) {
        return TableFormat.text(this, border);
    }

    /** {@code toText(Border.auto())}. */
    public String toText() {
        return toText(Border.auto());
    }

    /** An HTML {@code <table>} fragment (well-formed XHTML), title as caption, note as a paragraph after it. */
    public String toHtml() {
        return TableFormat.html(this);
    }

    @Override
    public String toString() {
        return toText(Border.ASCII);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final Pattern NUMERIC = Pattern.compile(
            "[+\\-−]?[$€£]?(\\d[\\d,_]*(\\.\\d*)?|\\.\\d+)([eE][+\\-]?\\d+)?"
                    + "(\\s*(±|\\+/-)\\s*(\\d[\\d,_]*(\\.\\d*)?|\\.\\d+)([eE][+\\-]?\\d+)?)?"
                    + "\\s*(%|pp|x|×|[kKMGT]i?B?|ms|s)?");

    /** Whether a cell looks like a number ({@code 81.53}, {@code -1.2%}, {@code 81.53 ± 0.42}, {@code 1,024}). */
    public static boolean looksNumeric(String cell) {
        return cell != null && NUMERIC.matcher(cell.strip()).matches();
    }

    private static boolean isNeutral(String cell) {
        String c = cell.strip();
        return c.isEmpty() || c.equals(Fmt.MISSING) || c.equals("-") || c.equals("–") || c.equalsIgnoreCase("n/a")
                || c.equalsIgnoreCase("nan") || c.equals("∞") || c.equals("-∞");
    }

    static List<Align> autoAlign(List<String> headers, List<List<String>> rows) {
        var out = new ArrayList<Align>(headers.size());
        for (int c = 0; c < headers.size(); c++) {
            boolean any = false, all = true;
            for (List<String> r : rows) {
                String cell = r.get(c);
                if (isNeutral(cell)) continue;
                if (looksNumeric(cell)) any = true; else { all = false; break; }
            }
            out.add(any && all ? Align.RIGHT : Align.LEFT);
        }
        return out;
    }

    /** Builds a table row by row; numbers are formatted with a fixed number of decimals. */
    public static final class Builder {
        private final String title;
        private final List<String> headers = new ArrayList<>();
        private final List<List<String>> rows = new ArrayList<>();
        private List<Align> aligns;
        private String note = "";
        private int decimals = 2;

        private Builder(String title) {
            this.title = title;
        }

        public Builder columns(String... headers) {
            this.headers.clear();
            this.headers.addAll(Arrays.asList(headers));
            return this;
        }

        public Builder columns(List<String> headers) {
            return columns(headers.toArray(String[]::new));
        }

        /** Decimals for {@link Double}/{@link Float} cells (default 2); integers print as they are. */
        public Builder decimals(int decimals) {
            this.decimals = decimals;
            return this;
        }

        public Builder align(Align... aligns) {
            this.aligns = List.of(aligns);
            return this;
        }

        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /** Adds a row; {@code null} becomes an empty cell, doubles use {@link #decimals}, the rest {@code toString()}. */
        public Builder row(Object... cells) {
            var r = new ArrayList<String>(cells.length);
            for (Object o : cells) r.add(cell(o));
            rows.add(r);
            return this;
        }

        public Builder row(List<?> cells) {
            return row(cells.toArray());
        }

        private String cell(Object o) {
            if (o == null) return "";
            if (o instanceof Double || o instanceof Float) return Fmt.fixed(((Number) o).doubleValue(), decimals);
            return Objects.toString(o);
        }

        public Table build() {
            return new Table(title, headers, rows, aligns, note);
        }
    }
}
