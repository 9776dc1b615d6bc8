package dev.polymath.core.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An ordered, named set of tasks (a dataset's tasks, or a benchmark's). Task names are unique. */
public record TaskSuite(String name, String description, List<Task> tasks) {

    public TaskSuite {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        tasks = List.copyOf(tasks);
        var seen = new java.util.HashSet<String>();
        for (Task t : tasks) {
            if (!seen.add(t.name())) throw new IllegalArgumentException("suite " + name + ": duplicate task " + t.name());
        }
    }

    /** The task of that name; an unknown name lists the known ones. */
    public Task task(String taskName) {
        for (Task t : tasks) if (t.name().equals(taskName)) return t;
        throw new IllegalArgumentException("suite '" + name + "' has no task '" + taskName + "'; known tasks: "
                + String.join(", ", names()));
    }

    public List<String> names() {
        return tasks.stream().map(Task::name).toList();
    }

    public int size() {
        return tasks.size();
    }

    /** Tasks grouped by category, categories in first-seen order. */
    public Map<String, List<Task>> byCategory() {
        var grouped = new LinkedHashMap<String, List<Task>>();
        for (Task t : tasks) grouped.computeIfAbsent(t.category(), k -> new java.util.ArrayList<>()).add(t);
        return grouped;
    }

    /** A suite of the named tasks only, in the order given. */
    public TaskSuite select(List<String> taskNames) {
        return new TaskSuite(name, description, taskNames.stream().map(this::task).toList());
    }
}
