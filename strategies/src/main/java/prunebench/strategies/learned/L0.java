package prunebench.strategies.learned;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import prunebench.config.ConfigException;
import prunebench.model.PrunableLayer;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.LearnedMask;
import prunebench.prune.PruningTarget;
import prunebench.prune.StrategyOptions;

/**
 * L0 regularisation with hard-concrete gates (Louizos, Welling &amp; Kingma 2018). The defaults are the paper's and
 * the reference's ({@code AMLab-Amsterdam/L0_regularization}, {@code train_lenet5.py}, {@code models.py},
 * {@code l0_layers.py}): temperature beta 2/3, stretch limits gamma -0.1 and zeta 1.1, log_alpha initialised for a
 * drop rate of 0.5 (plus N(0, 0.01) noise), lambda 1 per gate scaled by 1/N (the reference's
 * {@code -(1/N) * regularization()}), Adam at lr 1e-3. After the learning stage the gates most likely open
 * (highest log_alpha) are kept, to the run's compression under its distribution, and each kept weight is
 * multiplied by its test-time gate (see {@link HardConcreteGates} for the formulas).
 *
 * <p>{@code groups} says what a gate covers. {@code weights} (the default): one gate per weight, the paper's
 * unstructured form (its Eq. 1-13 with theta the weights). {@code input_neurons}: the paper's Table 1 and the
 * reference's layers, one gate per input neuron of a Linear layer (a column of its (out, in) weight, as
 * {@code L0Dense}, the gate counting the out_features weights it carries) and one per output feature map of a
 * convolution ({@code L0Conv2d}, counting the filter's weights). The gates then mask whole columns or filters; the
 * network is not rebuilt (closed input neurons leave the rows that feed only them in place, which the paper's neuron
 * counts drop). Set {@code prune_classifier: true} to gate the classifier's inputs too, as {@code L0MLP} and
 * {@code L0LeNet5} do.
 *
 * <p>Per-layer values ({@link LayerValues}: a list in forward order or a map by layer name): {@code lambdas}
 * (the reference's {@code lambas}; the paper's "lambda sep." rows) over {@code lambda}, and {@code droprate_inits}
 * over {@code droprate_init} ({@code L0MLP} starts its first layer at 0.2, the others at 0.5). {@code weight_decay}
 * (default 0: none) is the reference layers' {@code weight_decay}, the L2 term that {@code _reg_w} weights by
 * P(z != 0): {@code L0LeNet5} gets {@code train_lenet5.py}'s 5e-4 as is, {@code L0MLP} multiplies its argument by N.
 *
 * <p>Where this differs from the reference: its LeNet scripts start from scratch for 200 epochs; here the gates are
 * trained on the run's starting weights (the pretrained model by default, {@code pretrain.epochs: 0} or
 * {@code at: init} for the initialisation). The reference keeps the gates whose test-time value is above 0 (the
 * paper's Eq. 13); here the prune goes to the run's compression by log_alpha, which is the same set when the
 * compression is the open gates' (log_alpha ranks the gates as P(z != 0) does, and a gate is open at test time when
 * log_alpha &gt; log(-gamma / zeta), the same threshold for every layer). {@code L0MLP} evaluates with an exponential
 * average of the parameters (beta_ema 0.999); here the last step's are used.
 */
public final class L0 implements LearnedMask {
    static final String GROUPS = "groups";
    static final String WEIGHTS = "weights";
    static final String INPUT_NEURONS = "input_neurons";
    static final String LAMBDAS = "lambdas";
    static final String DROPRATE_INITS = "droprate_inits";
    static final String WEIGHT_DECAY = "weight_decay";

    @Override
    public String name() {
        return "l0";
    }

    @Override
    public String description() {
        return "hard-concrete gates per weight (or per input neuron / feature map) with the expected-L0 penalty "
                + "(Louizos et al. 2018)";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(gateDefaults());
        d.put(GROUPS, WEIGHTS);
        return Map.copyOf(d);
    }

    /** The keys of the gates themselves, shared with {@code l0_channels} (whose groups are fixed). */
    static Map<String, Object> gateDefaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.putAll(Map.of("beta", 2.0 / 3.0, "gamma", -0.1, "zeta", 1.1, "lambda", 1.0, "droprate_init", 0.5,
                LEARN_LR, 1e-3, LEARN_EPOCHS, -1));
        d.put(LAMBDAS, List.of());
        d.put(DROPRATE_INITS, List.of());
        d.put(WEIGHT_DECAY, 0.0);
        return d;
    }

    @Override
    public void validate(StrategyOptions o) {
        validateGates(o);
        String g = o.getString(GROUPS);
        if (!Set.of(WEIGHTS, INPUT_NEURONS).contains(g)) {
            throw new ConfigException(GROUPS + " must be '" + WEIGHTS + "' (a gate per weight) or '" + INPUT_NEURONS
                    + "' (per input neuron of a Linear layer, per output feature map of a convolution), got '" + g
                    + "'");
        }
    }

    /** Checks the keys of {@link #gateDefaults()}. */
    static void validateGates(StrategyOptions o) {
        LearnedMask.validateLearning(o);
        if (!(o.getDouble("beta") > 0)) {
            throw new ConfigException("beta must be positive, got " + o.raw("beta"));
        }
        if (!(o.getDouble("gamma") < 0) || !(o.getDouble("zeta") > 1)) {
            throw new ConfigException("the stretch limits need gamma < 0 and zeta > 1, got " + o.raw("gamma")
                    + " and " + o.raw("zeta"));
        }
        if (!(o.getDouble("lambda") >= 0)) {
            throw new ConfigException("lambda must be non-negative, got " + o.raw("lambda"));
        }
        double d = o.getDouble("droprate_init");
        if (!(d > 0 && d < 1)) {
            throw new ConfigException("droprate_init must be in (0, 1), got " + o.raw("droprate_init"));
        }
        LayerValues.validate(o, LAMBDAS, v -> v >= 0, ">= 0");
        LayerValues.validate(o, DROPRATE_INITS, v -> v > 0 && v < 1, "in (0, 1)");
        if (!(o.getDouble(WEIGHT_DECAY) >= 0)) {
            throw new ConfigException(WEIGHT_DECAY + " must be non-negative, got " + o.raw(WEIGHT_DECAY));
        }
    }

    @Override
    public Gates gates(GateContext c) {
        Map<String, Shape> shapes = INPUT_NEURONS.equals(c.options().getString(GROUPS)) ? inputNeuronGates(c)
                : WeightGates.perWeight(c);
        return gates(c, shapes);
    }

    /** Hard-concrete gates of {@code shapes} with {@code c}'s options, per-layer values resolved. */
    static HardConcreteGates gates(GateContext c, Map<String, Shape> shapes) {
        StrategyOptions o = c.options();
        Map<String, Double> lambdas = LayerValues.of(c.network(), o, LAMBDAS, o.getDouble("lambda"));
        Map<String, Double> droprates = LayerValues.of(c.network(), o, DROPRATE_INITS,
                o.getDouble("droprate_init"));
        return new HardConcreteGates(c, o.getDouble("beta"), o.getDouble("gamma"), o.getDouble("zeta"), lambdas,
                droprates, o.getDouble(WEIGHT_DECAY), shapes);
    }

    /**
     * The reference's groups: (1, in) for a Linear weight (one gate per input neuron, a column), (C_out, 1, ..., 1)
     * for a convolution's (one per output feature map).
     */
    static Map<String, Shape> inputNeuronGates(GateContext c) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (PruningTarget t : c.targets()) {
            if (t.isBias()) {
                continue;
            }
            Shape w = t.array().getShape();
            long[] dims = new long[w.dimension()];
            java.util.Arrays.fill(dims, 1);
            if (t.layer().kind() == PrunableLayer.Kind.LINEAR) {
                dims[1] = w.get(1);
            } else {
                dims[0] = w.get(0);
            }
            out.put(t.name(), new Shape(dims));
        }
        return out;
    }
}
