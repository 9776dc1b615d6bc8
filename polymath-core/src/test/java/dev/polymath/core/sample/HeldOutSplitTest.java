package dev.polymath.core.sample;

import dev.polymath.core.task.Example;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class HeldOutSplitTest {

    private final TaskSuite suite = Fixtures.suite(); // A: a1 a2 a3, B: b1 b2, C: c1, D: d1 d2

    private static Set<String> categories(TaskSuite s) {
        var out = new HashSet<String>();
        s.tasks().forEach(t -> out.add(t.category()));
        return out;
    }

    private static void assertTaskPartition(TaskSuite all, HeldOutSplit s) {
        var train = new HashSet<>(s.train().names());
        var eval = new HashSet<>(s.eval().names());
        assertTrue(train.stream().noneMatch(eval::contains), "a task is in both train and eval");
        var union = new HashSet<>(train);
        union.addAll(eval);
        assertEquals(new HashSet<>(all.names()), union, "every task is used once");
    }

    @Test
    void categoryLevelHoldsOutWholeCategories() {
        var s = HeldOutSplit.categories(suite, List.of("D", "B"));
        assertEquals(HeldOutSplit.Level.CATEGORY, s.level());
        assertEquals(List.of("B", "D"), s.heldOut());
        assertEquals(List.of("b1", "b2", "d1", "d2"), s.eval().names());
        assertEquals(List.of("a1", "a2", "a3", "c1"), s.train().names());
        assertTaskPartition(suite, s);
        assertTrue(categories(s.train()).stream().noneMatch(categories(s.eval())::contains), "category leak");

        var r = HeldOutSplit.categories(suite, 2, 42);
        assertEquals(2, r.heldOut().size());
        assertEquals(new HashSet<>(r.heldOut()), categories(r.eval()));
        assertTrue(categories(r.train()).stream().noneMatch(categories(r.eval())::contains));
        assertTaskPartition(suite, r);
        assertEquals(r, HeldOutSplit.categories(suite, 2, 42));
        var seen = new HashSet<List<String>>();
        for (long seed = 0; seed < 20; seed++) seen.add(HeldOutSplit.categories(suite, 2, seed).heldOut());
        assertTrue(seen.size() > 2, "seeds choose different categories");

        var unknown = assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.categories(suite, List.of("Z")));
        assertEquals("suite 'synthetic' has no category 'Z'; categories: [A, B, C, D]", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.categories(suite, List.of("A", "B", "C", "D")));
        assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.categories(suite, 4, 1));
    }

    @Test
    void taskLevelKeepsEveryCategorySeen() {
        var s = HeldOutSplit.tasks(suite, 1, 7);
        assertEquals(HeldOutSplit.Level.TASK, s.level());
        assertTaskPartition(suite, s);
        // one task from each category with >= 2 tasks (A, B, D); C has a single task and stays in training
        assertEquals(3, s.eval().size());
        assertEquals(Set.of("A", "B", "D"), categories(s.eval()));
        assertEquals(Set.of("A", "B", "C", "D"), categories(s.train()), "every category is still seen");
        assertEquals(s.eval().names(), s.heldOut());
        assertEquals(s, HeldOutSplit.tasks(suite, 1, 7));

        var two = HeldOutSplit.tasks(suite, 2, 7); // capped at n-1 per category
        assertEquals(2 + 1 + 1, two.eval().size());
        assertEquals(Set.of("A", "B", "C", "D"), categories(two.train()));

        var frac = HeldOutSplit.tasks(suite, 0.34, 3);
        assertEquals(3, frac.eval().size());

        var explicit = HeldOutSplit.tasks(suite, List.of("a2", "d2"));
        assertEquals(List.of("a2", "d2"), explicit.eval().names());
        var whole = assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.tasks(suite, List.of("b1", "b2")));
        assertTrue(whole.getMessage().startsWith("holding out every task of category 'B' [b1, b2] holds out the category itself"),
                whole.getMessage());
        var single = assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.tasks(suite, List.of("c1")));
        assertTrue(single.getMessage().contains("category 'C'"));
        assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.tasks(suite, List.of("zz")));
    }

    @Test
    void instanceLevelSplitsEveryTaskWithoutLeakage() {
        var s = HeldOutSplit.instances(suite, 0.2, 5);
        assertEquals(HeldOutSplit.Level.INSTANCE, s.level());
        assertEquals(suite.names(), s.train().names());
        assertEquals(suite.names(), s.eval().names());
        for (Task original : suite.tasks()) {
            Task tr = s.train().task(original.name());
            Task ev = s.eval().task(original.name());
            assertEquals(List.of(Task.TRAIN), List.copyOf(tr.splits().keySet()));
            assertEquals(List.of(Task.TEST), List.copyOf(ev.splits().keySet()));
            var trainIds = new HashSet<String>();
            tr.split(Task.TRAIN).forEach(e -> trainIds.add(e.id()));
            for (Example e : ev.split(Task.TEST)) assertFalse(trainIds.contains(e.id()), "instance " + e.id() + " leaks");
            int n = original.size(Task.TRAIN);
            assertEquals(n, tr.size(Task.TRAIN) + ev.size(Task.TEST));
            assertEquals(Math.round(0.2 * n), ev.size(Task.TEST), original.name());
            // kept examples stay in file order
            var order = original.split(Task.TRAIN).stream().map(Example::id).filter(trainIds::contains).toList();
            assertEquals(order, tr.split(Task.TRAIN).stream().map(Example::id).toList());
        }
        // stratified: b1 has classes of 12, 9, 7, 20, 6 -> 54 examples, 11 held out, each class about 20%
        Task b1 = s.eval().task("b1");
        var perClass = b1.byLabel(Task.TEST);
        int[] sizes = {12, 9, 7, 20, 6};
        for (int c = 0; c < sizes.length; c++) assertEquals(0.2 * sizes[c], perClass.get("c" + c).size(), 2.0, "class c" + c);

        var again = HeldOutSplit.instances(suite, 0.2, 5);
        assertEquals(s.eval().task("a1").split(Task.TEST), again.eval().task("a1").split(Task.TEST));
        var other = HeldOutSplit.instances(suite, 0.2, 6);
        assertNotEquals(s.eval().task("a1").split(Task.TEST), other.eval().task("a1").split(Task.TEST));
        assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.instances(suite, 1.0, 1));
    }

    @Test
    void tasksWithoutCategoryCannotBeSplitByCategory() {
        var flat = new TaskSuite("flat", "", List.of(Fixtures.uniform("u1", 2, 2), Fixtures.uniform("u2", 2, 2)));
        var ex = assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.categories(flat, 1, 1));
        assertEquals("task 'u1' has no category; held-out category and task splits need every task of suite 'flat' to have one",
                ex.getMessage());
    }
}
