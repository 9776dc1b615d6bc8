package dev.polymath.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A parameter value as written in a mergekit config: a scalar, a gradient (a list of numbers interpolated
 * linearly over the layer position {@code t} in [0, 1]; a list of non-numbers picks the element at
 * {@code floor(t (n-1))}), or a list of conditionals ({@code - filter: self_attn, value: ...}) where the first
 * whose filter is absent, {@code "*"} or a substring of the tensor name wins. Evaluation returns
 * {@code null} when no conditional matches, so the next level of the precedence chain is consulted.
 */
public sealed interface ParamSetting {
    Object evaluate(String tensorName, double t);

    JsonNode toJson();

    record Scalar(Object value) implements ParamSetting {
        public Object evaluate(String tensorName, double t) { return value; }

        public JsonNode toJson() { return scalarJson(value); }
    }

    record Gradient(List<Object> values) implements ParamSetting {
        public Object evaluate(String tensorName, double t) {
            int n = values.size();
            boolean numeric = values.stream().allMatch(v -> v instanceof Number);
            if (numeric) {
                double scaled = t * (n - 1);
                int i0 = (int) scaled;
                int i1 = Math.min(n - 1, i0 + 1);
                double frac = scaled - i0;
                return (1 - frac) * ((Number) values.get(i0)).doubleValue() + frac * ((Number) values.get(i1)).doubleValue();
            }
            return values.get((int) (t * (n - 1)));
        }

        public JsonNode toJson() {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (Object v : values) a.add(scalarJson(v));
            return a;
        }
    }

    record Conditional(String filter, ParamSetting value) {}

    record Conditionals(List<Conditional> conditions) implements ParamSetting {
        public Object evaluate(String tensorName, double t) {
            for (Conditional c : conditions) {
                if (c.filter() == null || c.filter().equals("*") || (tensorName != null && tensorName.contains(c.filter()))) {
                    return c.value().evaluate(tensorName, t);
                }
            }
            return null;
        }

        public JsonNode toJson() {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (Conditional c : conditions) {
                ObjectNode o = a.addObject();
                if (c.filter() != null) o.put("filter", c.filter());
                o.set("value", c.value().toJson());
            }
            return a;
        }
    }

    private static JsonNode scalarJson(Object v) {
        var f = JsonNodeFactory.instance;
        if (v instanceof Boolean b) return f.booleanNode(b);
        if (v instanceof Number n) return f.numberNode(n.doubleValue());
        return f.textNode(String.valueOf(v));
    }

    /** Parses a YAML/JSON value; {@code where} names the place for error messages. */
    static ParamSetting parse(JsonNode n, String where) {
        if (n.isValueNode() && !n.isNull()) return new Scalar(scalar(n, where));
        if (n.isArray()) {
            if (n.isEmpty()) throw new IllegalArgumentException(where + ": empty list");
            boolean allScalars = true, allObjects = true;
            for (JsonNode e : n) {
                allScalars &= e.isValueNode() && !e.isNull();
                allObjects &= e.isObject();
            }
            if (allScalars) {
                var vals = new ArrayList<Object>();
                for (JsonNode e : n) vals.add(scalar(e, where));
                return new Gradient(List.copyOf(vals));
            }
            if (allObjects) {
                var conds = new ArrayList<Conditional>();
                int i = 0;
                for (JsonNode e : n) {
                    String w = where + "[" + i++ + "]";
                    JsonNode v = e.get("value");
                    if (v == null) throw new IllegalArgumentException(w + ": a conditional needs 'value'");
                    for (var it = e.fieldNames(); it.hasNext(); ) {
                        String k = it.next();
                        if (!k.equals("value") && !k.equals("filter")) throw new IllegalArgumentException(w + ": unknown key '" + k + "' (expected filter, value)");
                    }
                    JsonNode f = e.get("filter");
                    if (f != null && !f.isNull() && !f.isTextual()) throw new IllegalArgumentException(w + ".filter: must be a string");
                    if (v.isArray() && v.size() > 0 && v.get(0).isObject()) throw new IllegalArgumentException(w + ".value: nested conditionals are not allowed");
                    conds.add(new Conditional(f == null || f.isNull() ? null : f.textValue(), parse(v, w + ".value")));
                }
                return new Conditionals(List.copyOf(conds));
            }
            throw new IllegalArgumentException(where + ": a list must hold only numbers (a gradient) or only {filter, value} entries");
        }
        if (n.isObject() && n.has("value")) {
            var a = JsonNodeFactory.instance.arrayNode();
            a.add(n);
            return parse(a, where);
        }
        throw new IllegalArgumentException(where + ": expected a number, boolean, string, gradient list or filter list");
    }

    private static Object scalar(JsonNode n, String where) {
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isTextual()) return n.textValue();
        throw new IllegalArgumentException(where + ": unsupported value " + n);
    }
}
