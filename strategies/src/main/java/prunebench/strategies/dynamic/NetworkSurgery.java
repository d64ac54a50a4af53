package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.prune.Control;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.MaskUpdateStats;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;
import prunebench.util.Seeds;

/**
 * Dynamic network surgery (Guo, Yao &amp; Chen 2016), as the {@code CConvolution}/{@code CInnerProduct} layers of
 * yiwenguo/Dynamic-Network-Surgery compute it: from the dense pretrained model, each layer keeps a mask T; the
 * forward pass uses W * T, the gradient of W * T updates every weight W, pruned or not (so a pruned weight can come
 * back), and the masks are recomputed with two thresholds per layer: an active weight with |w| &lt;= 0.9 t is pruned,
 * an inactive one with |w| &gt; 1.1 t is spliced back ({@code CCMaskCalc}), t = max(mu + c * sigma, 0), mu and
 * sigma the mean and standard deviation of the layer's |w| at the first iteration (kept fixed). A mask update is
 * considered every {@code every} steps and made with probability (1 + gamma * iter)^-power ({@code gamma} 1e-4 and
 * {@code power} 1, the README's example) until {@code end_fraction} of the stage (the reference stops at an absolute
 * {@code iter_stop}, 14,000 in its example); the masks are then fixed.
 *
 * <p>c ({@code c_rate}) is set per layer by hand in the reference (3 by default, 4 in its example); here one c for all
 * layers is solved (unless {@code c_rate} gives it) so that the first mask keeps the run's compression; the surgery
 * then moves the count, and {@code compression_actual} reports where it ends. Weight decay acts on W, as Caffe's solver does:
 * the optimizer sees W * T, so the decay of the pruned entries is added to their gradient before its step; the
 * reference's thresholds also pool a layer's bias with its
 * weights, here each prunable tensor has its own (biases are not pruned unless {@code prune_biases}).
 */
public final class NetworkSurgery implements PruningStrategy, DynamicSparsity {
    static final double PRUNE_BELOW = 0.9;
    static final double SPLICE_ABOVE = 1.1;

    @Override
    public String name() {
        return "network_surgery";
    }

    @Override
    public String description() {
        return "dynamic network surgery: dense weight updates, masks pruned below 0.9 t and spliced above 1.1 t";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("c_rate", "auto");
        d.put("layer_c_rate", Map.of());
        d.put("gamma", 1e-4);
        d.put("power", 1.0);
        d.put("every", 1);
        d.put("end_fraction", 0.75);
        return d;
    }

    @Override
    public void validate(StrategyOptions o) {
        cRate(o); // throws unless 'auto' or a finite number
        layerCRates(o);
        if (!(o.getDouble("gamma") >= 0) || !(o.getDouble("power") >= 0)) {
            throw new ConfigException("gamma and power must be >= 0, got " + o.getDouble("gamma") + " and "
                    + o.getDouble("power"));
        }
        if (o.getInt("every") < 1) {
            throw new ConfigException("every must be >= 1, got " + o.getInt("every"));
        }
        double end = o.getDouble("end_fraction");
        if (!(end > 0 && end <= 1)) {
            throw new ConfigException("end_fraction must be in (0, 1], got " + end);
        }
        if (Control.of(o) != Control.NONE) {
            throw new ConfigException("network_surgery finds its masks while training: control does not apply");
        }
        if (o.has("iterations") && o.getInt("iterations") != 1) {
            throw new ConfigException("network_surgery prunes while training: iterations does not apply");
        }
    }

    @Override
    public boolean prunesFromDense() {
        return true;
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        throw new IllegalStateException("network_surgery finds its masks while training, it has no prune stage");
    }

    /**
     * The given c, or NaN for 'auto'. The option's default is the string 'auto', so the reader hands a number over as
     * its text ("4"): it is parsed here (an earlier version accepted only a Number and so refused every number).
     */
    static double cRate(StrategyOptions o) {
        Object c = o.raw("c_rate");
        if ("auto".equals(c)) {
            return Double.NaN;
        }
        try {
            double v = c instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(c).trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ConfigException("c_rate must be 'auto' or a number, got '" + c + "'");
    }

    /**
     * The per-layer c of {@code layer_c_rate} ({@code {fc1: 4.75, fc2: 3.6}}; a layer as layers.csv names its tensor,
     * with or without {@code .weight}, matched to the targets by {@code LayerDensities.perTarget}), as the reference
     * sets {@code c_rate} in each layer's prototxt. Layers not listed take {@code c_rate}.
     */
    static Map<String, Double> layerCRates(StrategyOptions o) {
        Object raw = o.raw("layer_c_rate");
        Map<String, Double> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new ConfigException("layer_c_rate must map layer names to numbers, e.g. {fc1: 4.5}, got '" + raw
                    + "'");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new ConfigException("layer_c_rate." + e.getKey() + " must be a finite number, got '"
                        + e.getValue() + "'");
            }
            out.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return out;
    }

    /** The probability that the masks are updated at iteration {@code iter}: (1 + gamma * iter)^-power. */
    static double probability(double gamma, double power, int iter) {
        return Math.pow(1 + gamma * iter, -power);
    }

    /** mu and sigma of |w| over the nonzero entries (the reference's CCMomentCalc, population variance). */
    static double[] moments(float[] w) {
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (float x : w) {
            if (x != 0) {
                sum += Math.abs(x);
                squares += (double) x * x;
                n++;
            }
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double mu = sum / n;
        return new double[] {mu, Math.sqrt(Math.max(0, squares / n - mu * mu))};
    }

    /** The next mask: active entries with |w| <= 0.9 t drop, inactive ones with |w| > 1.1 t come back. */
    static float[] surgery(float[] w, float[] mask, double t) {
        float[] out = mask.clone();
        float a = (float) (PRUNE_BELOW * Math.max(t, 0));
        float b = (float) (SPLICE_ABOVE * Math.max(t, 0));
        for (int i = 0; i < w.length; i++) {
            float m = Math.abs(w[i]);
            if (mask[i] > 0 && m <= a) {
                out[i] = 0;
            } else if (mask[i] == 0 && m > b) {
                out[i] = 1;
            }
        }
        return out;
    }

    /**
     * {@link #surgery} on the arrays, in libtorch (the per-step form: a Java copy of every weight at each update made
     * LeNet-5's surgery three times slower than its dense training): {@code mask} updated in place from {@code w};
     * returns the count spliced back. The thresholds are compared in float32, as the reference's Dtype does.
     */
    static long surgeryInPlace(NDManager scope, NDArray w, NDArray mask, double t) {
        float a = (float) (PRUNE_BELOW * Math.max(t, 0));
        float b = (float) (SPLICE_ABOVE * Math.max(t, 0));
        NDArray magnitude = scope.zeros(new ai.djl.ndarray.types.Shape()).add(w).abs();
        NDArray active = mask.gt(0);
        active.attach(scope);
        NDArray drop = active.logicalAnd(magnitude.lte(a));
        NDArray splice = active.logicalNot().logicalAnd(magnitude.gt(b));
        long spliced = splice.countNonzero().getLong();
        NDArray next = scope.zeros(new ai.djl.ndarray.types.Shape()).add(mask)
                .sub(drop.toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
                .add(splice.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
        prunebench.train.InPlace.assign(mask, next);
        return spliced;
    }

    /**
     * The c that makes the first surgery of all-ones masks keep at most {@code keep} entries: the smallest c (to
     * 1e-6) whose thresholds leave no more than {@code keep} weights with |w| &gt; 0.9 max(mu + c sigma, 0).
     */
    static double solveC(List<float[]> weights, List<double[]> moments, long keep) {
        double[] free = new double[weights.size()];
        java.util.Arrays.fill(free, Double.NaN);
        return solveC(weights, moments, free, keep);
    }

    /** As {@link #solveC(List, List, long)}, with the layers whose {@code fixed} c is not NaN held at it. */
    static double solveC(List<float[]> weights, List<double[]> moments, double[] fixed, long keep) {
        double lo = -100;
        double hi = 100;
        if (kept(weights, moments, fixed, hi) > keep) {
            return hi;
        }
        for (int k = 0; k < 100 && hi - lo > 1e-6; k++) {
            double mid = (lo + hi) / 2;
            if (kept(weights, moments, fixed, mid) > keep) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static long kept(List<float[]> weights, List<double[]> moments, double[] fixed, double c) {
        long n = 0;
        for (int l = 0; l < weights.size(); l++) {
            double cl = Double.isNaN(fixed[l]) ? c : fixed[l];
            double a = PRUNE_BELOW * Math.max(moments.get(l)[0] + cl * moments.get(l)[1], 0);
            for (float x : weights.get(l)) {
                n += Math.abs(x) > a ? 1 : 0;
            }
        }
        return n;
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        validate(context.options());
        return new Surgeon(context);
    }

    /**
     * Keeps the dense weights W and the masks T beside the network, whose weights are W * T at rest. The trainer's
     * masks stay all ones until the stage's last step (so that its optimizer step reaches the pruned weights); then
     * they become T, which the run records.
     */
    static final class Surgeon implements MaskUpdater {
        private final DynamicContext context;
        private final double gamma;
        private final double power;
        private final int every;
        private final double endFraction;
        private final List<NDArray> dense = new ArrayList<>();
        private final List<NDArray> masks = new ArrayList<>();
        private double[] thresholds;
        private NDArray savedThresholds;
        private int updates;
        private long changed;

        Surgeon(DynamicContext context) {
            this.context = context;
            StrategyOptions o = context.options();
            gamma = o.getDouble("gamma");
            power = o.getDouble("power");
            every = o.getInt("every");
            endFraction = o.getDouble("end_fraction");
            List<float[]> weights = new ArrayList<>();
            List<double[]> moments = new ArrayList<>();
            for (PruningTarget t : context.targets()) {
                float[] w = t.array().toFloatArray();
                weights.add(w);
                moments.add(moments(w));
            }
            double given = cRate(o);
            Map<String, Double> perLayer = layerCRates(o);
            // the reference's per-layer c_rate; layers not named take c_rate (NaN here)
            double[] fixed = prunebench.prune.LayerDensities.perTarget("layer_c_rate", perLayer, context.targets(),
                    context.torchName(), "this network", false);
            double c = !Double.isNaN(given) ? given
                    : solveC(weights, moments, fixed, context.keep() >= 0 ? context.keep()
                            : weights.stream().mapToLong(w -> w.length).sum());
            thresholds = new double[weights.size()];
            for (int l = 0; l < weights.size(); l++) {
                double cl = Double.isNaN(fixed[l]) ? c : fixed[l];
                thresholds[l] = Math.max(0, moments.get(l)[0] + cl * moments.get(l)[1]);
                PruningTarget t = context.targets().get(l);
                NDArray w = t.array().duplicate();
                w.detach();
                dense.add(w);
                float[] ones = new float[weights.get(l).length];
                java.util.Arrays.fill(ones, 1f);
                // iteration 0 always updates (probability 1), before the first forward pass
                NDArray m = manager().create(surgery(weights.get(l), ones, thresholds[l]), t.array().getShape());
                m.detach();
                masks.add(m);
                t.array().muli(m);
            }
        }

        private NDManager manager() {
            return context.targets().get(0).array().getManager();
        }

        double[] thresholds() {
            return thresholds.clone();
        }

        /** The current mask of target {@code l}. */
        float[] mask(int l) {
            return masks.get(l).toFloatArray();
        }

        /**
         * Caffe's solver decays every weight W, pruned or not (d = g + wd * W for the whole blob); the optimizer here
         * sees W * T, zero at the pruned entries, so the decay those entries miss is added to their gradient: with
         * it the momentum and the update match the reference's. Without it a pruned weight only grows with its
         * gradient (no pull back to 0), and more of them cross the splice threshold: LeNet-300-100 ended at 19x
         * instead of the paper's 56x.
         */
        @Override
        public void beforeOptimizerStep(int epoch, int step, int globalStep, int totalSteps) {
            double wd = context.optimizer() == null ? 0 : context.optimizer().weightDecay();
            if (wd == 0) {
                return;
            }
            try (NDManager scope = manager().newSubManager()) {
                for (int l = 0; l < dense.size(); l++) {
                    NDArray off = masks.get(l).neg().addi(1);
                    off.attach(scope);
                    NDArray decay = dense.get(l).mul(off).muli(wd);
                    decay.attach(scope);
                    try (NDArray g = context.targets().get(l).array().getGradient()) {
                        g.addi(decay);
                    }
                }
            }
        }

        @Override
        public void afterStep(int epoch, int step, int globalStep, int totalSteps) {
            int done = globalStep + 1;
            boolean considered = done < (int) Math.floor(endFraction * totalSteps) && done % every == 0;
            boolean update = considered && new Random(Seeds.derive(context.seed(), "network_surgery/" + done))
                    .nextDouble() < probability(gamma, power, done);
            try (NDManager scope = manager().newSubManager()) {
                for (int l = 0; l < dense.size(); l++) {
                    NDArray w = context.targets().get(l).array(); // W * T - lr * d: the step reached every weight
                    NDArray t = masks.get(l);
                    NDArray off = t.neg().addi(1);
                    off.attach(scope);
                    dense.get(l).muli(off).addi(w); // W_new = (W * T - lr * d) + W * (1 - T)
                    if (update) {
                        changed += surgeryInPlace(scope, dense.get(l), t, thresholds[l]);
                    }
                    NDArray masked = dense.get(l).mul(t);
                    masked.attach(scope);
                    w.muli(0).addi(masked);
                }
            }
            if (update) {
                updates++;
            }
            if (done == totalSteps) { // the run's masks become T
                for (int l = 0; l < masks.size(); l++) {
                    context.masks().get(context.targets().get(l).name()).set(masks.get(l).toFloatArray());
                }
                context.masks().apply();
            }
        }

        @Override
        public MaskUpdateStats stats() {
            return new MaskUpdateStats(updates, changed);
        }

        @Override
        public Map<String, NDArray> state() {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (int l = 0; l < dense.size(); l++) {
                String name = context.targets().get(l).name();
                out.put("dense/" + name, dense.get(l));
                out.put("mask/" + name, masks.get(l));
            }
            if (savedThresholds != null) {
                savedThresholds.close();
            }
            savedThresholds = manager().create(thresholds);
            savedThresholds.detach();
            out.put("thresholds", savedThresholds);
            return out;
        }

        @Override
        public void loadState(Map<String, NDArray> state) {
            thresholds = state.get("thresholds").toDoubleArray();
            for (int l = 0; l < dense.size(); l++) {
                PruningTarget t = context.targets().get(l);
                dense.get(l).set(state.get("dense/" + t.name()).toFloatArray());
                masks.get(l).set(state.get("mask/" + t.name()).toFloatArray());
                NDArray masked = dense.get(l).mul(masks.get(l));
                t.array().muli(0).addi(masked);
                masked.close();
            }
        }
    }
}
