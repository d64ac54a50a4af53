package prunebench.strategies.structured;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.model.ChannelGroup;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * PCAS, Yamamoto &amp; Maeno (2018/2019), "PCAS: Pruning Channels with Attention Statistics for Deep Network
 * Compression" (arXiv:1806.05382): an attention module is put after every layer whose channels may go, trained
 * while the network itself stays fixed, and the mean of each channel's attention over the training data (its
 * attention statistic) ranks the channels; the lowest go, then the network is fine-tuned as usual.
 *
 * <p>The module (Hu et al.'s squeeze-and-excitation form): for the layer's output y (N, C, H, W), or (N, C) for a
 * Linear layer, z = mean of y over its spatial positions, a = act(W2 relu(W1 z + b1) + b2) with W1 (h, C), W2 (C, h),
 * h = max(1, floor(C / reduction)), act the sigmoid ({@code activation: sigmoid}, default) or C times the softmax
 * over channels ({@code softmax}: 1 for every channel when attention is uniform, so that the frozen network sees its
 * own scale); the forward pass goes on with y * a (a per channel and example). The modules start at PyTorch's
 * {@code nn.Linear} initialisation (weights and biases uniform in +-1/sqrt(fan_in)) and are trained with Adam
 * ({@code attention_lr}, 1e-3) on the cross-entropy for {@code attention_epochs} (1) epochs of the training data in
 * a shuffled order at the run's batch size, the network in inference mode (BatchNorm's running statistics) and its
 * weights untouched. The statistic of channel c is the mean of a_c over the examples of {@code statistic_batches}
 * batches (-1, default: one whole pass over the training data). The modules are then dropped: the network that is
 * pruned, fine-tuned and measured is the plain one, rebuilt narrower.
 *
 * <p>How much each layer loses: by default the run's compression as the same fraction of every layer (scope
 * {@code layer}), channels of the lowest statistic first; with {@code scope: global} the statistics of all layers
 * are ranked together (sigmoid attention lies in (0, 1) in every layer; C x softmax is 1 at uniform in every layer),
 * one reading of the paper's single compression ratio for the whole model.
 *
 * <p>No code of the authors' is public (Papers with Code lists none; OKI ships PCAS as a product) and the paper's
 * method section could not be read here, so the module's exact form, where it sits relative to BatchNorm (here on
 * the layer's output, before its BatchNorm, as the module wraps the convolution in NNI's attention pruner), its
 * training and the paper's automatic channel-selection criterion are this implementation's reading, not verified
 * against the paper: see docs/structured-pruning.md.
 *
 * <p>The pieces: {@link AttentionModule} (a module's parameters, initialisation and forward pass),
 * {@link AttendedStore} (the network's forward pass with the modules in it), {@link AttentionTraining} and
 * {@link AttentionStatistics}.
 */
public final class Pcas implements StructuredStrategy {
    static final String REDUCTION = "reduction";
    static final String ACTIVATION = "activation";
    static final String ATTENTION_EPOCHS = "attention_epochs";
    static final String ATTENTION_LR = "attention_lr";
    static final String STATISTIC_BATCHES = "statistic_batches";

    /** Makes the attention module of one channel group (the default: PyTorch's Linear initialisation). */
    interface ModuleInit {
        AttentionModule create(ChannelGroup group, int hidden, NDManager manager, Random random);
    }

    private final ModuleInit init;

    public Pcas() {
        this(AttentionModule::linearInit);
    }

    /** With modules made by {@code init} (tests set them by hand). */
    Pcas(ModuleInit init) {
        this.init = init;
    }

    @Override
    public String name() {
        return "pcas";
    }

    @Override
    public String description() {
        return "channels by the mean of trained squeeze-excitation attention over the training data (Yamamoto & "
                + "Maeno, PCAS), the same fraction per layer";
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(REDUCTION, 16);
        d.put(ACTIVATION, "sigmoid");
        d.put(ATTENTION_EPOCHS, 1);
        d.put(ATTENTION_LR, 1e-3);
        d.put(STATISTIC_BATCHES, -1);
        return Map.copyOf(d);
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        if (options.getInt(REDUCTION) < 1) {
            throw new ConfigException(REDUCTION + " must be >= 1, got " + options.raw(REDUCTION));
        }
        String act = options.getString(ACTIVATION);
        if (!act.equals("sigmoid") && !act.equals("softmax")) {
            throw new ConfigException(ACTIVATION + " must be 'sigmoid' or 'softmax', got '" + act + "'");
        }
        if (options.getInt(ATTENTION_EPOCHS) < 0) {
            throw new ConfigException(ATTENTION_EPOCHS + " must be >= 0, got " + options.raw(ATTENTION_EPOCHS));
        }
        if (!(options.getDouble(ATTENTION_LR) > 0)) {
            throw new ConfigException(ATTENTION_LR + " must be a positive number, got " + options.raw(ATTENTION_LR));
        }
        int batches = options.getInt(STATISTIC_BATCHES);
        if (batches < 1 && batches != -1) {
            throw new ConfigException(STATISTIC_BATCHES + " must be >= 1 or -1 (one pass over the training data), got "
                    + options.raw(STATISTIC_BATCHES));
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        StrategyOptions o = context.options();
        boolean softmax = o.getString(ACTIVATION).equals("softmax");
        Random random = context.random();
        long orderSeed = random.nextLong();
        try (NDManager modulesManager = context.manager().newSubManager()) {
            Map<Parameter, AttentionModule> modules = new IdentityHashMap<>();
            for (ChannelGroup g : groups) {
                int hidden = Math.max(1, g.channels() / o.getInt(REDUCTION));
                modules.put(g.producer().weight(), init.create(g, hidden, modulesManager, random));
            }
            AttentionTraining.train(context, modules, softmax, orderSeed);
            Map<Parameter, double[]> sums = new IdentityHashMap<>();
            long examples = AttentionStatistics.collect(context, modules, softmax, orderSeed, sums);
            Map<String, float[]> out = new LinkedHashMap<>();
            for (ChannelGroup g : groups) {
                out.put(g.name(), AttentionStatistics.mean(sums.get(g.producer().weight()), examples));
            }
            return out;
        } finally {
            zeroNetworkGradients(context);
        }
    }

    private static void zeroNetworkGradients(PruningContext context) {
        context.network().trainableParameters().values()
                .forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
    }
}
