package dev.polymath.core.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Both sides of one benchmark run. Ratios are "how many times better Polymath is": Polymath/peer for
 * higher-is-better figures, peer/Polymath for lower-is-better ones, so above 1 always means Polymath wins.
 *
 * @param peer null when the workload has no peer or the peer could not run ({@code peerSkipped} says why)
 */
public record BenchResult(String benchmark, String description, BenchSide polymath, BenchSide peer,
                          String peerSkipped, List<String> notes) {

    public BenchResult {
        notes = List.copyOf(notes);
    }

    public record Ratio(String figure, String unit, double polymath, double peer, double ratio) {}

    /** Ratios for every figure both sides report under the same name. */
    public List<Ratio> ratios() {
        var out = new ArrayList<Ratio>();
        if (peer == null) return out;
        for (Figure f : polymath.figures()) {
            Figure p = peer.figure(f.name());
            if (p == null) continue;
            double r = f.higherIsBetter() ? f.value() / p.value() : p.value() / f.value();
            out.add(new Ratio(f.name(), f.unit(), f.value(), p.value(), r));
        }
        return out;
    }
}
