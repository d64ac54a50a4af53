package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.config.ConfigException;
import prunebench.data.BatchLoader;
import prunebench.model.ChannelGroup;
import prunebench.model.LayerOutputs;
import prunebench.model.LayerProduct;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.PruningContext;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.StructuredStrategy;

/**
 * He, Zhang and Sun (2017), "Channel Pruning for Accelerating Very Deep Neural Networks" (authors' code:
 * yihui-he/channel-pruning, {@code lib/decompose.py: dictionary}, {@code lib/net.py: R3}). The channels of a layer
 * are the input channels of the layers that read them (its consumers); with Z_i the contribution of input channel i
 * to a consumer's output (its patches times the consumer's filters for that channel) and Y the output (bias
 * removed), the LASSO {@code min (1/2m) ||Y - sum_i beta_i Z_i||^2 + alpha ||beta||_1} ({@link Lasso}) is solved for
 * increasing alpha; the channels kept are those whose beta survives the largest alpha (the code's search: raise
 * alpha until ||beta||_0 <= c'). Then every consumer's weights and bias are set to the least-squares fit of its
 * original output from the kept channels of the pruned network ({@link NormalEquations}), layer after layer in
 * network order, each fit seeing the inputs the earlier reconstructions produce (the code's sequential form: the
 * target from the original network, the inputs from the pruned one).
 *
 * <p>Samples: {@code samples} training images (the paper's 5000), {@code positions} random output positions each
 * for a convolution (10; one row per image for a Linear layer) for the least squares; the LASSO, as in the code, on
 * {@code lasso_rows} rows (400: here the first 400 images, one random position each). The path: {@code alphas}
 * values (100) from the alpha that zeroes every beta down to {@code alpha_ratio} (1e-4) times it.
 *
 * <p>What is simplified: the channel choice of every layer is made in one pass on the network before the round
 * (the paper chooses layer by layer, each LASSO on the already pruned predecessors' features); the count kept per
 * layer comes from the run's budget and distribution (default the same fraction per layer, as {@code l1_filter};
 * the paper hand-sets c' per layer, 2x-4x for VGG-16); the path ranks channels once, so with a path that is not
 * monotone (a channel leaving and re-entering) the top c' can differ from the support at the alpha with exactly c'
 * nonzero; the LASSO has no intercept (the code's scikit-learn Lasso fits one) and beta is not positive-constrained
 * (neither is the code's). The paper's alternation of the two steps (the code's {@code dic.alter}, off by default)
 * is not done: one LASSO, then one least squares, as the paper's "in practice" and the code's default.
 */
public final class ChannelPruning implements StructuredStrategy {
    static final String SAMPLES = "samples";
    static final String POSITIONS = "positions";
    static final String LASSO_ROWS = "lasso_rows";
    static final String ALPHAS = "alphas";
    static final String ALPHA_RATIO = "alpha_ratio";
    static final String RECONSTRUCT = "reconstruct";
    static final String RIDGE = "ridge";

    @Override
    public String name() {
        return "channel_pruning";
    }

    @Override
    public String description() {
        return "input channels of each layer chosen by LASSO on its output, then its weights refit by least squares "
                + "(He et al. 2017)";
    }

    @Override
    public Distribution defaultDistribution() {
        return Distribution.UNIFORM;
    }

    @Override
    public Map<String, Object> parameterDefaults() {
        Map<String, Object> d = new LinkedHashMap<>(STRUCTURED_DEFAULTS);
        d.put(SAMPLES, 5000);
        d.put(POSITIONS, 10);
        d.put(LASSO_ROWS, 400);
        d.put(ALPHAS, 100);
        d.put(ALPHA_RATIO, 1e-4);
        d.put(RECONSTRUCT, true);
        d.put(RIDGE, 1e-6);
        return Map.copyOf(d);
    }

    @Override
    public void validate(StrategyOptions options) {
        StructuredStrategy.super.validate(options);
        for (String key : List.of(SAMPLES, POSITIONS, LASSO_ROWS)) {
            if (options.getInt(key) < 1) {
                throw new ConfigException(key + " must be >= 1, got " + options.getInt(key));
            }
        }
        if (options.getInt(ALPHAS) < 2) {
            throw new ConfigException(ALPHAS + " must be >= 2 (the path's values of alpha), got "
                    + options.getInt(ALPHAS));
        }
        double ratio = options.getDouble(ALPHA_RATIO);
        if (!(ratio > 0 && ratio < 1)) {
            throw new ConfigException(ALPHA_RATIO + " must be in (0, 1) (smallest alpha over largest), got " + ratio);
        }
        double ridge = options.getDouble(RIDGE);
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new ConfigException(RIDGE + " must be >= 0, got " + ridge);
        }
        options.getBoolean(RECONSTRUCT);
    }

    @Override
    public void checkNetwork(Network network, List<ChannelGroup> groups) {
        for (ChannelGroup g : groups) {
            for (ChannelGroup.Consumer c : g.consumers()) {
                if (c.layer().weightShape().get(1) != (long) g.channels() * c.factor()) {
                    throw new ConfigException("channel_pruning: " + c.layer().name() + " reads more than the "
                            + "channels of " + g.name() + " (grouped convolution or concatenation): not supported");
                }
            }
        }
    }

    @Override
    public Map<String, float[]> channelScores(PruningContext context, List<ChannelGroup> groups) {
        StrategyOptions o = context.options();
        List<PrunableLayer> consumers = consumers(context.network(), groups);
        Sampler sampler = new Sampler(context, consumers, o.getInt(LASSO_ROWS), 1, context.random("lasso"));
        int groupCount = groups.size();
        double[][][] gram = new double[groupCount][][];
        double[][] xty = new double[groupCount][];
        double[] m = new double[groupCount];
        for (int g = 0; g < groupCount; g++) {
            int c = groups.get(g).channels();
            gram[g] = new double[c][c];
            xty[g] = new double[c];
        }
        sampler.run(null, (scope, rows) -> {
            for (int g = 0; g < groupCount; g++) {
                ChannelGroup group = groups.get(g);
                for (ChannelGroup.Consumer c : group.consumers()) {
                    Rows r = rows.get(consumers.indexOf(c.layer()));
                    m[g] += contributions(scope, r, c.layer().weight().getArray(), group.channels(), gram[g],
                            xty[g]);
                }
            }
        });
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int g = 0; g < groupCount; g++) {
            double[] s = Lasso.pathScores(gram[g], xty[g], m[g], o.getInt(ALPHAS), o.getDouble(ALPHA_RATIO));
            float[] f = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                f[i] = (float) s[i];
            }
            out.put(groups.get(g).name(), f);
        }
        return out;
    }

    /**
     * Adds one batch of rows to the LASSO's Gram form for one consumer: Z_i = P_i W_i^T (rows x outputs) for every
     * input channel i, where P_i are the rows' patch entries of channel i ({@code k} per channel) and W_i the
     * consumer's weights on them; gram[i][j] += sum Z_i Z_j, xty[i] += sum Z_i Y with Y = sum_i Z_i the consumer's
     * output without bias. Returns the entries added (rows x outputs), the LASSO's m.
     */
    static double contributions(NDManager manager, Rows rows, NDArray weight, int channels, double[][] gram,
            double[] xty) {
        if (rows.count() == 0) {
            return 0;
        }
        int n = Math.toIntExact(weight.getShape().get(0));
        int k = rows.width() / channels;
        try (NDManager scope = manager.newSubManager()) {
            NDArray p = scope.create(rows.values(), new Shape(rows.count(), channels, k)).toType(DataType.FLOAT64,
                    false);
            NDArray w = weight.toType(DataType.FLOAT64, true).reshape(n, channels, k);
            w.attach(scope);
            // (channels, rows, k) x (channels, k, n): each channel's contribution to every output
            NDArray z = p.transpose(1, 0, 2).batchMatMul(w.transpose(1, 2, 0)).reshape(channels,
                    (long) rows.count() * n);
            NDArray y = z.sum(new int[] {0}).reshape(-1, 1);
            double[] g = z.matMul(z.transpose()).toDoubleArray();
            double[] c = z.matMul(y).toDoubleArray();
            for (int i = 0; i < channels; i++) {
                for (int j = 0; j < channels; j++) {
                    gram[i][j] += g[i * channels + j];
                }
                xty[i] += c[i];
            }
        }
        return (double) rows.count() * n;
    }

    @Override
    public void afterSelection(PruningContext context, List<ChannelGroup> groups, MaskSet masks) {
        StrategyOptions o = context.options();
        if (!o.getBoolean(RECONSTRUCT)) {
            return;
        }
        List<PrunableLayer> consumers = consumers(context.network(), groups);
        long seed = context.random("reconstruction").nextLong();
        // The targets: every consumer's output (with bias) on the sample, from the network before this round.
        List<List<double[]>> targets = new ArrayList<>();
        consumers.forEach(c -> targets.add(new ArrayList<>()));
        new Sampler(context, consumers, o.getInt(SAMPLES), o.getInt(POSITIONS), new Random(seed)).run(null,
                (scope, rows) -> {
                    for (int i = 0; i < consumers.size(); i++) {
                        targets.get(i).add(outputs(rows.get(i), consumers.get(i)));
                    }
                });
        masks.apply();
        for (int i = 0; i < consumers.size(); i++) {
            PrunableLayer layer = consumers.get(i);
            boolean[] kept = keptInputs(masks, layer);
            int cols = 0;
            for (boolean k : kept) {
                cols += k ? 1 : 0;
            }
            int n = Math.toIntExact(layer.weightShape().get(0));
            NormalEquations normal = new NormalEquations(cols, n, layer.bias() != null);
            List<double[]> target = targets.get(i);
            int[] batch = {0};
            int colCount = cols;
            // the same images and positions as the targets', through the network as reconstructed so far
            new Sampler(context, consumers, o.getInt(SAMPLES), o.getInt(POSITIONS), new Random(seed)).run(layer,
                    (scope, rows) -> {
                        Rows r = rows.get(consumers.indexOf(layer));
                        normal.add(scope, r.columns(kept, colCount), target.get(batch[0]++), r.count());
                    });
            double[] solution = normal.solve(context.manager(), o.getDouble(RIDGE));
            if (solution != null) {
                write(layer, kept, solution, n);
                masks.apply();
            }
        }
    }

    /** The consumer's output at the rows: patches times the weight, plus the bias, (rows x outputs) row-major. */
    private static double[] outputs(Rows rows, PrunableLayer layer) {
        float[] w = layer.weight().getArray().toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = layer.bias() == null ? null
                : layer.bias().getArray().toType(DataType.FLOAT32, false).toFloatArray();
        int n = Math.toIntExact(layer.weightShape().get(0));
        int d = rows.width();
        double[] out = new double[rows.count() * n];
        for (int r = 0; r < rows.count(); r++) {
            for (int o = 0; o < n; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < d; i++) {
                    s += (double) rows.values()[r * d + i] * w[o * d + i];
                }
                out[r * n + o] = s;
            }
        }
        return out;
    }

    /** Inputs (fan-in entries) of {@code layer} that its mask keeps for some output: the kept channels' columns. */
    static boolean[] keptInputs(MaskSet masks, PrunableLayer layer) {
        int n = Math.toIntExact(layer.weightShape().get(0));
        int d = Math.toIntExact(layer.fanIn());
        boolean[] kept = new boolean[d];
        NDArray mask = masks.get(layer.name());
        if (mask == null) {
            java.util.Arrays.fill(kept, true);
            return kept;
        }
        float[] m = mask.toType(DataType.FLOAT32, false).toFloatArray();
        for (int o = 0; o < n; o++) {
            for (int i = 0; i < d; i++) {
                kept[i] |= m[o * d + i] > 0;
            }
        }
        return kept;
    }

    /** Sets the kept inputs' weights (and the bias) of {@code layer} from the solution, (kept [+ 1]) x n. */
    private static void write(PrunableLayer layer, boolean[] kept, double[] solution, int n) {
        NDArray weight = layer.weight().getArray();
        float[] w = weight.toType(DataType.FLOAT32, false).toFloatArray();
        int d = kept.length;
        int row = 0;
        for (int i = 0; i < d; i++) {
            if (kept[i]) {
                for (int o = 0; o < n; o++) {
                    w[o * d + i] = (float) solution[row * n + o];
                }
                row++;
            }
        }
        weight.set(w);
        if (layer.bias() != null) {
            float[] b = new float[n];
            for (int o = 0; o < n; o++) {
                b[o] = (float) solution[row * n + o];
            }
            layer.bias().getArray().set(b);
        }
    }

    /** The layers reading the groups' channels, in the network's layer order, each once. */
    static List<PrunableLayer> consumers(Network network, List<ChannelGroup> groups) {
        List<String> names = new ArrayList<>();
        groups.forEach(g -> g.consumers().forEach(c -> names.add(c.layer().name())));
        List<PrunableLayer> out = new ArrayList<>();
        for (PrunableLayer l : network.layers()) {
            if (names.contains(l.name())) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Rows of one layer's input for one batch: the patch its output position reads (for a Linear layer the input
     * itself), {@code width} = the layer's fan-in entries, in the order of its weight's flattened inputs.
     */
    record Rows(float[] values, int count, int width) {
        /** The rows restricted to the kept columns, row-major (count x cols). */
        float[] columns(boolean[] kept, int cols) {
            float[] out = new float[count * cols];
            for (int r = 0; r < count; r++) {
                int j = 0;
                for (int i = 0; i < width; i++) {
                    if (kept[i]) {
                        out[r * cols + j++] = values[r * width + i];
                    }
                }
            }
            return out;
        }
    }

    /**
     * Runs the network over the first {@code images} images of the seed's order, batch by batch, each in its own
     * scope, and hands the consumers' rows of every batch to a callback: for a convolution {@code positions} output
     * positions per image, drawn once per layer and image from {@code random} (so two samplers with equally seeded
     * generators see the same positions), for a Linear layer one row per image.
     */
    private static final class Sampler {
        private final PruningContext context;
        private final List<PrunableLayer> layers;
        private final int images;
        private final int positions;
        private final long seed;

        Sampler(PruningContext context, List<PrunableLayer> layers, int images, int positions, Random random) {
            this.context = context;
            this.layers = layers;
            this.images = images;
            this.positions = positions;
            this.seed = random.nextLong();
        }

        interface Batch {
            void accept(NDManager scope, List<Rows> rows);
        }

        /** {@code only}: capture this layer alone (the others' rows are empty), or all when null. */
        void run(PrunableLayer only, Batch callback) {
            int size = context.batchSize();
            List<BatchLoader.Batch> batches = context.batches((images + size - 1) / size, size);
            List<Random> draws = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                draws.add(new Random(seed + 7919L * i));
            }
            int done = 0;
            for (BatchLoader.Batch batch : batches) {
                if (done >= images) {
                    break;
                }
                try (NDManager scope = context.manager().newSubManager()) {
                    NDArray x = batch.images();
                    int take = (int) Math.min(x.getShape().get(0), images - done);
                    NDArray input = x.get(new NDIndex("0:" + take));
                    input.attach(scope);
                    Map<Parameter, Integer> wanted = new IdentityHashMap<>();
                    for (int i = 0; i < layers.size(); i++) {
                        if (only == null || layers.get(i) == only) {
                            wanted.put(layers.get(i).weight(), i);
                        }
                    }
                    PatchStore store = new PatchStore(scope, wanted, layers.size());
                    context.network().block().forward(store, new NDList(input), false);
                    List<Rows> rows = new ArrayList<>();
                    for (int i = 0; i < layers.size(); i++) {
                        rows.add(store.patches[i] == null ? new Rows(new float[0], 0, 0)
                                : sample(store.patches[i], draws.get(i)));
                    }
                    callback.accept(scope, rows);
                    done += take;
                }
            }
            batches.forEach(b -> {
                b.images().close();
                b.labels().close();
            });
        }

        private Rows sample(NDArray patches, Random random) {
            Shape s = patches.getShape();
            int b = Math.toIntExact(s.get(0));
            int d = Math.toIntExact(s.get(1));
            float[] v = patches.toType(DataType.FLOAT32, false).toFloatArray();
            if (s.dimension() == 2) {
                return new Rows(v, b, d);
            }
            int h = Math.toIntExact(s.get(2));
            int w = Math.toIntExact(s.get(3));
            float[] out = new float[b * positions * d];
            int r = 0;
            for (int i = 0; i < b; i++) {
                for (int p = 0; p < positions; p++) {
                    int y = random.nextInt(h);
                    int xPos = random.nextInt(w);
                    for (int c = 0; c < d; c++) {
                        out[r * d + c] = v[((i * d + c) * h + y) * w + xPos];
                    }
                    r++;
                }
            }
            return new Rows(out, b * positions, d);
        }
    }

    /**
     * The parameter store of a sampling pass: the network's own weights, and for the wanted layers their input
     * unfolded into patches, by the layer's own product with the identity weight (eye(fan-in) shaped as the weight),
     * so stride, padding and dilation are the layer's: (batch, fan-in, H_out, W_out) for a convolution, the input
     * for a Linear layer.
     */
    private static final class PatchStore extends ParameterStore implements LayerOutputs {
        private final NDManager scope;
        private final Map<Parameter, Integer> wanted;
        final NDArray[] patches;

        PatchStore(NDManager scope, Map<Parameter, Integer> wanted, int layers) {
            super(scope, false);
            this.scope = scope;
            this.wanted = wanted;
            this.patches = new NDArray[layers];
        }

        @Override
        public NDArray output(Parameter weight, NDArray input, NDArray bias, LayerProduct product, boolean training) {
            NDArray value = getValue(weight, input.getDevice(), training);
            Integer i = wanted.get(weight);
            if (i != null) {
                Shape shape = value.getShape();
                long fanIn = shape.size() / shape.get(0);
                NDArray eye = scope.eye(Math.toIntExact(fanIn)).toType(value.getDataType(), false)
                        .toDevice(input.getDevice(), false).reshape(new Shape(fanIn).addAll(shape.slice(1)));
                patches[i] = product.apply(input, eye, null);
            }
            return product.apply(input, value, bias);
        }
    }
}
