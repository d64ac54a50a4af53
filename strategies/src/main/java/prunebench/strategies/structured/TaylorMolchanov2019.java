package prunebench.strategies.structured;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.prune.Control;
import prunebench.prune.Distribution;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.Timing;
import prunebench.prune.structured.LayerFractions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * Taylor pruning as Molchanov et al. (2019) ran it, NVlabs/Taylor_pruning ({@code main.py} with
 * {@code pruning_engine.py}, {@code configs/imagenet_resnet50_prune72.json}): channels are pruned while the
 * pretrained network is fine-tuned. After every training batch's optimizer step ({@code do_step}) each channel's
 * criterion (dL/dgate)^2 of that batch is added ({@code add_criteria}, method 22, the gate after the BatchNorm or,
 * without one, after the layer: see {@link Taylor}); every {@code frequency} batches (30; the first time after batch
 * 30, so over 31 batches, then over 30) the sum is averaged over its batches, blended with the previous step's by
 * {@code momentum} ({@code pruning_momentum} 0.9), not normalised per layer ({@code l2_normalization_per_layer:
 * false}), and the {@code per_step} channels (100, {@code prune_per_iteration}) of lowest criterion across all layers
 * are removed ({@code threshold_now = sort(all_criteria)[pruned + per_step - 1]}). Pruning stops when the run's
 * compression (or with {@code target: speedup} its multiply-adds) is met; the fine-tuning goes on to its end. A
 * removed channel loses its filter, bias, BatchNorm channel and consumers' inputs (the reference sets its gate to 0:
 * the same function), so the network is rebuilt smaller at the end.
 *
 * <p>Where this differs from the code: the reference stops after {@code maximum_pruning_iterations} steps of
 * exactly {@code per_step} channels ({@code prune_neurons_max} in all, 3200 for ResNet-50 at 72%); here the last step
 * removes only what the target still needs, and if the fine-tuning ends before the target is met the rest is removed
 * after its last step at once (no training after it). Ties at the threshold are all removed there, here exactly
 * {@code per_step}. After the last pruning step the reference clears SGD momentum for ResNet-20/101 and ImageNet runs
 * ({@code set_moment_zero}) and divides the criteria of ImageNet ResNets' skip-connection gates by their block count;
 * neither is done here (no gate on a residual stream: of a ResNet block only conv1's channels are prunable). The
 * README's command runs with {@code --no_grad_clip=True}, {@code --wd=0.0}, 25 epochs at lr 0.001: those are the
 * experiment's fine-tuning settings here. With {@code normalize: l2} the criterion is divided per layer (the 2017
 * paper's form).
 */
public final class TaylorMolchanov2019 implements StructuredStrategy, DynamicSparsity {
    static final String FREQUENCY = "frequency";
    static final String PER_STEP = "per_step";
    static final String MOMENTUM = "momentum";

    @Override
    public String name() {
        return "taylor_molchanov2019";
    }

    @Override
    public String description() {
        return "Taylor gate criterion (Molchanov et al. 2019) accumulated on training batches while fine-tuning, "
                + "the 100 lowest channels removed every 30 batches until the target";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(FREQUENCY, 30);
        d.put(PER_STEP, 100);
        d.put(MOMENTUM, 0.9);
        d.put(Taylor.NORMALIZE, "none");
        return Map.copyOf(d);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.GLOBAL;
    }

    @Override
    public Timing defaultTiming() {
        return Timing.PRETRAINED;
    }

    @Override
    public boolean prunesFromDense() {
        return true;
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        if (Control.of(options) != Control.NONE) {
            throw new ConfigException(name() + " prunes while fine-tuning: control does not apply");
        }
        if (options.has("iterations") && options.getInt("iterations") != 1) {
            throw new ConfigException(name() + " prunes every " + FREQUENCY + " batches: iterations does not apply");
        }
        if (!LayerFractions.of(options).isEmpty()) {
            throw new ConfigException(name() + " removes channels by one global ranking: layer_fractions does not "
                    + "apply (use taylor)");
        }
        if (options.has("scope") && options.getString("scope").equals("layer")
                || options.has("distribution") && !options.getString("distribution").equalsIgnoreCase("global")) {
            throw new ConfigException(name() + " ranks all channels together (scope global)");
        }
        if (options.getInt(FREQUENCY) < 1) {
            throw new ConfigException(FREQUENCY + " must be >= 1 batch, got " + options.getInt(FREQUENCY));
        }
        if (options.getInt(PER_STEP) < 1) {
            throw new ConfigException(PER_STEP + " must be >= 1 channel, got " + options.getInt(PER_STEP));
        }
        double m = options.getDouble(MOMENTUM);
        if (!(m >= 0 && m < 1)) {
            throw new ConfigException(MOMENTUM + " must be in [0, 1), got " + m);
        }
        String n = options.getString(Taylor.NORMALIZE);
        if (!n.equals("l2") && !n.equals("none")) {
            throw new ConfigException(Taylor.NORMALIZE + " must be 'l2' or 'none', got '" + n + "'");
        }
    }

    /** No one-shot scores: the criterion exists only as accumulated during fine-tuning (one-shot: {@code taylor}). */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        throw new UnsupportedOperationException(name() + " scores channels while fine-tuning; for one-shot scores "
                + "use taylor");
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        return new TaylorDuringFinetune(context);
    }
}
