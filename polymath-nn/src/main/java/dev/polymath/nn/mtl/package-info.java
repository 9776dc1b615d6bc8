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
 * <h2>Sharpness-aware steps</h2>
 * {@link dev.polymath.nn.mtl.Sharpness}: F-MTL (per-task perturbations of the shared parameters and each head,
 * loss and flat gradients aggregated separately by two instances of the method,
 * {@link dev.polymath.nn.mtl.weighting.FlatMtl}) or plain SAM (one perturbation along the summed gradient),
 * around any weighting method; a second forward/backward pass per task (F-MTL) or per step (SAM).
 *
 * <h2>Training</h2>
 * {@link dev.polymath.nn.mtl.MtlTrainer}: epochs, per-task evaluation with the tasks' metrics and validation
 * loss, Δm% (primary metrics) against explicit single-task baselines, selection and early stopping on it (or,
 * without a baseline, on the validation loss, which the result says), safetensors checkpoints with the
 * weighting method's state and the per-step weight trajectory, exact resume. Data come as
 * {@link dev.polymath.nn.mtl.data.MtlSplit}s: one dataset labelled for every task (Multi-Fashion) or one
 * dataset per task (text suites; one batch per task per step).
 *
 * <h2>Suites</h2>
 * {@link dev.polymath.nn.mtl.suite.MtlSuites}: {@code multi-fashion}, {@code tweeteval} (six tasks, official
 * metrics) and {@code clinc150-domains} (ten 15-way tasks), the text ones on frozen sentence embeddings given
 * by a {@link dev.polymath.nn.mtl.suite.TextEmbedder}; {@link dev.polymath.nn.mtl.suite.MtlExperiment} trains
 * one configuration, {@link dev.polymath.nn.mtl.suite.ResultStore} keeps finished runs and single-task
 * baselines for {@code polymath mtl compare}.
 */
package dev.polymath.nn.mtl;
