package dev.polymath.nn.mtl.suite;

import dev.polymath.core.data.Clinc150Loader;
import dev.polymath.core.data.DataPaths;
import dev.polymath.core.task.Task;
import dev.polymath.core.task.TaskSuite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * CLINC150's 10 domains as 10 tasks: each a 15-way intent classification over that domain's in-scope
 * utterances (train/validation/test), on frozen MiniLM embeddings + MLP; metrics accuracy then macro-F1.
 */
final class Clinc150DomainsSuite implements MtlSuite {
    @Override public String name() { return "clinc150-domains"; }

    @Override public String description() {
        return "CLINC150's 10 domains as 10 15-way intent tasks on frozen MiniLM embeddings + MLP";
    }

    @Override public boolean needsEmbedder() { return true; }

    @Override public boolean sharedInputs() { return false; }

    @Override public Defaults defaults() { return new Defaults(30, 32, 1e-3, 5); }

    @Override
    public LoadedSuite load(SuiteOptions o) {
        Path dir = DataPaths.locate(Clinc150Loader.NAME);
        TaskSuite suite = Clinc150Loader.load(dir);
        var tasks = new ArrayList<Task>();
        for (Task t : suite.tasks()) {
            if (t.name().startsWith(Clinc150Loader.BY_DOMAIN)) tasks.add(t.withName(t.name().substring(Clinc150Loader.BY_DOMAIN.length())));
        }
        if (tasks.size() != 10) throw new IllegalStateException("expected 10 CLINC150 domains, found " + tasks.size());
        return EmbeddedTasks.load(name(), tasks, o, Map.of(Clinc150Loader.NAME, dir));
    }
}
