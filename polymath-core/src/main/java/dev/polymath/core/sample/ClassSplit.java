package dev.polymath.core.sample;

import dev.polymath.core.task.Task;
import dev.polymath.core.util.Seeds;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disjoint class sets for meta-learning: episodes for meta-training, meta-validation and meta-testing are
 * drawn from different classes (pass a part to {@link EpisodeSampler.Builder#classes}). Each part lists its
 * classes in the order of the class list it was made from. Classes of none of the parts are unused.
 */
public record ClassSplit(List<String> train, List<String> validation, List<String> test) {

    public ClassSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
        var seen = new HashSet<String>();
        for (List<String> part : List.of(train, validation, test)) {
            for (String c : part) {
                if (!seen.add(c)) throw new IllegalArgumentException("class '" + c + "' is in more than one part of the class split");
            }
        }
    }

    /** Explicit lists, checked against the task's label set. */
    public static ClassSplit explicit(Task task, Collection<String> train, Collection<String> validation,
                                      Collection<String> test) {
        for (Collection<String> part : List.of(train, validation, test)) for (String c : part) task.labelIndex(c);
        return new ClassSplit(inOrder(task.labels(), train), inOrder(task.labels(), validation), inOrder(task.labels(), test));
    }

    /**
     * {@code train + validation + test} classes chosen at random (by seed) from {@code classes}; the sum may
     * be smaller than the number of classes, the rest being unused.
     */
    public static ClassSplit random(List<String> classes, int train, int validation, int test, long seed) {
        if (train < 0 || validation < 0 || test < 0) {
            throw new IllegalArgumentException("class counts must be >= 0, got " + train + "/" + validation + "/" + test);
        }
        List<String> all = distinct(classes);
        if (train + validation + test > all.size()) {
            throw new IllegalArgumentException("cannot split " + all.size() + " classes into " + train + " meta-train + "
                    + validation + " meta-validation + " + test + " meta-test classes");
        }
        int[] perm = Seeds.sampleWithoutReplacement(all.size(), train + validation + test, Seeds.stream(seed, "class-split"));
        return new ClassSplit(pick(all, perm, 0, train), pick(all, perm, train, train + validation),
                pick(all, perm, train + validation, train + validation + test));
    }

    /** Random split of a task's labels by fractions; meta-test gets the rest. */
    public static ClassSplit random(Task task, double trainFraction, double validationFraction, long seed) {
        checkFractions(trainFraction, validationFraction);
        int n = task.labels().size();
        int tr = (int) Math.round(trainFraction * n);
        int va = Math.min(n - tr, (int) Math.round(validationFraction * n));
        return random(task.labels(), tr, va, n - tr - va, seed);
    }

    /**
     * Split by groups (e.g. CLINC150 domains): every class of a listed group goes to that group's part.
     *
     * @param groupOf class to group; every class must have one
     */
    public static ClassSplit byGroups(List<String> classes, Map<String, String> groupOf, Collection<String> trainGroups,
                                      Collection<String> validationGroups, Collection<String> testGroups) {
        Map<String, List<String>> groups = groups(classes, groupOf);
        var seen = new HashSet<String>();
        for (Collection<String> part : List.of(trainGroups, validationGroups, testGroups)) {
            for (String g : part) {
                if (!groups.containsKey(g)) {
                    throw new IllegalArgumentException("no class is in group '" + g + "'; groups: " + groups.keySet());
                }
                if (!seen.add(g)) throw new IllegalArgumentException("group '" + g + "' is in more than one part of the class split");
            }
        }
        return new ClassSplit(members(classes, groupOf, trainGroups), members(classes, groupOf, validationGroups),
                members(classes, groupOf, testGroups));
    }

    /** Split by groups chosen at random (by seed): {@code train + validation + test} whole groups. */
    public static ClassSplit byGroups(List<String> classes, Map<String, String> groupOf, int trainGroups,
                                      int validationGroups, int testGroups, long seed) {
        List<String> names = List.copyOf(groups(classes, groupOf).keySet());
        ClassSplit g = random(names, trainGroups, validationGroups, testGroups, Seeds.mix(seed, "group-split"));
        return byGroups(classes, groupOf, g.train(), g.validation(), g.test());
    }

    /** Number of classes in all three parts. */
    public int size() {
        return train.size() + validation.size() + test.size();
    }

    @Override
    public String toString() {
        return train.size() + " meta-train / " + validation.size() + " meta-validation / " + test.size() + " meta-test classes";
    }

    private static Map<String, List<String>> groups(List<String> classes, Map<String, String> groupOf) {
        var groups = new LinkedHashMap<String, List<String>>();
        for (String c : distinct(classes)) {
            String g = groupOf.get(c);
            if (g == null) throw new IllegalArgumentException("class '" + c + "' has no group");
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(c);
        }
        return groups;
    }

    private static List<String> members(List<String> classes, Map<String, String> groupOf, Collection<String> groups) {
        Set<String> wanted = Set.copyOf(groups);
        return distinct(classes).stream().filter(c -> wanted.contains(groupOf.get(c))).toList();
    }

    private static List<String> distinct(List<String> classes) {
        var set = new LinkedHashSet<>(classes);
        if (set.size() != classes.size()) throw new IllegalArgumentException("class list has duplicates");
        return List.copyOf(set);
    }

    private static List<String> pick(List<String> all, int[] perm, int from, int to) {
        var chosen = new HashSet<String>();
        for (int i = from; i < to; i++) chosen.add(all.get(perm[i]));
        return all.stream().filter(chosen::contains).toList();
    }

    private static List<String> inOrder(List<String> order, Collection<String> part) {
        var set = new LinkedHashSet<>(part);
        return order.stream().filter(set::contains).toList();
    }

    static void checkFractions(double a, double b) {
        if (!(a >= 0) || !(b >= 0) || a + b > 1 + 1e-9) {
            throw new IllegalArgumentException("fractions must be >= 0 and sum to at most 1, got " + a + " and " + b);
        }
    }
}
