package dev.polymath.core.task;

/** What a task asks a model to produce; decides which {@link Target} its examples carry. */
public enum TaskKind {
    CLASSIFICATION,
    MULTI_LABEL,
    REGRESSION,
    TAGGING,
    MULTIPLE_CHOICE,
    GENERATION;

    /** Lower-case, hyphenated name as used in configs and printed tables. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
