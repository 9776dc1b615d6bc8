package dev.polymath.icl.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small text template in the spirit of lm-evaluation-harness's Jinja prompts, limited to what prompt formats
 * need and nothing that runs code:
 * <ul>
 *   <li>{@code {{field}}} inserts a field; {@code {{field[2]}}} an element of a list field;</li>
 *   <li>{@code {{field|strip}}} strips surrounding whitespace (as Jinja's {@code field.strip()});</li>
 *   <li>{@code {{#field}}...{{/field}}} renders its body when the field is present and non-empty,
 *       {@code {{^field}}...{{/field}}} when it is absent or empty.</li>
 * </ul>
 * Templates are parsed once ({@link #parse}); a syntax error names the template. Rendering a missing field is
 * an error naming the field and the fields the document has.
 */
public final class Template {

    private sealed interface Node permits Literal, Field, Section {}
    private record Literal(String text) implements Node {}
    private record Field(String name, int index, boolean strip) implements Node {}
    private record Section(String name, boolean inverted, List<Node> body) implements Node {}

    private final String source;
    private final List<Node> nodes;

    private Template(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    public String source() {
        return source;
    }

    /** Parses a template; {@code where} names it in error messages (e.g. "spec mmlu.yaml, field doc_to_text"). */
    public static Template parse(String source, String where) {
        var root = new ArrayList<Node>();
        var stack = new ArrayList<List<Node>>();
        var names = new ArrayList<String>();
        var inverted = new ArrayList<Boolean>();
        stack.add(root);
        int i = 0;
        while (i < source.length()) {
            int open = source.indexOf("{{", i);
            if (open < 0) {
                stack.getLast().add(new Literal(source.substring(i)));
                break;
            }
            if (open > i) stack.getLast().add(new Literal(source.substring(i, open)));
            int close = source.indexOf("}}", open + 2);
            if (close < 0) throw new IllegalArgumentException(where + ": '{{' at offset " + open + " is never closed with '}}'");
            String tag = source.substring(open + 2, close).strip();
            if (tag.isEmpty()) throw new IllegalArgumentException(where + ": empty '{{}}' at offset " + open);
            char c = tag.charAt(0);
            if (c == '#' || c == '^') {
                String name = tag.substring(1).strip();
                checkName(name, where);
                var body = new ArrayList<Node>();
                stack.getLast().add(new Section(name, c == '^', body));
                stack.add(body);
                names.add(name);
                inverted.add(c == '^');
            } else if (c == '/') {
                String name = tag.substring(1).strip();
                if (names.isEmpty() || !names.getLast().equals(name)) {
                    throw new IllegalArgumentException(where + ": '{{/" + name + "}}' closes no open section"
                            + (names.isEmpty() ? "" : " (open: '" + names.getLast() + "')"));
                }
                names.removeLast();
                inverted.removeLast();
                stack.removeLast();
            } else {
                stack.getLast().add(field(tag, where));
            }
            i = close + 2;
        }
        if (!names.isEmpty()) throw new IllegalArgumentException(where + ": section '" + names.getLast() + "' is never closed");
        return new Template(source, List.copyOf(root));
    }

    private static Field field(String tag, String where) {
        boolean strip = false;
        String t = tag;
        int bar = t.indexOf('|');
        if (bar >= 0) {
            String filter = t.substring(bar + 1).strip();
            if (!filter.equals("strip")) throw new IllegalArgumentException(where + ": unknown filter '" + filter + "' in '{{" + tag + "}}' (known: strip)");
            strip = true;
            t = t.substring(0, bar).strip();
        }
        int index = -1;
        int br = t.indexOf('[');
        if (br >= 0) {
            if (!t.endsWith("]")) throw new IllegalArgumentException(where + ": malformed index in '{{" + tag + "}}'");
            try {
                index = Integer.parseInt(t.substring(br + 1, t.length() - 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": index in '{{" + tag + "}}' is not a number");
            }
            t = t.substring(0, br).strip();
        }
        checkName(t, where);
        return new Field(t, index, strip);
    }

    private static void checkName(String name, String where) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) throw new IllegalArgumentException(where + ": bad field name '" + name + "'");
    }

    /** Renders with the given fields (String, Number or List values). */
    public String render(Map<String, ?> fields, String where) {
        var sb = new StringBuilder();
        render(nodes, fields, where, sb);
        return sb.toString();
    }

    private void render(List<Node> ns, Map<String, ?> fields, String where, StringBuilder sb) {
        for (Node n : ns) {
            switch (n) {
                case Literal l -> sb.append(l.text());
                case Field f -> {
                    Object v = fields.get(f.name());
                    if (v == null) {
                        throw new IllegalArgumentException(where + ": no field '" + f.name() + "' (fields: "
                                + String.join(", ", new java.util.TreeSet<>(fields.keySet())) + ")");
                    }
                    if (f.index() >= 0) {
                        if (!(v instanceof List<?> list)) throw new IllegalArgumentException(where + ": field '" + f.name() + "' is not a list");
                        if (f.index() >= list.size()) {
                            throw new IllegalArgumentException(where + ": '" + f.name() + "[" + f.index() + "]' but the field has "
                                    + list.size() + " elements");
                        }
                        v = list.get(f.index());
                    } else if (v instanceof List<?>) {
                        throw new IllegalArgumentException(where + ": field '" + f.name() + "' is a list; index it, e.g. {{" + f.name() + "[0]}}");
                    }
                    String s = String.valueOf(v);
                    sb.append(f.strip() ? s.strip() : s);
                }
                case Section s -> {
                    Object v = fields.get(s.name());
                    boolean present = v != null && !(v instanceof String str && str.isEmpty()) && !(v instanceof List<?> l && l.isEmpty());
                    if (present != s.inverted()) render(s.body(), fields, where, sb);
                }
            }
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
