package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.train.EpochRecord;

/**
 * Sparse momentum, SNFS (Dettmers &amp; Zettlemoyer 2019, "Sparse Networks from Scratch"), as
 * TimDettmers/sparse_learning runs it by default: a random sparse start with the same density in every layer
 * ({@code sparse_init='constant'}: distribution {@code uniform}), then at the end of every epoch but the last
 * ({@code at_end_of_epoch}) a {@link MomentumRedistribution}: magnitude prune at the current rate, regrowth
 * redistributed across layers by their mean |momentum| and grown where |momentum| is largest. The rate decays by
 * cosine from {@code drop_fraction} (the code's {@code prune_rate}, 0.5) to 0.005 over the whole training
 * ({@code CosineDecay} stepped every batch, {@code eta_min=0.005}).
 *
 * <p>The momentum is the optimizer's: SGD's momentum buffer, or Adam's m / (sqrt(v) + 1e-8) as
 * {@code get_momentum_for_weight}; it needs SGD with momentum or Adam. As in the reference, regrown connections start
 * at zero but keep their momentum (masked weights keep receiving gradients there, so it is what chose them).
 *
 * <p>{@code update_interval: N} updates every N steps instead (RigL's schedule, until {@code end_fraction}); the
 * paper's and code's default is {@code epoch}. Where this differs from the code: see {@link MomentumRedistribution}
 * (exact counts instead of the smoothed growth adjustment). With {@code dense_first_layer: true} the first layer
 * stays dense and out of the redistribution (see {@link ReallocatingUpdater}).
 */
public final class SparseMomentum extends SparseStart {
    static final String EPOCH = "epoch";
    /** The reference's CosineDecay floor. */
    static final double MIN_RATE = 0.005;

    @Override
    public String name() {
        return "snfs";
    }

    @Override
    public String description() {
        return "sparse momentum: random sparse init, drop lowest |w|, regrow by momentum, redistributed across layers";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        return Map.of(DropSchedule.DROP_FRACTION, 0.5, DropSchedule.UPDATE_INTERVAL, EPOCH,
                DropSchedule.END_FRACTION, 1.0);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public void validate(StrategyOptions o) {
        double f0 = o.getDouble(DropSchedule.DROP_FRACTION);
        if (!(f0 > 0 && f0 < 1)) {
            throw new ConfigException(DropSchedule.DROP_FRACTION + " must be in (0, 1), got " + f0);
        }
        double end = o.getDouble(DropSchedule.END_FRACTION);
        if (!(end > 0 && end <= 1)) {
            throw new ConfigException(DropSchedule.END_FRACTION + " must be in (0, 1], got " + end);
        }
        interval(o);
    }

    /** Steps between updates, or 0 for the end of every epoch. */
    static int interval(StrategyOptions o) {
        Object v = o.raw(DropSchedule.UPDATE_INTERVAL);
        if (EPOCH.equals(v)) {
            return 0;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 1) {
            return n.intValue();
        }
        throw new ConfigException(DropSchedule.UPDATE_INTERVAL + " must be 'epoch' or a number of steps >= 1, got '"
                + v + "'");
    }

    /** The prune rate after {@code done} of {@code total} steps: cosine from f0 down to 0.005. */
    static double rate(double f0, int done, int total) {
        double min = Math.min(MIN_RATE, f0);
        return min + (f0 - min) * (1 + Math.cos(Math.PI * Math.min(done, total) / total)) / 2;
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        validate(context.options());
        return new Updater(context);
    }

    private static final class Updater extends ReallocatingUpdater {
        private final double f0;
        private final int interval;
        private final double endFraction;
        private int total = -1;
        private int done;

        Updater(DynamicContext context) {
            super(context, false);
            this.f0 = context.options().getDouble(DropSchedule.DROP_FRACTION);
            this.interval = interval(context.options());
            this.endFraction = context.options().getDouble(DropSchedule.END_FRACTION);
        }

        private boolean active() {
            return done < (int) Math.floor(endFraction * total);
        }

        @Override
        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
            total = totalSteps;
            done = globalStep + 1;
            if (interval > 0 && done % interval == 0 && active()) {
                rewire(done);
            }
        }

        @Override
        public void afterEpoch(EpochRecord record) {
            if (interval == 0 && total > 0 && active()) { // every epoch but the last, as at_end_of_epoch
                rewire(done);
            }
        }

        @Override
        Reallocation.Rewired compute(List<PruningTarget> targets, List<float[]> weights, List<float[]> masks,
                int step) {
            Map<String, NDArray> state = context.optimizer().state();
            List<float[]> momentum = new ArrayList<>();
            List<int[]> ties = new ArrayList<>();
            for (PruningTarget t : targets) {
                momentum.add(momentum(state, t.name()));
                ties.add(tieOrder("snfs/ties", t, step));
            }
            return MomentumRedistribution.update(weights, masks, momentum, rate(f0, step, total), ties);
        }

        private static float[] momentum(Map<String, NDArray> state, String name) {
            NDArray sgd = state.get("momentum/" + name);
            if (sgd != null) {
                return sgd.toFloatArray();
            }
            NDArray m = state.get("adam_m/" + name);
            NDArray v = state.get("adam_v/" + name);
            if (m != null && v != null) {
                float[] a = m.toFloatArray();
                float[] b = v.toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (a[i] / (Math.sqrt(b[i]) + 1e-8));
                }
                return a;
            }
            throw new IllegalStateException("snfs grows where the momentum is largest: train with sgd with momentum > 0 "
                    + "or with adam (no momentum for " + name + ")");
        }
    }
}
