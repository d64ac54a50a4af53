package prunebench.config;

import java.util.List;
import java.util.Map;

/**
 * One experiment file, typed and validated. Field names mirror the YAML keys (snake_case in YAML).
 * Everything here is the user contract: researchers' scripts read these keys.
 * {@code report} is the optional {@code report:} section kept raw (never null; empty when absent); the report
 * module validates it. {@code saveWeights}: whether each run writes {@code weights.npz} (default true).
 * {@code budget}: the factor every epoch count is scaled by (1 = the whole protocol). {@code download}
 * ({@code dataset.download}): fetch the dataset from where it is published when it is not found, without asking; not
 * a setting of a run.
 */
public record ExperimentSpec(
        String name,
        String model,
        DatasetSpec dataset,
        List<Long> seeds,
        DeviceChoice device,
        int threads,
        Integer workers,
        TrainSchedule pretrain,
        TrainSchedule finetune,
        PruningSpec pruning,
        Map<String, Object> report,
        boolean saveWeights,
        double budget,
        boolean download) {

    public enum DeviceChoice { AUTO, CPU, GPU }

    /**
     * Upper bounds of {@code threads} and {@code workers} (and {@code --workers}), the same on every machine so that
     * a file valid on a login node is valid on the compute nodes: beyond them a process or the machine stalls
     * creating threads or JVMs rather than computing.
     */
    public static final int MAX_THREADS = 256;
    public static final int MAX_WORKERS = 256;

    public ExperimentSpec {
        report = report == null ? Map.of() : report;
        if (!(budget > 0 && budget <= 1)) {
            throw new IllegalArgumentException("budget must be in (0, 1], got " + budget);
        }
    }

    /** Not downloading the data (the shape before {@code dataset.download} was added). */
    public ExperimentSpec(
            String name, String model, DatasetSpec dataset, List<Long> seeds, DeviceChoice device, int threads,
            Integer workers, TrainSchedule pretrain, TrainSchedule finetune, PruningSpec pruning,
            Map<String, Object> report, boolean saveWeights, double budget) {
        this(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning, report, saveWeights,
                budget, false);
    }

    /** The whole protocol (budget 1; the shape before {@code budget} was added). */
    public ExperimentSpec(
            String name, String model, DatasetSpec dataset, List<Long> seeds, DeviceChoice device, int threads,
            Integer workers, TrainSchedule pretrain, TrainSchedule finetune, PruningSpec pruning,
            Map<String, Object> report, boolean saveWeights) {
        this(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning, report, saveWeights,
                1.0);
    }

    /**
     * This experiment narrowed to one run (one seed, compression and strategy, and the init scale the run applies),
     * without what does not determine a result: the dataset's location, the worker count and the report section.
     * The budget stays: it scales the epochs, so a run of {@code --budget 0.1} loaded again is that run.
     */
    public ExperimentSpec forRun(long seed, double compression, StrategySpec strategy,
            prunebench.prune.InitScale initScale) {
        return new ExperimentSpec(name, model, dataset.withoutRoot(), List.of(seed), device, threads, null, pretrain,
                finetune, pruning.forRun(compression, strategy, initScale), Map.of(), saveWeights, budget);
    }

    /** Saving weights (the shape before {@code save_weights} was added). */
    public ExperimentSpec(
            String name, String model, DatasetSpec dataset, List<Long> seeds, DeviceChoice device, int threads,
            Integer workers, TrainSchedule pretrain, TrainSchedule finetune, PruningSpec pruning,
            Map<String, Object> report) {
        this(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning, report, true);
    }

    /** Without a report section (the shape before {@code report} was added). */
    public ExperimentSpec(
            String name, String model, DatasetSpec dataset, List<Long> seeds, DeviceChoice device, int threads,
            Integer workers, TrainSchedule pretrain, TrainSchedule finetune, PruningSpec pruning) {
        this(name, model, dataset, seeds, device, threads, workers, pretrain, finetune, pruning, Map.of());
    }

    /** The same experiment on {@code other} (e.g. with the data's fingerprint filled in). */
    public ExperimentSpec withDataset(DatasetSpec other) {
        return new ExperimentSpec(name, model, other, seeds, device, threads, workers, pretrain, finetune, pruning,
                report, saveWeights, budget, download);
    }
}
