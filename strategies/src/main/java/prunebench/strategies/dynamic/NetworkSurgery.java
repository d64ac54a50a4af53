package prunebench.strategies.dynamic;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.prune.Control;
import prunebench.prune.DynamicContext;
import prunebench.prune.DynamicSparsity;
import prunebench.prune.MaskUpdater;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.StrategyOptions;

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
 *
 * <p>The pieces: {@link SurgeryThresholds} (t and c), {@link MaskSurgery} (one mask update), {@link SurgerySchedule}
 * (when the masks are updated), {@link Surgeon} (the mask updater that trains W and T) and {@link PrunedWeightDecay}.
 */
public final class NetworkSurgery implements PruningStrategy, DynamicSparsity {
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
        SurgeryThresholds.cRate(o); // throws unless 'auto' or a finite number
        SurgeryThresholds.layerCRates(o);
        SurgerySchedule.validate(o);
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

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        validate(context.options());
        return new Surgeon(context);
    }
}
