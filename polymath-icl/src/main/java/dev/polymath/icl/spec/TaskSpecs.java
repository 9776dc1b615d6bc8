package dev.polymath.icl.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@link TaskSpec}s from YAML: bundled ones by name ({@link #BUNDLED}) or a user's file. Every field is
 * checked; a problem is reported as {@code spec <file>, field <name>: <what is wrong>}. Unknown fields are errors
 * (a misspelt {@code fewshot_delimter} would otherwise be silently ignored).
 */
public final class TaskSpecs {
    private TaskSpecs() {}

    /** Specs shipped in this module. */
    public static final List<String> BUNDLED = List.of("mmlu", "bbh", "mmlu-pro-protocol");

    private static final Set<String> FIELDS = new LinkedHashSet<>(List.of("name", "source", "dataset", "tasks",
            "test_split", "fewshot_split", "num_fewshot", "selector", "output_type", "description", "doc_to_text",
            "doc_to_target", "doc_to_choice", "fewshot_target", "gen_prefix", "target_delimiter", "fewshot_delimiter",
            "generation_kwargs", "answer_extraction", "fallback", "metrics", "context_tokens"));
    private static final Set<String> GEN_FIELDS = Set.of("until", "max_gen_toks", "temperature");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** A bundled spec by name. */
    public static TaskSpec bundled(String name) {
        if (!BUNDLED.contains(name)) {
            throw new IllegalArgumentException("no bundled task spec '" + name + "'; bundled: " + String.join(", ", BUNDLED));
        }
        String res = "specs/" + name + ".yaml";
        try (InputStream in = TaskSpecs.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("bundled spec resource missing: " + res);
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "bundled:" + name + ".yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The raw YAML of a bundled spec (for {@code polymath icl specs --show}). */
    public static String bundledText(String name) {
        bundled(name);
        try (InputStream in = TaskSpecs.class.getResourceAsStream("specs/" + name + ".yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TaskSpec load(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such task spec file: " + file);
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read task spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code file} names it in errors. */
    public static TaskSpec parse(String yaml, String file) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("spec " + file + ": not valid YAML: " + m);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("spec " + file + ": expected a mapping of fields at the top level");
        var r = new Reader(root, file);
        root.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw r.err(f, "unknown field (known: " + String.join(", ", FIELDS) + ")");
        });
        String name = r.string("name", null, true);
        OutputType type;
        try {
            type = OutputType.parse(r.string("output_type", null, true));
        } catch (IllegalArgumentException e) {
            throw r.err("output_type", e.getMessage());
        }
        Template description = r.template("description", "");
        Template docToText = r.template("doc_to_text", null);
        Template docToTarget = r.template("doc_to_target", null);
        List<Template> choices = null;
        if (root.has("doc_to_choice")) {
            JsonNode c = root.get("doc_to_choice");
            if (!c.isArray() || c.isEmpty()) throw r.err("doc_to_choice", "expected a non-empty list of choice templates");
            choices = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                if (!c.get(i).isTextual()) throw r.err("doc_to_choice[" + i + "]", "expected a string");
                choices.add(Template.parse(c.get(i).asText(), "spec " + file + ", field doc_to_choice[" + i + "]"));
            }
        }
        Template fewshotTarget = root.has("fewshot_target") ? r.template("fewshot_target", null) : null;
        String genPrefix = root.has("gen_prefix") ? r.string("gen_prefix", null, true) : null;
        List<String> until = List.of();
        int maxGen = 256;
        double temperature = 0.0;
        if (root.has("generation_kwargs")) {
            JsonNode g = root.get("generation_kwargs");
            if (!g.isObject()) throw r.err("generation_kwargs", "expected a mapping (until, max_gen_toks, temperature)");
            g.fieldNames().forEachRemaining(f -> {
                if (!GEN_FIELDS.contains(f)) throw r.err("generation_kwargs." + f, "unknown field (known: until, max_gen_toks, temperature)");
            });
            if (g.has("until")) until = r.strings(g.get("until"), "generation_kwargs.until");
            if (g.has("max_gen_toks")) {
                if (!g.get("max_gen_toks").canConvertToInt() || g.get("max_gen_toks").asInt() < 1) throw r.err("generation_kwargs.max_gen_toks", "expected a positive integer");
                maxGen = g.get("max_gen_toks").asInt();
            }
            if (g.has("temperature")) {
                if (!g.get("temperature").isNumber() || g.get("temperature").asDouble() < 0) throw r.err("generation_kwargs.temperature", "expected a number >= 0");
                temperature = g.get("temperature").asDouble();
            }
        }
        List<String> metrics = root.has("metrics") ? r.strings(root.get("metrics"), "metrics")
                : type == OutputType.GENERATE_UNTIL ? List.of("exact_match") : List.of("acc");
        for (String m : metrics) {
            if (!TaskSpec.METRICS.contains(m)) throw r.err("metrics", "unknown metric '" + m + "' (known: " + String.join(", ", TaskSpec.METRICS) + ")");
            boolean ok = switch (m) {
                case "acc" -> type != OutputType.GENERATE_UNTIL;
                case "acc_norm" -> type == OutputType.MULTIPLE_CHOICE;
                default -> type == OutputType.GENERATE_UNTIL;
            };
            if (!ok) throw r.err("metrics", "metric '" + m + "' does not apply to output_type " + type.id());
        }
        if (type == OutputType.GENERATE_UNTIL && until.isEmpty()) {
            throw r.err("generation_kwargs.until", "generate_until needs at least one stop sequence");
        }
        String extraction = r.string("answer_extraction", "none", false);
        try {
            AnswerExtractor.named(extraction);
        } catch (IllegalArgumentException e) {
            throw r.err("answer_extraction", e.getMessage());
        }
        FallbackPolicy fallback;
        try {
            fallback = FallbackPolicy.parse(r.string("fallback", "count-as-wrong", false));
        } catch (IllegalArgumentException e) {
            throw r.err("fallback", e.getMessage());
        }
        int shots = r.integer("num_fewshot", 0);
        if (shots < 0) throw r.err("num_fewshot", "must be >= 0");
        Integer ctx = root.has("context_tokens") ? r.integer("context_tokens", 0) : null;
        if (ctx != null && ctx < 1) throw r.err("context_tokens", "must be >= 1");
        List<String> tasks = root.has("tasks") ? r.strings(root.get("tasks"), "tasks") : List.of();
        return new TaskSpec(name, file, r.string("source", "", false), r.string("dataset", null, true), tasks,
                r.string("test_split", "test", false), r.string("fewshot_split", "train", false), shots,
                r.string("selector", "first-n", false), type, description, docToText, docToTarget, choices,
                fewshotTarget, genPrefix, r.string("target_delimiter", " ", false),
                r.string("fewshot_delimiter", "\n\n", false), until, maxGen, temperature, extraction, fallback, metrics, ctx);
    }

    private record Reader(JsonNode root, String file) {
        IllegalArgumentException err(String field, String problem) {
            return new IllegalArgumentException("spec " + file + ", field " + field + ": " + problem);
        }

        String string(String field, String dflt, boolean required) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                if (required && dflt == null) throw err(field, "missing (required)");
                return dflt;
            }
            if (!n.isTextual()) throw err(field, "expected a string, got " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return n.asText();
        }

        int integer(String field, int dflt) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) return dflt;
            if (!n.isInt()) throw err(field, "expected an integer, got '" + n.asText() + "'");
            return n.asInt();
        }

        Template template(String field, String dflt) {
            String s = string(field, dflt, dflt == null);
            try {
                return Template.parse(s, "spec " + file + ", field " + field);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }

        List<String> strings(JsonNode n, String field) {
            if (!n.isArray()) throw err(field, "expected a list of strings");
            var out = new ArrayList<String>();
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isTextual()) throw err(field + "[" + i + "]", "expected a string");
                out.add(n.get(i).asText());
            }
            return out;
        }
    }
}
