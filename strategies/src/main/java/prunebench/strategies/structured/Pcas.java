package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.config.OptimizerSpec;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.LayerOutputs;
import prunebench.model.LayerProduct;
import prunebench.prune.Distribution;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.train.CrossEntropy;
import prunebench.train.GraphScalars;
import prunebench.train.Optimizer;
import prunebench.train.Optimizers;
import prunebench.train.TrainableParameter;

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
 */
public final class Pcas implements StructuredStrategy {
    static final String REDUCTION = "reduction";
    static final String ACTIVATION = "activation";
    static final String ATTENTION_EPOCHS = "attention_epochs";
    static final String ATTENTION_LR = "attention_lr";
    static final String STATISTIC_BATCHES = "statistic_batches";

    /** Makes the attention module of one channel group (the default: PyTorch's Linear initialisation). */
    interface ModuleInit {
        Attention create(ChannelGroup group, int hidden, NDManager manager, Random random);
    }

    private final ModuleInit init;

    public Pcas() {
        this(Pcas::linearInit);
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
            Map<Parameter, Attention> modules = new IdentityHashMap<>();
            for (ChannelGroup g : groups) {
                int hidden = Math.max(1, g.channels() / o.getInt(REDUCTION));
                modules.put(g.producer().weight(), init.create(g, hidden, modulesManager, random));
            }
            train(context, modules, softmax, orderSeed);
            Map<Parameter, double[]> sums = new IdentityHashMap<>();
            long examples = statistics(context, modules, softmax, orderSeed, sums);
            Map<String, float[]> out = new LinkedHashMap<>();
            for (ChannelGroup g : groups) {
                out.put(g.name(), mean(sums.get(g.producer().weight()), examples));
            }
            return out;
        } finally {
            zeroNetworkGradients(context);
        }
    }

    /** Adam on the modules' parameters only, the network fixed and in inference mode. */
    private static void train(PruningContext context, Map<Parameter, Attention> modules, boolean softmax,
            long orderSeed) {
        int epochs = context.options().getInt(ATTENTION_EPOCHS);
        if (epochs == 0) {
            return;
        }
        List<TrainableParameter> params = new ArrayList<>();
        for (Attention m : modules.values()) {
            params.addAll(m.parameters());
        }
        BatchLoader data = context.trainData();
        int size = context.batchSize();
        double lr = context.options().getDouble(ATTENTION_LR);
        try (Optimizer adam = Optimizers.create(new OptimizerSpec("adam", lr, 0, false, 0, 0.9, 0.999, 1e-8),
                params)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = data.order(orderSeed, epoch, true);
                for (int b = 0; b < data.batchesPerEpoch(size); b++) {
                    try (NDManager scope = context.manager().newSubManager()) {
                        BatchLoader.Batch batch = data.batch(scope, order, b, size, null);
                        try (GradientCollector collector = context.manager().getEngine().newGradientCollector()) {
                            NDArray logits = context.network().block().forward(new AttendedStore(scope, modules,
                                    softmax, null), new NDList(batch.images()), false).singletonOrThrow();
                            collector.backward(CrossEntropy.loss(logits, batch.labels()));
                        }
                        adam.step(lr);
                        for (TrainableParameter p : params) {
                            JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
                        }
                    }
                }
            }
        }
    }

    /** Adds every channel's attention over the statistic's examples to {@code sums}; returns the examples. */
    private static long statistics(PruningContext context, Map<Parameter, Attention> modules, boolean softmax,
            long orderSeed, Map<Parameter, double[]> sums) {
        BatchLoader data = context.trainData();
        int size = context.batchSize();
        int batches = context.options().getInt(STATISTIC_BATCHES);
        int available = data.batchesPerEpoch(size);
        int count = batches < 0 ? available : Math.min(batches, available);
        int[] order = data.order(orderSeed, -1, true);
        long examples = 0;
        for (int b = 0; b < count; b++) {
            try (NDManager scope = context.manager().newSubManager()) {
                BatchLoader.Batch batch = data.batch(scope, order, b, size, null);
                examples += batch.labels().getShape().get(0);
                context.network().block().forward(new AttendedStore(scope, modules, softmax, (weight, a) ->
                        add(sums.computeIfAbsent(weight, k -> new double[Math.toIntExact(a.getShape().get(1))]),
                                a.toFloatArray())), new NDList(batch.images()), false);
            }
        }
        return examples;
    }

    /** Adds the rows of {@code attention} (N examples x C channels, row-major) to {@code sums} per channel. */
    static void add(double[] sums, float[] attention) {
        int channels = sums.length;
        for (int i = 0; i < attention.length; i++) {
            sums[i % channels] += attention[i];
        }
    }

    /** The statistic: the attention summed over {@code examples} examples, divided by their number. */
    static float[] mean(double[] sums, long examples) {
        float[] out = new float[sums.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) (sums[c] / examples);
        }
        return out;
    }

    /**
     * The attention of {@code module} on a layer's output {@code y} (N, C, ...): (N, C), every array on
     * {@code scope}. Inside a gradient graph: its one constant (C, softmax form) is one of the scope's.
     */
    static NDArray attention(NDManager scope, NDArray y, Attention module, boolean softmax) {
        NDArray z = y;
        if (y.getShape().dimension() > 2) { // DJL's PyTorch mean takes one axis: the positions flattened into one
            z = y.reshape(new Shape(y.getShape().get(0), y.getShape().get(1), -1)).mean(new int[] {2});
        }
        NDArray u = Activation.relu(Linear.linear(z, module.w1(), module.b1()).singletonOrThrow());
        NDArray v = Linear.linear(u, module.w2(), module.b2()).singletonOrThrow();
        return softmax ? GraphScalars.times(scope, v.softmax(1), y.getShape().get(1)) : Activation.sigmoid(v);
    }

    /** {@code y} times its attention {@code a} (N, C), broadcast over the spatial positions. */
    static NDArray attend(NDArray y, NDArray a) {
        long[] dims = new long[y.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = y.getShape().get(0);
        dims[1] = y.getShape().get(1);
        return y.mul(a.reshape(new Shape(dims)));
    }

    /** PyTorch's {@code nn.Linear} initialisation of both layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    private static Attention linearInit(ChannelGroup group, int hidden, NDManager manager, Random random) {
        int c = group.channels();
        return Attention.of(manager, group.name(), uniform(random, hidden * c, c), uniform(random, hidden, c),
                uniform(random, c * hidden, hidden), uniform(random, c, hidden), c, hidden);
    }

    private static float[] uniform(Random random, int n, int fanIn) {
        double bound = 1 / Math.sqrt(fanIn);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return v;
    }

    private static void zeroNetworkGradients(PruningContext context) {
        context.network().trainableParameters().values()
                .forEach(p -> JniUtils.zeroGrad((PtNDArray) p.getArray()));
    }

    /**
     * One attention module's parameters: W1 (h, C), b1 (h), W2 (C, h), b2 (C), trainable arrays of the scoring's
     * manager.
     */
    record Attention(Parameter w1p, Parameter b1p, Parameter w2p, Parameter b2p) {
        static Attention of(NDManager manager, String name, float[] w1, float[] b1, float[] w2, float[] b2,
                int channels, int hidden) {
            return new Attention(param(manager, name + "/w1", w1, new Shape(hidden, channels)),
                    param(manager, name + "/b1", b1, new Shape(hidden)),
                    param(manager, name + "/w2", w2, new Shape(channels, hidden)),
                    param(manager, name + "/b2", b2, new Shape(channels)));
        }

        private static Parameter param(NDManager manager, String name, float[] values, Shape shape) {
            NDArray array = manager.create(values, shape);
            array.setRequiresGradient(true);
            return Parameter.builder().setName("pcas/" + name).setType(Parameter.Type.OTHER).optRequiresGrad(true)
                    .optArray(array).build();
        }

        NDArray w1() {
            return w1p.getArray();
        }

        NDArray b1() {
            return b1p.getArray();
        }

        NDArray w2() {
            return w2p.getArray();
        }

        NDArray b2() {
            return b2p.getArray();
        }

        List<TrainableParameter> parameters() {
            List<TrainableParameter> out = new ArrayList<>();
            for (Parameter p : List.of(w1p, b1p, w2p, b2p)) {
                out.add(new TrainableParameter(p.getName(), p, false));
            }
            return out;
        }
    }

    /** Sees each attention module's layer's output and passes it on attended; {@code record} sees the attention. */
    private static final class AttendedStore extends ParameterStore implements LayerOutputs {
        private final NDManager scope;
        private final Map<Parameter, Attention> modules;
        private final boolean softmax;
        private final java.util.function.BiConsumer<Parameter, NDArray> record;

        AttendedStore(NDManager scope, Map<Parameter, Attention> modules, boolean softmax,
                java.util.function.BiConsumer<Parameter, NDArray> record) {
            super(scope, false);
            this.scope = scope;
            this.modules = modules;
            this.softmax = softmax;
            this.record = record;
        }

        @Override
        public NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product,
                boolean training) {
            NDArray y = product.apply(input, getValue(weight, input.getDevice(), training), bias);
            Attention module = modules.get(weight);
            if (module == null) {
                return y;
            }
            NDArray a = attention(scope, y, module, softmax);
            if (record != null) {
                record.accept(weight, a);
            }
            return attend(y, a);
        }
    }
}
