/**
 * Multi-task loss weighting and gradient manipulation, in plain Java over task losses and T x P gradient
 * matrices (no DJL), so each method is tested against known answers and reference computations.
 *
 * <h2>Methods ({@link dev.polymath.nn.mtl.weighting.WeightingRegistry})</h2>
 * <table>
 *   <caption>registered methods</caption>
 *   <tr><th>name</th><th>class</th><th>needs</th><th>state</th></tr>
 *   <tr><td>ew</td><td>{@link dev.polymath.nn.mtl.weighting.EqualWeighting}</td><td>losses</td><td>-</td></tr>
 *   <tr><td>uw</td><td>{@link dev.polymath.nn.mtl.weighting.UncertaintyWeighting}</td><td>losses</td><td>log-variances (Adam)</td></tr>
 *   <tr><td>dwa</td><td>{@link dev.polymath.nn.mtl.weighting.DynamicWeightAverage}</td><td>losses</td><td>epoch loss means</td></tr>
 *   <tr><td>gls</td><td>{@link dev.polymath.nn.mtl.weighting.GeometricLossStrategy}</td><td>losses</td><td>-</td></tr>
 *   <tr><td>rlw</td><td>{@link dev.polymath.nn.mtl.weighting.RandomLossWeighting}</td><td>losses</td><td>random stream</td></tr>
 *   <tr><td>gradnorm</td><td>{@link dev.polymath.nn.mtl.weighting.GradNorm}</td><td>parameter or representation gradients</td><td>logits (Adam), epoch-0 losses</td></tr>
 *   <tr><td>mgda[:l2|:loss|:loss+|:none]</td><td>{@link dev.polymath.nn.mtl.weighting.Mgda}</td><td>parameter or representation gradients</td><td>-</td></tr>
 *   <tr><td>pcgrad</td><td>{@link dev.polymath.nn.mtl.weighting.PcGrad}</td><td>parameter gradients</td><td>random stream</td></tr>
 *   <tr><td>gradvac</td><td>{@link dev.polymath.nn.mtl.weighting.GradVac}</td><td>parameter gradients</td><td>EMA targets, random stream</td></tr>
 *   <tr><td>cagrad</td><td>{@link dev.polymath.nn.mtl.weighting.CaGrad}</td><td>parameter gradients</td><td>-</td></tr>
 *   <tr><td>imtl</td><td>{@link dev.polymath.nn.mtl.weighting.Imtl}</td><td>parameter or representation gradients</td><td>loss scales (Adam)</td></tr>
 *   <tr><td>nash_mtl</td><td>{@link dev.polymath.nn.mtl.weighting.NashMtl}</td><td>parameter gradients</td><td>previous alpha</td></tr>
 *   <tr><td>aligned_mtl[:min|:median|:rmse]</td><td>{@link dev.polymath.nn.mtl.weighting.AlignedMtl}</td><td>parameter or representation gradients</td><td>-</td></tr>
 *   <tr><td>famo</td><td>{@link dev.polymath.nn.mtl.weighting.Famo}</td><td>losses (+ losses after the update)</td><td>logits (Adam)</td></tr>
 * </table>
 * {@link dev.polymath.nn.mtl.weighting.FlatMtl} (F-MTL, sharpness-aware) wraps any of them; it needs a second
 * forward/backward per task, done by the trainer. The trainer protocol (what to do with a result, gradient
 * clipping, FAMO's second loss evaluation) is documented on {@link dev.polymath.nn.mtl.weighting.Weighting}.
 *
 * <h2>Conventions</h2>
 * Hyper-parameters come as a {@code Params} record per method with LibMTL's defaults ({@code Params.DEFAULTS}).
 * Methods whose parameters LibMTL learns with the model optimizer (UW, GradNorm, IMTL) update them inside
 * {@code step} with their own {@link dev.polymath.nn.mtl.weighting.Adam} on the analytic gradient, default
 * LibMTL's model optimizer (Adam, lr 1e-4, weight decay 1e-5). Weights are the effective coefficients of the
 * raw task gradients. Random choices come from {@code dev.polymath.core.util.Seeds} seeded in {@code reset}.
 */
package dev.polymath.nn.mtl.weighting;
