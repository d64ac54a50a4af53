package prunebench.strategies.structured;

import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.model.PrunableLayer;
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
 * Soft filter pruning, SFP (He et al. 2018), as he-y/soft-filter-pruning's {@code pruning_cifar10_resnet.py} runs
 * it (its {@code Mask} class, {@code scripts/cifar10_resnet.sh}): before training and at the end of every epoch
 * ({@code epoch_prune 1}, the last included), in every convolution the {@code int(n * (1 - rate))} filters of
 * smallest L2 norm are set to zero ({@code get_filter_codebook}, {@code do_mask}), but they stay trainable and may
 * grow back during the next epoch. The layers are the script's {@code --layer_begin 0 --layer_end 54
 * --layer_inter 3} for ResNet-20: every 4-D weight, i.e. the stem and both convolutions of every block; Linear
 * layers (2-D) are never touched, nor biases, BatchNorm parameters or the consumers' inputs. The network reported
 * is the one left after the last epoch's zeroing ({@code val_acc_2}), with no retraining: here the run's masks
 * become those zeroed filters (single weights), {@code compression_actual} and the theoretical speedup count
 * them, and the network is measured as it is ({@code speedup_measured} ~1: a zeroed channel still outputs its
 * BatchNorm beta or bias, so removing it would change the outputs).
 *
 * <p>Parameters: {@code rate}, the reference's {@code --rate} (the fraction of filters each layer keeps, e.g. 0.7;
 * the grid's compression is then not used and {@code compression_actual} reports the result), or {@code auto}
 * (default): the smallest fraction, the same in every layer, that meets the run's compression (prunable entries
 * kept, as for weight pruning) or with {@code target: speedup} its multiply-adds; {@code min_channels} and
 * {@code dense_first_layer} apply. {@code layers: conv} (default, the reference's) or {@code channels} (the
 * channel groups structured pruning can remove: of a ResNet block only conv1, and hidden Linear units).
 * {@code finish: zeroed} (default, the reference's) or {@code removed}: the form this strategy had before it
 * followed the reference, kept for runs that rely on it ({@code layers: channels} needed): the last selection is
 * removed with its bias, BatchNorm channel and consumers' inputs and the network rebuilt smaller (a real
 * {@code speedup_measured}), with {@code scope: global} possible. Prunes from scratch by default ({@code at: init}, as
 * the reference's scripts train 200 epochs with it), or from the pretrained model with {@code at: pretrained}.
 *
 * <p>Where this differs from the code: the reference's CIFAR script reports the accuracy after every epoch and keeps
 * the best ({@code recorder.max_accuracy}); here the last epoch's. The ImageNet script ({@code pruning_train.py})
 * leaves the projection-shortcut convolutions whole ({@code skip_downsample 1}); the CIFAR ResNets here have
 * parameter-free option-A shortcuts, so there are none. The reference counts FLOPs as if a zeroed filter's channel
 * were gone from the next layer's input too ({@code utils/cifar_resnet_flop.py}); the theoretical speedup here counts
 * only the zeroed weights. The zeroing after the last step is not trained after (as
 * there); on LeNet-5 with hidden Linear units in the selection ({@code layers: channels}) it cost 20-25 points in
 * a 4-epoch run whether the channels were then removed or only zeroed (20x seed 1 of the training-time experiment:
 * 82.0% after epoch 3, 59.4% after the removal), where zeroing the convolutions only lost 0.2.
 */
public final class SoftFilter implements StructuredStrategy, DynamicSparsity {
    @Override
    public String name() {
        return "soft_filter";
    }

    @Override
    public String description() {
        return "soft filter pruning (He et al. 2018): every convolution's lowest-L2 filters zeroed every epoch but "
                + "kept trainable, the last epoch's zeroing reported";
    }

    static final String RATE = "rate";
    static final String AUTO = "auto";
    static final String LAYERS = "layers";
    static final String LAYERS_CONV = "conv";
    static final String LAYERS_CHANNELS = "channels";
    static final String FINISH = "finish";
    static final String FINISH_ZEROED = "zeroed";
    static final String FINISH_REMOVED = "removed";

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(RATE, AUTO);
        d.put(LAYERS, LAYERS_CONV);
        d.put(FINISH, FINISH_ZEROED);
        return Map.copyOf(d);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Timing defaultTiming() {
        return Timing.INIT;
    }

    @Override
    public boolean prunesFromDense() {
        return true;
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        if (Control.of(options) != Control.NONE) {
            throw new ConfigException("soft_filter selects its channels while training: control does not apply");
        }
        if (options.has("iterations") && options.getInt("iterations") != 1) {
            throw new ConfigException("soft_filter prunes every epoch: iterations does not apply");
        }
        String layers = options.getString(LAYERS);
        if (!layers.equals(LAYERS_CONV) && !layers.equals(LAYERS_CHANNELS)) {
            throw new ConfigException(LAYERS + " must be '" + LAYERS_CONV + "' (every convolution, the reference's) or '"
                    + LAYERS_CHANNELS + "' (the channels structured pruning can remove), got '" + layers + "'");
        }
        String finish = options.getString(FINISH);
        if (!finish.equals(FINISH_ZEROED) && !finish.equals(FINISH_REMOVED)) {
            throw new ConfigException(FINISH + " must be '" + FINISH_ZEROED + "' (the reference's) or '"
                    + FINISH_REMOVED + "', got '" + finish + "'");
        }
        if (finish.equals(FINISH_REMOVED) && !layers.equals(LAYERS_CHANNELS)) {
            throw new ConfigException(FINISH + ": " + FINISH_REMOVED + " removes whole channels, which only the "
                    + "channel groups allow (a ResNet's stem and block outputs meet the shortcut): add " + LAYERS + ": "
                    + LAYERS_CHANNELS);
        }
        double rate = keptRate(options);
        if (!Double.isNaN(rate) && finish.equals(FINISH_REMOVED)) {
            throw new ConfigException(RATE + " applies to " + FINISH + ": " + FINISH_ZEROED + "; " + FINISH_REMOVED
                    + " meets the run's compression (or layer_fractions)");
        }
        if (finish.equals(FINISH_ZEROED)) {
            if (!LayerFractions.of(options).isEmpty()) {
                throw new ConfigException(LAYER_FRACTIONS + " applies to " + FINISH + ": " + FINISH_REMOVED
                        + "; the reference zeroes the same fraction (rate) in every layer");
            }
            if (options.has("scope") && options.getString("scope").equals("global")
                    || options.has("distribution") && options.getString("distribution").equalsIgnoreCase("global")) {
                throw new ConfigException("scope global applies to " + FINISH + ": " + FINISH_REMOVED
                        + "; the reference zeroes the same fraction in every layer");
            }
        }
    }

    /**
     * The {@code rate} given (the fraction of filters each layer keeps), or NaN for {@code auto}. The experiment
     * reader keeps a value whose default is a word as text, so a number may arrive as "0.7".
     */
    static double keptRate(StrategyOptions options) {
        Object raw = options.raw(RATE);
        if (AUTO.equals(raw)) {
            return Double.NaN;
        }
        double rate;
        try {
            rate = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            rate = Double.NaN;
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new ConfigException(RATE + " is the fraction of filters each layer keeps, in (0, 1], or '" + AUTO
                    + "' (from the run's compression), got '" + raw + "'");
        }
        return rate;
    }

    /** The L2 norm of every filter (row of the producer's weight). */
    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            out.put(g.name(), norms(g.producer().weight().getArray().toType(DataType.FLOAT32, false).toFloatArray(),
                    g.channels()));
        }
        return out;
    }

    static float[] norms(float[] w, int filters) {
        int size = w.length / filters;
        float[] out = new float[filters];
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int i = f * size; i < (f + 1) * size; i++) {
                s += (double) w[i] * w[i];
            }
            out[f] = (float) Math.sqrt(s);
        }
        return out;
    }

    /** The reference's form zeroes filters only and reports that network: single-weight masks. */
    @Override
    public boolean removesChannels(StrategyOptions options) {
        return options.getString(FINISH).equals(FINISH_REMOVED);
    }

    /** The zeroing form's counts for {@code compression}, found as a run would (or its error), at load time. */
    @Override
    public void checkTarget(prunebench.model.Network network, List<prunebench.prune.PruningTarget> targets,
            StrategyOptions options, double compression, long keep) {
        FilterZeroing.counts(new DynamicContext(network, targets, null, null, 0, options, keep, compression),
                FilterZeroing.layers(network, options.getString(LAYERS)));
    }

    @Override
    public MaskUpdater maskUpdater(DynamicContext context) {
        if (removesChannels(context.options())) {
            return new SoftFilterRemoval(this, context);
        }
        List<PrunableLayer> layers = FilterZeroing.layers(context.network(), context.options().getString(LAYERS));
        return new FilterZeroing(context, layers, FilterZeroing.counts(context, layers));
    }
}
