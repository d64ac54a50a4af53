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
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.data.BatchLoader;
import prunebench.model.LayerOutputs;
import prunebench.model.LayerProduct;
import prunebench.model.PrunableLayer;
import prunebench.prune.PruningContext;

/**
 * Runs the network over the first {@code images} images of the seed's order, batch by batch, each in its own
 * scope, and hands the consumers' rows of every batch to a callback: for a convolution {@code positions} output
 * positions per image, drawn once per layer and image from {@code random} (so two samplers with equally seeded
 * generators see the same positions), for a Linear layer one row per image.
 */
final class PatchSampler {
    private final PruningContext context;
    private final List<PrunableLayer> layers;
    private final int images;
    private final int positions;
    private final long seed;

    PatchSampler(PruningContext context, List<PrunableLayer> layers, int images, int positions, Random random) {
        this.context = context;
        this.layers = layers;
        this.images = images;
        this.positions = positions;
        this.seed = random.nextLong();
    }

    interface Batch {
        void accept(NDManager scope, List<SampledRows> rows);
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
                List<SampledRows> rows = new ArrayList<>();
                for (int i = 0; i < layers.size(); i++) {
                    rows.add(store.patches[i] == null ? new SampledRows(new float[0], 0, 0)
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

    private SampledRows sample(NDArray patches, Random random) {
        Shape s = patches.getShape();
        int b = Math.toIntExact(s.get(0));
        int d = Math.toIntExact(s.get(1));
        float[] v = patches.toType(DataType.FLOAT32, false).toFloatArray();
        if (s.dimension() == 2) {
            return new SampledRows(v, b, d);
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
        return new SampledRows(out, b * positions, d);
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
