package dev.polymath.core.data;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.MetricSpec;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskKind;
import dev.polymath.core.task.TaskSuite;
import org.apache.commons.csv.CSVFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MMLU: 57 four-way multiple-choice subject tasks {@code mmlu/<subject>} (subjects sorted by name, category =
 * subject, metric accuracy). Files {@code {dev,val,test}/<subject>_{dev,val,test}.csv[.gz]}, headerless RFC-4180
 * CSV {@code question,A,B,C,D,answer}; the answer letter becomes the choice index (A=0..D=3). Splits: {@code dev}
 * (5 per subject, the few-shot pool), {@code validation}, {@code test}.
 *
 * <p>{@link #group} maps each subject to one of four top-level groups (STEM, humanities, social sciences,
 * other). That grouping is Polymath's own, written from general knowledge of the subjects (health subjects
 * such as anatomy and virology are in "other"); it is not copied from the MMLU code.
 */
public final class MmluLoader {
    private MmluLoader() {}

    public static final String NAME = "mmlu";
    public static final String DEV = "dev";
    static final CSVFormat FORMAT = CSVFormat.RFC4180;
    static final List<String> LETTERS = List.of("A", "B", "C", "D");

    public static final String STEM = "STEM";
    public static final String HUMANITIES = "humanities";
    public static final String SOCIAL = "social sciences";
    public static final String OTHER = "other";

    private static final Map<String, String> GROUPS = groups();

    private static Map<String, String> groups() {
        var m = new LinkedHashMap<String, String>();
        for (String s : List.of("abstract_algebra", "astronomy", "college_biology", "college_chemistry",
                "college_computer_science", "college_mathematics", "college_physics", "computer_security",
                "conceptual_physics", "electrical_engineering", "elementary_mathematics", "high_school_biology",
                "high_school_chemistry", "high_school_computer_science", "high_school_mathematics",
                "high_school_physics", "high_school_statistics", "machine_learning")) m.put(s, STEM);
        for (String s : List.of("formal_logic", "high_school_european_history", "high_school_us_history",
                "high_school_world_history", "international_law", "jurisprudence", "logical_fallacies",
                "moral_disputes", "moral_scenarios", "philosophy", "prehistory", "professional_law",
                "world_religions")) m.put(s, HUMANITIES);
        for (String s : List.of("econometrics", "high_school_geography", "high_school_government_and_politics",
                "high_school_macroeconomics", "high_school_microeconomics", "high_school_psychology",
                "human_sexuality", "professional_psychology", "public_relations", "security_studies", "sociology",
                "us_foreign_policy")) m.put(s, SOCIAL);
        for (String s : List.of("anatomy", "business_ethics", "clinical_knowledge", "college_medicine",
                "global_facts", "human_aging", "management", "marketing", "medical_genetics", "miscellaneous",
                "nutrition", "professional_accounting", "professional_medicine", "virology")) m.put(s, OTHER);
        return Map.copyOf(m);
    }

    /** Top-level group of a subject, or {@code other} for an unknown subject. */
    public static String group(String subject) {
        return GROUPS.getOrDefault(subject, OTHER);
    }

    /** The same suite with each task's category set to its top-level {@link #group}. */
    public static TaskSuite byGroup(TaskSuite suite) {
        return new TaskSuite(suite.name(), suite.description(), suite.tasks().stream()
                .map(t -> t.withCategory(group(t.name().substring(t.name().indexOf('/') + 1)))).toList());
    }

    public static TaskSuite load() {
        return load(DataPaths.locate(NAME));
    }

    public static TaskSuite load(Path dir) {
        var files = DataFiles.list(dir.resolve("test"), "_test.csv");
        if (files.isEmpty()) throw new MissingDataException("no <subject>_test.csv files in " + dir.resolve("test"));
        var tasks = new ArrayList<Task>();
        for (Path f : files) {
            String base = DataFiles.baseName(f);
            String subject = base.substring(0, base.length() - "_test.csv".length());
            var b = Task.builder(NAME + "/" + subject, TaskKind.MULTIPLE_CHOICE)
                    .labels(LETTERS)
                    .instruction("The following is a multiple choice question about " + subject.replace('_', ' ')
                            + ". Choose the correct answer.")
                    .category(subject)
                    .metrics(MetricSpec.higher("accuracy"));
            String[][] splits = {{"dev", DEV}, {"val", Task.VALIDATION}, {"test", Task.TEST}};
            for (String[] s : splits) {
                Path file = DataFiles.existing(dir.resolve(s[0]).resolve(subject + "_" + s[0] + ".csv"));
                if (file != null) b.split(s[1], read(file, s[1]));
            }
            tasks.add(b.build());
        }
        return new TaskSuite(NAME, "MMLU: 57-subject four-way multiple-choice knowledge test", tasks);
    }

    static List<Example> read(Path file, String split) {
        var out = new ArrayList<Example>();
        LoaderSupport.forEachRecord(file, FORMAT, (line, rec) -> {
            if (rec.size() == 1 && rec.get(0).isEmpty()) return; // blank line
            String q = LoaderSupport.column(file, line, rec, 0, "question");
            var choices = new ArrayList<String>(4);
            for (int c = 0; c < 4; c++) choices.add(LoaderSupport.column(file, line, rec, c + 1, LETTERS.get(c)));
            String ans = LoaderSupport.column(file, line, rec, 5, "answer").strip();
            int idx = LETTERS.indexOf(ans);
            if (idx < 0) throw new DataFormatException(file, line, "answer", "expected A, B, C or D, got '" + ans + "'");
            out.add(Example.multipleChoice(split + ":" + out.size(), q, choices, idx));
        });
        return out;
    }
}
