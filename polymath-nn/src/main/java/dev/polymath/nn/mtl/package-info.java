/**
 * Multi-task training engine.
 *
 * <h2>The step</h2>
 * {@link dev.polymath.nn.mtl.MtlStep} runs one step without DJL's Trainer/ParameterStore/Block machinery:
 * ops go straight to the PyTorch engine's JNI layer through {@link dev.polymath.nn.tensor.Graph}, a per-step
 * scope whose sub-manager frees every temporary tensor when the step ends (native memory stays flat).
 * Parameters live in one flat vector ({@link dev.polymath.nn.tensor.Parameters}): a Java {@code float[]}
 * master copy mirrored into one native tensor, of which each step takes fresh leaf views, so gradients land
 * in new buffers (no zeroing) and are read back into one flat {@code float[]}; Adam
 * ({@link dev.polymath.nn.optim.Adam}) is one fused Java pass over it. Shared parameters are the prefix of the
 * flat vector, so the gradient path hands weighting methods a {@code float[T][P_shared]} matrix directly.
 * The engine also tunes glibc malloc ({@link dev.polymath.nn.NativeAllocator}) and lets MKL use its AVX-512
 * kernels on AMD CPUs ({@link dev.polymath.nn.MklCpuDispatch}).
 *
 * <h2>Gradient modes</h2>
 * Losses ({@code sum_t w_t L_t}, one backward), parameters (per-task gradients of the shared parameters,
 * combined by the method and written back), representation (per-task gradients of the shared representation,
 * combined and back-propagated through the shared part); with equal weights all three give the same update
 * (tested).
 *
 * <h2>Architectures</h2>
 * {@link dev.polymath.nn.mtl.arch.Architecture} + {@link dev.polymath.nn.mtl.arch.Architectures}: hard
 * parameter sharing, MMoE, CGC, PLE, DSelect-k, sparse top-k MoE (noisy gating, load balancing, capacity),
 * cross-stitch and DTRN-style SE-re-weighted task bottoms, over MLP, LeNet (36x36) and
 * frozen-sentence-embedding MLP backbones (each a sequence of stages). A network exposes its shared
 * representation, per-task outputs and an optional auxiliary loss ({@link dev.polymath.nn.mtl.arch.MtlNet}),
 * which {@link dev.polymath.nn.mtl.MtlStep} adds to the objective outside the weighting method.
 *
 * <h2>Training</h2>
 * {@link dev.polymath.nn.mtl.MtlTrainer}: epochs, per-task evaluation with the tasks' metrics, Δm% against an
 * explicit baseline, early stopping, safetensors checkpoints with exact resume; data from
 * {@link dev.polymath.nn.mtl.data.MtlDataset}, e.g. {@link dev.polymath.nn.mtl.data.MultiFashion}.
 */
package dev.polymath.nn.mtl;
