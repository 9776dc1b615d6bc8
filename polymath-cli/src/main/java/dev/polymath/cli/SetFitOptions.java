package dev.polymath.cli;

import dev.polymath.text.bert.BertSource;
import dev.polymath.text.encoder.EncoderSettings;
import dev.polymath.text.fewshot.PseudoLabels;
import dev.polymath.text.fewshot.SetFit;
import dev.polymath.text.fewshot.LabelPropagation;
import dev.polymath.text.fewshot.SetFitDistillation;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the {@code setfit} few-shot method (contrastive fine-tuning of the encoder, then a head). */
final class SetFitOptions {
    private static final SetFit.Options D = SetFit.Options.defaults();
    // the defaults in the descriptions below are those of SetFit.Options.defaults()

    @Option(names = "--setfit-steps", description = "setfit: optimizer steps (default: 100)")
    Integer steps;

    @Option(names = "--setfit-max-pairs", description = "setfit: cosine loss only: cap on training pairs, half positive (default: 2000)")
    Integer maxPairs;

    @Option(names = "--setfit-batch", description = "setfit: pairs per step (default: 32; mnr/triplet: at most one per class)")
    Integer batch;

    @Option(names = "--setfit-lr", description = "setfit: AdamW learning rate (default: 5e-5)")
    Double lr;

    @Option(names = "--setfit-lora-rank", description = "setfit: LoRA rank on every projection; 0 = full fine-tuning (default: 0)")
    Integer loraRank;

    @Option(names = "--setfit-head", description = "setfit: head fitted on the fine-tuned embeddings (default: prototype)")
    String head;

    @Option(names = "--setfit-loss", description = "setfit: cosine (pairs), mnr (in-batch negatives), mnr-symmetric (in-batch negatives "
            + "for anchors and positives) or triplet (batch-hard) (default: mnr)")
    String loss;

    @Option(names = "--setfit-warmup", paramLabel = "FRACTION",
            description = "setfit: warm the learning rate up linearly over this fraction of the steps, then decay it linearly "
                    + "towards 0 at the last step; 0 = constant (default: 0). With a schedule, --setfit-checkpoints are points "
                    + "of the one run, not shorter runs")
    Double warmup;

    @Option(names = "--setfit-label-names", paramLabel = "MODE",
            description = "setfit: label names as extra examples ('cancel_reservation' -> \"cancel reservation\"): off, train (one more "
                    + "example per class in the contrastive training), train-and-head (and in the head) (default: off)")
    String labelNames;

    @Option(names = "--setfit-pretrain-steps", description = "setfit: steps of unsupervised SimCSE pre-training on the unlabelled texts "
            + "(fit: --pool; eval: the train split's texts) before the supervised stage; 0 = none (default: 0)")
    Integer pretrainSteps;

    @Option(names = "--setfit-epochs", description = "setfit: passes over the support set's anchors instead of a fixed step count "
            + "(steps = ceil(epochs x anchors / batch)); --setfit-steps wins when both are given")
    Double epochs;

    @Option(names = "--setfit-batching", description = "setfit: random, or similar (a seed class and its most similar classes per batch: "
            + "hard in-batch negatives) (default: random)")
    String batching;

    @Option(names = "--setfit-checkpoints", split = ",", paramLabel = "STEPS",
            description = "setfit, eval only: also score the test split after these supervised steps (rows setfit@STEP), "
                    + "a learning curve from one fine-tuning run; 0 = before fine-tuning")
    java.util.List<Integer> checkpoints = java.util.List.of();

    @Option(names = "--setfit-ensemble", paramLabel = "N",
            description = "setfit: N fits from the run's seed and N-1 derived seeds. eval: also score their ensemble (class "
                    + "probabilities averaged) as the row 'setfit ensemble of N'; fit: needs --setfit-soup. Costs N fits (default: 1 = none)")
    int ensemble = 1;

    @Option(names = "--setfit-scale", paramLabel = "S",
            description = "setfit: similarity scale (inverse temperature) of the mnr losses (default: 20, sentence-transformers')")
    Float scale;

    @Option(names = "--setfit-freeze-below", paramLabel = "K",
            description = "setfit, full fine-tuning: keep the embeddings and the first K encoder layers frozen (default: 0 = train all)")
    Integer freezeBelow;

    @Option(names = "--setfit-wise", split = ",", paramLabel = "ALPHA",
            description = "setfit, eval only: also score weight-space interpolations start + ALPHA x (fine-tuned - start) of each "
                    + "fine-tuned encoder (WiSE-FT), rows 'setfit wise ALPHA'; ALPHA in [0, 1]")
    java.util.List<Double> wise = java.util.List.of();

    @Option(names = "--setfit-ensemble-encoders", split = ",", paramLabel = "ENC[,ENC...]",
            description = "setfit, eval with --setfit-ensemble N: the encoders members 2..N fine-tune (built-in names or folders), "
                    + "one per member, instead of --encoder: an ensemble across pretrained encoders")
    List<String> ensembleEncoders = new ArrayList<>();

    @Option(names = "--setfit-distil-into", split = ",", paramLabel = "ENC[,ENC...]",
            description = "setfit: distil the fit into this encoder (e.g. minilm) through unlabelled texts it labels (eval: the train "
                    + "texts outside the support set, scored as 'setfit distilled into ENC'; fit: --pool, saves the student). "
                    + "Several: a chain, each student the next one's teacher (e.g. bge-small,minilm)")
    List<String> distilInto = new ArrayList<>();

    @Option(names = "--setfit-distil-per-class", paramLabel = "N",
            description = "setfit distillation: pool texts kept per label, the teacher's most confident (default: 100)")
    int distilPerClass = 100;

    @Option(names = "--setfit-distil-steps", paramLabel = "STEPS",
            description = "setfit distillation: the student's fine-tuning steps (default: 200)")
    int distilSteps = 200;

    @Option(names = "--setfit-distil-folds", paramLabel = "K",
            description = "setfit distillation through a chain of students: cross-fit every generation but the last in K folds of the "
                    + "pool, so each pool text is relabelled by a student that never saw its label (default: 1 = off)")
    int distilFolds = 1;

    @Option(names = "--setfit-distil-soft-steps", paramLabel = "STEPS",
            description = "setfit distillation: after the contrastive steps, train the student this many steps on the teacher's class "
                    + "probabilities of every pool text (knowledge distillation's soft targets; the support set one-hot), then refit "
                    + "its head (default: 0 = off)")
    int distilSoftSteps = 0;

    @Option(names = "--setfit-distil-temperature", paramLabel = "T",
            description = "setfit distillation with soft-target steps: the teacher's probabilities at temperature T, q^(1/T) "
                    + "renormalized; T > 1 softens them (default: 1)")
    double distilTemperature = 1;

    @Option(names = "--setfit-distil-propagate", paramLabel = "K",
            description = "setfit distillation: spread the teacher's class probabilities of the pool over a K-nearest-neighbour graph of "
                    + "its embeddings before keeping labels (label spreading, Zhou et al. 2004; e.g. 10) (default: 0 = off)")
    int distilPropagate = 0;

    @Option(names = "--setfit-distil-propagate-alpha", paramLabel = "A",
            description = "setfit distillation with --setfit-distil-propagate: the share of each text's distribution taken from its "
                    + "neighbours, in [0, 1) (default: 0.99)")
    double distilPropagateAlpha = 0.99;

    @Option(names = "--setfit-soup", description = "setfit, with --setfit-ensemble N: the uniform soup of the N fine-tuned encoders "
            + "(their weights averaged: one model, head fitted on it). fit: saves it; eval: scores it as the row 'setfit soup of N'")
    boolean soup;

    @Option(names = "--setfit-selection-split", paramLabel = "SPLIT",
            description = "setfit, eval only: also score every setfit model (and checkpoint) on this split, e.g. validation, "
                    + "to choose settings on it rather than on the test split; train = 2,000 held-out train examples outside the "
                    + "support set (for datasets without a validation split)")
    String selectionSplit;

    @Option(names = "--setfit-selftrain-per-class", paramLabel = "N",
            description = "setfit: self-training with the fine-tuned encoder: pseudo-label up to N unlabelled texts per class "
                    + "(fit: --pool; eval: the train split outside the support set, labels hidden), most confident first; 0 = off (default: 0)")
    Integer selfTrainPerClass;

    @Option(names = "--setfit-selftrain-threshold", paramLabel = "P",
            description = "setfit: least top probability of a pseudo-labelled text (default: 0)")
    Double selfTrainThreshold;

    @Option(names = "--setfit-selftrain-steps", paramLabel = "STEPS",
            description = "setfit: contrastive steps of the second round on support + pseudo-labels; 0 = the head alone uses them (default: 0)")
    Integer selfTrainSteps;

    @Option(names = "--setfit-selftrain-pick", paramLabel = "PICK",
            description = "setfit: which confident texts fill a class's quota: top (most confident) or spread (evenly spaced "
                    + "confidence ranks) (default: top)")
    String selfTrainPick;

    @Option(names = "--setfit-selftrain-head-on-pseudo", description = "setfit: fit the final head on support + pseudo-labels "
            + "(default: the support set only; the pseudo-labels train the encoder)")
    Boolean selfTrainHeadOnPseudo;

    SetFit.Options options() {
        var o = new SetFit.Options(maxPairs != null ? maxPairs : D.maxPairs(), D.maxSteps(),
                batch != null ? batch : D.batchSize(), lr != null ? lr : D.learningRate(),
                loraRank != null ? loraRank : D.loraRank(), head != null ? head : D.head(),
                loss != null ? SetFit.Loss.parse(loss) : D.loss(), pretrainSteps != null ? pretrainSteps : D.pretrainSteps(),
                epochs != null ? epochs : D.epochs(), batching != null ? SetFit.Batching.parse(batching) : D.batching());
        if (selfTrainPerClass != null || selfTrainThreshold != null || selfTrainSteps != null || selfTrainPick != null
                || selfTrainHeadOnPseudo != null) {
            o = o.withSelfTraining(new SetFit.SelfTraining(selfTrainPerClass != null ? selfTrainPerClass : 0,
                    selfTrainThreshold != null ? selfTrainThreshold : 0, selfTrainSteps != null ? selfTrainSteps : 0,
                    selfTrainPick != null ? PseudoLabels.Pick.parse(selfTrainPick) : PseudoLabels.Pick.TOP,
                    selfTrainHeadOnPseudo != null && selfTrainHeadOnPseudo));
            if (!o.selfTraining().on()) throw new IllegalArgumentException("--setfit-selftrain-* options need --setfit-selftrain-per-class > 0");
        }
        if (!ensembleEncoders.isEmpty() && ensembleEncoders.size() != ensemble - 1) {
            throw new IllegalArgumentException("--setfit-ensemble-encoders names " + ensembleEncoders.size() + " encoder(s) for an ensemble of "
                    + ensemble + ": give one for each member after the first (--setfit-ensemble " + (ensembleEncoders.size() + 1) + ")");
        }
        if (!ensembleEncoders.isEmpty() && soup) throw new IllegalArgumentException("--setfit-soup averages weights of one encoder: it cannot be used with --setfit-ensemble-encoders");
        if (soup && ensemble < 2) throw new IllegalArgumentException("--setfit-soup averages the members of an ensemble: it needs --setfit-ensemble N >= 2, got " + ensemble);
        if (labelNames != null) o = o.withLabelNames(SetFit.LabelNames.parse(labelNames));
        if (warmup != null) o = o.withWarmup(warmup);
        if (scale != null) o = o.withScale(scale);
        if (freezeBelow != null) o = o.withFreezeBelow(freezeBelow);
        return steps != null ? o.withMaxSteps(steps) : o;
    }

    /** The distillation the options ask for, or null. */
    SetFitDistillation distillation() {
        if (distilTemperature != 1 && distilSoftSteps == 0) {
            throw new IllegalArgumentException("--setfit-distil-temperature " + distilTemperature + " softens the targets of soft-target steps; add --setfit-distil-soft-steps N");
        }
        if (distilPropagateAlpha != 0.99 && distilPropagate == 0) {
            throw new IllegalArgumentException("--setfit-distil-propagate-alpha " + distilPropagateAlpha + " weighs label propagation; add --setfit-distil-propagate K");
        }
        return distilInto.isEmpty() ? null : new SetFitDistillation(distilPerClass, distilSteps, distilFolds, distilSoftSteps, distilTemperature,
                LabelPropagation.of(distilPropagate, distilPropagateAlpha));
    }

    /** The trainable (DJL) form of the encoder the options name; only the built-in MiniLM or a safetensors folder. */
    static BertSource source(EncoderOptions enc) {
        return BertSource.resolve(enc.model);
    }

    static EncoderSettings settings(EncoderOptions enc) {
        return EncoderSettings.defaults().withThreads(enc.threads);
    }
}
