package dev.polymath.merge;

import java.util.List;
import java.util.Locale;

/**
 * A typed method parameter with mergekit's name and default. {@code perModel} parameters (mergekit's tensor
 * parameters: weight, density, gamma, ...) are looked up in the model's own {@code parameters} first, then in
 * the global ones; global parameters only in the global {@code parameters}.
 */
public record ParamDef(String name, Type type, Object defaultValue, boolean required, boolean perModel,
                       double min, double max, List<String> choices, String help) {
    public enum Type { NUMBER, BOOLEAN, CHOICE, TEXT }

    public static ParamDef number(String name, Double def, boolean perModel, double min, double max, String help) {
        return new ParamDef(name, Type.NUMBER, def, def == null, perModel, min, max, List.of(), help);
    }

    public static ParamDef bool(String name, boolean def, String help) {
        return new ParamDef(name, Type.BOOLEAN, def, false, false, 0, 0, List.of(), help);
    }

    public static ParamDef choice(String name, String def, List<String> choices, String help) {
        return new ParamDef(name, Type.CHOICE, def, false, false, 0, 0, List.copyOf(choices), help);
    }

    /** A global free-text parameter (a file path, for instance); {@code def} may be null when it is optional. */
    public static ParamDef text(String name, String def, String help) {
        return new ParamDef(name, Type.TEXT, def, false, false, 0, 0, List.of(), help);
    }

    /** Checks and converts a raw value; {@code where} names the tensor/model for messages. */
    public Object coerce(Object v, String where) {
        switch (type) {
            case NUMBER -> {
                if (v instanceof Boolean b) v = b ? 1.0 : 0.0;
                if (!(v instanceof Number n)) throw new IllegalArgumentException("parameter '" + name + "'" + where + ": expected a number, got '" + v + "'");
                double d = n.doubleValue();
                if (!(d >= min && d <= max)) throw new IllegalArgumentException("parameter '" + name + "'" + where + ": " + d + " is outside [" + min + ", " + max + "]");
                return d;
            }
            case BOOLEAN -> {
                if (v instanceof Boolean b) return b;
                if (v instanceof Number n) return n.doubleValue() != 0;
                String s = String.valueOf(v).toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
                throw new IllegalArgumentException("parameter '" + name + "'" + where + ": expected true or false, got '" + v + "'");
            }
            case CHOICE -> {
                String s = String.valueOf(v).toLowerCase(Locale.ROOT);
                if (!choices.contains(s)) throw new IllegalArgumentException("parameter '" + name + "'" + where + ": '" + v + "' is not one of " + choices);
                return s;
            }
            case TEXT -> {
                if (!(v instanceof String s)) throw new IllegalArgumentException("parameter '" + name + "'" + where + ": expected a string, got '" + v + "'");
                return s;
            }
            default -> throw new AssertionError();
        }
    }
}
