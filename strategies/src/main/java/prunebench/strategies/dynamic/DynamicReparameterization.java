package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * Dynamic sparse reparameterization, DSR (Mostafa &amp; Wang 2019, "Parameter efficient training of deep
 * convolutional neural networks by dynamic sparse reparameterization"), as IntelAI/dynamic-reparameterization runs
 * its dynamic sparse experiments ({@code --rewire --threshold-prune --rewire-scaling --sub-kernel-granularity 4}): a
 * random sparse start with the same density in every layer ({@code --initial-sparsity-conv}: distribution
 * {@code uniform}), then every {@code update_interval} steps (100, the first rewire period of its schedules) until
 * {@code end_fraction} of training (0.95: {@code --stop-rewire-epoch 190} of 200) a {@link ThresholdReallocation}
 * with the global adaptive threshold H (starting at {@code threshold}, the code's 1e-3) driven towards Np = {@code
 * prune_fraction} of the active weights per reallocation within {@code tolerance} (the code's +-10%).
 *
 * <p>Regrown connections start at zero ({@code reinitialize_unused_to_zero}) with their optimizer state reset: in the
 * reference a masked weight gets no gradient ({@code mask * s_tensor}), so its momentum has decayed; here masks zero
 * the weights but gradients stay dense, and resetting is the nearest equivalent. The threshold is kept in every
 * checkpoint, so a resumed run continues with the same H.
 *
 * <p>Where paper and code differ, and this follows the code: the code takes Np as an absolute count per experiment
 * ({@code --n-prune-params}: 20,000 for WRN-28-2 at 90% sparsity, about 14% of its active weights; 400,000 for
 * ResNet-50 at 80%, about 8%); here it is a fraction of the active weights, so that one value fits every model. The
 * code doubles its rewire period at epochs 25, 80 and 140 of 200; here the period is fixed. Per-tensor counts are
 * rounded by largest remainder (see {@link ThresholdReallocation}). With {@code dense_first_layer: true} the first
 * layer stays dense and out of the reallocation, and Np counts the other layers' active weights (see
 * {@link ReallocatingUpdater}).
 */
public final class DynamicReparameterization extends SparseStart {
    static final String THRESHOLD = "threshold";
    static final String PRUNE_FRACTION = "prune_fraction";
    static final String TOLERANCE = "tolerance";

    @Override
    public String name() {
        return "dsr";
    }

    @Override
    public String description() {
        return "dynamic sparse reparameterization: adaptive global magnitude threshold, regrowth reallocated by "
                + "surviving fraction, random within a layer";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of(THRESHOLD, 0.001, PRUNE_FRACTION, 0.1, TOLERANCE, 0.1, DropSchedule.UPDATE_INTERVAL, 100,
                DropSchedule.END_FRACTION, 0.95);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public void validate(StrategyOptions o) {
        positive(o, THRESHOLD);
        double p = o.getDouble(PRUNE_FRACTION);
        if (!(p > 0 && p < 1)) {
            throw new ConfigException(PRUNE_FRACTION + " must be in (0, 1), got " + p);
        }
        double tol = o.getDouble(TOLERANCE);
        if (!(tol >= 0 && tol < 1)) {
            throw new ConfigException(TOLERANCE + " must be in [0, 1), got " + tol);
        }
        if (o.getInt(DropSchedule.UPDATE_INTERVAL) < 1) {
            throw new ConfigException(DropSchedule.UPDATE_INTERVAL + " must be >= 1, got "
                    + o.getInt(DropSchedule.UPDATE_INTERVAL));
        }
        double end = o.getDouble(DropSchedule.END_FRACTION);
        if (!(end > 0 && end <= 1)) {
            throw new ConfigException(DropSchedule.END_FRACTION + " must be in (0, 1], got " + end);
        }
    }

    private static void positive(StrategyOptions o, String key) {
        double v = o.getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigException(key + " must be a positive number, got " + v);
        }
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        validate(context.options());
        return new Updater(context);
    }

    /** The updater; package-private for tests of its threshold. */
    static final class Updater extends ReallocatingUpdater {
        private final int interval;
        private final double endFraction;
        private final double target;
        private final double tolerance;
        private double threshold;
        private NDArray saved;

        Updater(DynamicContext context) {
            super(context, true);
            StrategyOptions o = context.options();
            this.interval = o.getInt(DropSchedule.UPDATE_INTERVAL);
            this.endFraction = o.getDouble(DropSchedule.END_FRACTION);
            this.tolerance = o.getDouble(TOLERANCE);
            this.threshold = o.getDouble(THRESHOLD);
            // the count stays constant; a layer kept dense is not among the weights H prunes
            this.target = o.getDouble(PRUNE_FRACTION) * rewiredActive();
        }

        double threshold() {
            return threshold;
        }

        /** Np, the weights H should remove per reallocation. */
        double target() {
            return target;
        }

        @Override
        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
            int done = globalStep + 1;
            if (new DropSchedule(0, interval, (int) Math.floor(endFraction * totalSteps)).updatesAt(done)) {
                rewire(done);
            }
        }

        @Override
        Reallocation.Rewired compute(List<PruningTarget> targets, List<float[]> weights, List<float[]> masks,
                int step) {
            List<Random> randoms = new ArrayList<>();
            for (PruningTarget t : targets) {
                randoms.add(random("dsr/grow", t, step));
            }
            ThresholdReallocation.Result r = ThresholdReallocation.update(weights, masks, threshold, randoms);
            threshold = ThresholdReallocation.nextThreshold(threshold, r.pruned(), target, tolerance);
            return r.rewired();
        }

        @Override
        public Map<String, NDArray> state() {
            if (saved != null) {
                saved.close();
            }
            saved = context.targets().get(0).array().getManager().create(new double[] {threshold});
            return Map.of("threshold", saved);
        }

        @Override
        public void loadState(Map<String, NDArray> state) {
            NDArray t = state.get("threshold");
            if (t != null) {
                threshold = t.toDoubleArray()[0];
            }
        }
    }
}
