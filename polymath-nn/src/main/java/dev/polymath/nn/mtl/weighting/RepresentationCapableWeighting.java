package dev.polymath.nn.mtl.weighting;

/**
 * A gradient method that works on parameter gradients by default and accepts representation gradients too
 * (GradNorm, MGDA, IMTL, Aligned-MTL), so each of them declares only its algorithm.
 */
abstract class RepresentationCapableWeighting extends AbstractWeighting {
    @Override
    public GradientMode mode() {
        return GradientMode.PARAMETERS;
    }

    @Override
    public boolean supports(GradientMode gradientMode) {
        return gradientMode != GradientMode.LOSSES;
    }
}
