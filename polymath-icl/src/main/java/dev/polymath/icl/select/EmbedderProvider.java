package dev.polymath.icl.select;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Makes an {@link Embedder} available by name to the CLI ({@code --embedder NAME}) through
 * {@link ServiceLoader} ({@code META-INF/services/dev.polymath.icl.select.EmbedderProvider}).
 */
public interface EmbedderProvider {

    String name();

    /** One line for listings: model, dimension, where its weights come from. */
    String description();

    Embedder create();

    static List<EmbedderProvider> available() {
        var out = new ArrayList<EmbedderProvider>();
        ServiceLoader.load(EmbedderProvider.class).forEach(out::add);
        return out;
    }

    /** The provider called {@code name}; an error lists those available. */
    static Embedder named(String name) {
        var all = available();
        for (EmbedderProvider p : all) if (p.name().equals(name)) return p.create();
        throw new IllegalArgumentException("no embedder '" + name + "'; available: "
                + (all.isEmpty() ? "none in this build (a sentence encoder module such as polymath-text provides one)"
                : String.join(", ", all.stream().map(EmbedderProvider::name).toList())));
    }
}
