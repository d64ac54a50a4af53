package prunebench.run;

/**
 * The record of one finished (or failed) run: one row of {@code runs.csv}, stored as {@code runs/<id>/metrics.json}.
 * Field names are the CSV's column names (snake_case), part of the user contract; new columns go at the end.
 * {@code mask_updates} and {@code connections_changed_mean} count the mask updates of dynamic sparse training (0 and
 * NaN for static strategies); {@code speedup_measured} is the pruned network's inference images/s over the dense
 * one's (see InferenceSpeed); {@code epochs_trained} the epochs trained after pruning (0 for a pruned trained network
 * that was not fine-tuned: see {@link RunOutline}; empty in records written before it existed). {@code level} is the
 * level of an iterative run (imp) the row records, empty for other runs. {@code train_flops} is the multiply-adds
 * spent in training, every stage since the initialisation (dense pretraining included): per example, 3x the nonzero
 * multiply-adds of the network as it trains (forward 1x, backward 2x). {@code val_top1} is the final model's top-1 on
 * the held-out training examples ({@code dataset.validation}; NaN without), and {@code budget} the factor the
 * protocol's epochs were scaled by (1 = the whole protocol). Every metric is the final epoch's, never the best epoch's.
 *
 * <p>{@code compression_actual} is on the experiment's basis ({@code pruning.compression_of}): all trainable
 * parameters over the ones left, or the prunable tensors over their kept entries. Both bases are recorded on every row
 * as {@code compression_all} and {@code compression_prunable} (NaN in records written before they existed). An entry
 * counts as removed when its mask removes it, never because it happens to be 0 (see {@code Complexity}); so do
 * {@code params_nonzero} and {@code flops_nonzero}, despite their names (kept for the column contract).
 *
 * <p>{@code learned_compression} and {@code learned_top1} are a learned method's own result, the numbers its paper
 * reports: the compression (on the experiment's basis) that its own rule leaves at the end of its learning stage
 * (sparse VD: log alpha &lt; 3; L0: open gates; CS: s &gt; 0) and that stage's last test top-1 under the rule, before
 * the grid's prune to {@code compression}. NaN for other methods (and in records written before they existed).
 */
public record RunResult(
        String run_id, String strategy, String strategy_name, double compression, long seed, String status,
        String timing, double compression_actual, double speedup_theoretical, double top1, double top5,
        double top1_pre_finetune, double top5_pre_finetune, long params, long params_nonzero, long flops,
        long flops_nonzero, int layers_collapsed, double prune_seconds, double train_images_per_second,
        double wall_seconds, String model, String dataset, String error, int mask_updates,
        double connections_changed_mean, double speedup_measured, Integer epochs_trained, Integer level,
        double train_flops, double val_top1, double budget, double compression_all,
        double compression_prunable, double learned_compression, double learned_top1) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";

    public static RunResult failed(RunSpec spec, String runId, String error, double wallSeconds) {
        return new RunResult(runId, spec.strategy().label(), spec.strategy().name(), spec.compression(), spec.seed(),
                FAILED, spec.timing().name().toLowerCase(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, wallSeconds, spec.model(),
                spec.dataset().name(), error, 0, Double.NaN, Double.NaN,
                GridPlanner.trainingSchedule(spec).epochs(), null, Double.NaN, Double.NaN, spec.budget(), Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
    }

    /** This result re-labelled as the run {@code spec} (a dense control shared by every strategy of a seed). */
    public RunResult as(RunSpec spec, String runId) {
        return new RunResult(runId, spec.strategy().label(), spec.strategy().name(), compression, seed, status, timing,
                compression_actual, speedup_theoretical, top1, top5, top1_pre_finetune, top5_pre_finetune, params,
                params_nonzero, flops, flops_nonzero, layers_collapsed, prune_seconds, train_images_per_second,
                wall_seconds, model, dataset, error, mask_updates, connections_changed_mean, speedup_measured,
                epochs_trained, level, train_flops, val_top1, budget, compression_all, compression_prunable,
                learned_compression, learned_top1);
    }

    /** This record, measured as it is, but failed for {@code why} (the metrics stay for whoever looks). */
    public RunResult failedFor(String why) {
        return new RunResult(run_id, strategy, strategy_name, compression, seed, FAILED, timing, compression_actual,
                speedup_theoretical, top1, top5, top1_pre_finetune, top5_pre_finetune, params, params_nonzero, flops,
                flops_nonzero, layers_collapsed, prune_seconds, train_images_per_second, wall_seconds, model, dataset,
                why, mask_updates, connections_changed_mean, speedup_measured, epochs_trained, level, train_flops,
                val_top1, budget, compression_all, compression_prunable, learned_compression, learned_top1);
    }

    public boolean ok() {
        return OK.equals(status);
    }
}
