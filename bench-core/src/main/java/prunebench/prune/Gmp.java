package prunebench.prune;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import prunebench.config.ConfigException;

/**
 * Gradual magnitude pruning (Zhu &amp; Gupta 2017, "To prune, or not to prune"; the baseline of Gale, Elsen &amp;
 * Hooker 2019, "The state of sparsity in deep neural networks"): while the network trains, every {@code every}
 * steps between the fractions {@code start} and {@code end} of the training stage, the lowest-scored weights (by
 * {@code score}, |w| by default) are removed so that the sparsity follows
 * s_t = s_f + (s_i - s_f) (1 - (t - t_0) / (n dt))^3 from s_i = 0 to the run's target s_f, reached at the end point
 * and held after it. With {@code at: pretrained} (the default) it prunes during the fine-tuning of the dense model;
 * with {@code at: init} during the whole sparse-training budget. With a channel {@code score} (gradual filter
 * pruning) whole channels go, to the compression on the same schedule ({@link #fractionAfter}). The planner builds
 * the run (a training stage with the gradual pruner as its mask updater); this class only carries the parameters.
 *
 * <p><b>Distribution.</b> Both papers prune every layer to the same sparsity s_t, each by its own magnitude
 * threshold: Zhu &amp; Gupta sort the weights of each layer chosen for pruning and mask the smallest until that
 * layer reaches s_t; the code both use, TensorFlow's {@code tensorflow/contrib/model_pruning} (pruning.py, one
 * threshold per mask from that weight's own |w|), as driven by google-research/google-research
 * {@code state_of_sparsity/sparse_rn50/imagenet_train_eval.py} ({@code pruning_method=threshold}), does the same.
 * So the default distribution is {@code uniform} (layer-wise), whatever weight score ranks within a layer. Until
 * issue 27 the default was the score's, i.e. {@code global} for {@code global_magnitude}: one threshold over all
 * layers, which prunes layers of small weights harder; {@code distribution: global} (or {@code scope: global})
 * still asks for that. A channel score keeps its own default (gradual filter pruning is not Zhu &amp; Gupta's
 * method; {@code l1_filter}'s is {@code uniform} too).
 *
 * <p><b>First and last layer.</b> Gale et al.'s code has the flags {@code prune_first_layer} and
 * {@code prune_last_layer} (both on by default) and {@code first_layer_sparsity} / {@code last_layer_sparsity}
 * (per-layer overrides of {@code end_sparsity} through the library's {@code weight_sparsity_map}, off by default),
 * with the comment that the first layer has so few parameters that it need not be pruned and that pruning it hard
 * hurts. Their released result tables ({@code state_of_sparsity/results/sparse_rn50/technique_comparison/
 * rn50_magnitude_pruning.csv}) do not record which setting each run used, and the paper's text could not be
 * checked here, so the ResNet-50 protocol (first layer dense, final layer at most 80%) is not confirmed from their
 * sources. A dense first layer is {@code dense_first_layer: true}, which gmp honours at every pruning step (the
 * same {@link Pruner} path as a one-shot run): the first prunable tensor is never pruned. Where this differs from
 * the code: the run's compression still counts that tensor, so the other layers share the rest of the budget
 * equally and end somewhat sparser than s_f, where the code (its first layer unmasked) prunes the others to
 * exactly s_f and ends less sparse overall. A separate cap for the final layer has no key here (the classifier is
 * left dense unless {@code prune_classifier: true}).
 */
public final class Gmp implements PruningStrategy {
    public static final String NAME = "gmp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "gradual magnitude pruning during training on Zhu & Gupta's cubic schedule";
    }

    /** Every layer to the same sparsity, each by its own threshold, as both papers and their code prune. */
    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of("start", 0.1, "end", 0.75, "every", 100, "score", "global_magnitude");
    }

    @Override
    public void validate(StrategyOptions o) {
        double start = o.getDouble("start");
        double end = o.getDouble("end");
        if (!(start >= 0 && start < end && end <= 1)) {
            throw new ConfigException("start and end must satisfy 0 <= start < end <= 1, got " + start + " and " + end);
        }
        if (o.getInt("every") < 1) {
            throw new ConfigException("every must be >= 1, got " + o.getInt("every"));
        }
        if (o.getString("score").equals(NAME) || o.getString("score").equals(Imp.NAME)) {
            throw new ConfigException("score must name a scoring strategy, got '" + o.getString("score") + "'");
        }
    }

    /**
     * Kept prunable weights after optimizer step {@code done} (1-based) of {@code total}: all before the start,
     * {@code keep} from the end on, the cubic schedule at the pruning steps in between, and -1 (no pruning) at
     * the other steps.
     */
    public static long keptAfter(int done, int total, long prunable, long keep, double start, double end, int every) {
        int t0 = (int) Math.floor(start * total);
        int t1 = (int) Math.floor(end * total);
        if (done < t0 || done > t1 || (done - t0) % every != 0 && done != t1) {
            return -1;
        }
        double finalSparsity = 1 - (double) keep / prunable;
        double progress = t1 == t0 ? 1 : Math.min(1, (double) (done - t0) / (t1 - t0));
        double sparsity = finalSparsity * (1 - Math.pow(1 - progress, 3));
        return done == t1 ? keep : Math.max(keep, Math.round(prunable * (1 - sparsity)));
    }

    /**
     * The fraction of the final sparsity reached after optimizer step {@code done} (1-based) of {@code total}, on the
     * cubic schedule of {@link #keptAfter}: 1 - (1 - (t - t_0) / (t_end - t_0))^3 at the pruning steps, 1 at the
     * end point, and -1 (no pruning) at the other steps. Channel pruning turns it into a compression target.
     */
    public static double fractionAfter(int done, int total, double start, double end, int every) {
        int t0 = (int) Math.floor(start * total);
        int t1 = (int) Math.floor(end * total);
        if (done < t0 || done > t1 || (done - t0) % every != 0 && done != t1) {
            return -1;
        }
        double progress = t1 == t0 ? 1 : Math.min(1, (double) (done - t0) / (t1 - t0));
        return done == t1 ? 1 : 1 - Math.pow(1 - progress, 3);
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        throw new IllegalStateException("gmp scores with the strategy named by its 'score' parameter");
    }
}
