package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import prunebench.util.Seeds;

/**
 * An initialised model: its block, its trainable parameters by unique name, and its prunable Conv/Linear layers
 * with the geometry needed to count multiply-adds. Weights are drawn in Java from the seed, so the same seed gives
 * the same network on any device.
 */
public final class Network {
    private final String modelName;
    private final Block block;
    private final Shape inputShape;
    private final int numClasses;
    private final Map<String, Parameter> parameters;
    private final List<PrunableLayer> layers;

    private Network(String modelName, Block block, Shape inputShape, int numClasses,
            Map<String, Parameter> parameters, List<PrunableLayer> layers) {
        this.modelName = modelName;
        this.block = block;
        this.inputShape = inputShape;
        this.numClasses = numClasses;
        this.parameters = parameters;
        this.layers = layers;
    }

    /**
     * Builds and initialises a model on {@code manager}'s device.
     *
     * @param inputShape one example's shape, (C, H, W)
     */
    public static Network create(ModelFactory factory, Shape inputShape, int numClasses, NDManager manager, long seed) {
        // Every training, evaluation and scoring path starts here: keep freed tensor memory in the process.
        prunebench.util.NativeMemory.retainFreedMemory();
        Network network = of(factory.name(), factory.build(inputShape, numClasses), inputShape, numClasses, manager);
        Random random = new Random(Seeds.derive(seed, "weights"));
        for (PrunableLayer layer : network.layers) {
            initLayer(layer, factory.weightInit(), random);
        }
        factory.finishInit(network);
        return network;
    }

    /**
     * Initialises {@code arch}'s shapes on {@code manager}'s device without drawing the seed's weights: for a network
     * whose values are copied in afterwards (a structurally pruned network rebuilt smaller).
     */
    public static Network of(String modelName, Architecture arch, Shape inputShape, int numClasses,
            NDManager manager) {
        Block block = arch.block();
        Shape batchOfOne = new Shape(1).addAll(inputShape);
        block.initialize(manager, DataType.FLOAT32, batchOfOne);

        Map<Parameter, String> nameOf = new IdentityHashMap<>();
        Map<String, Parameter> all = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            nameOf.put(p.getValue(), p.getKey());
            all.put(p.getKey(), p.getValue());
        }
        List<PrunableLayer> layers = new ArrayList<>();
        collectLayers(block, arch.classifier(), nameOf, layers);
        return new Network(modelName, block, inputShape, numClasses, all, List.copyOf(layers));
    }

    private static void collectLayers(Block block, Block classifier, Map<Parameter, String> nameOf,
            List<PrunableLayer> out) {
        boolean conv = block instanceof Convolution;
        if (conv || block instanceof Linear) {
            Parameter weight = block.getParameters().get("weight");
            Parameter bias = block.getParameters().contains("bias") ? block.getParameters().get("bias") : null;
            Shape perExample;
            long uses;
            if (conv) {
                Shape[] in = block.describeInput().values().toArray(new Shape[0]);
                perExample = block.getOutputShapes(in)[0].slice(1);
                uses = perExample.slice(1).size(); // each weight is used once per output position
            } else {
                // Linear layers here see (batch, features): each weight is used once per example.
                perExample = new Shape(weight.getArray().getShape().get(0));
                uses = 1;
            }
            out.add(new PrunableLayer(nameOf.get(weight), weight, bias,
                    conv ? PrunableLayer.Kind.CONV : PrunableLayer.Kind.LINEAR, block == classifier, perExample, uses));
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectLayers(child.getValue(), classifier, nameOf, out);
        }
    }

    private static void initLayer(PrunableLayer layer, WeightInit init, Random random) {
        double fanIn = layer.fanIn();
        NDArray w = layer.weight().getArray();
        float[] values = new float[Math.toIntExact(w.size())];
        double bound = 1.0 / Math.sqrt(fanIn);
        // Conv fan out as PyTorch's kaiming fan_out: output channels x kernel size.
        double fanOut = (double) values.length / layer.weightShape().get(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) switch (init) {
                case PYTORCH_DEFAULT -> (random.nextDouble() * 2 - 1) * bound;
                case KAIMING_NORMAL, KAIMING_NORMAL_ZERO_BIAS -> random.nextGaussian() * Math.sqrt(2.0 / fanIn);
                case LI2017 -> random.nextGaussian() * (layer.kind() == PrunableLayer.Kind.CONV
                        ? Math.sqrt(2.0 / fanOut) : 0.01);
                case CAFFE_XAVIER -> (random.nextDouble() * 2 - 1) * Math.sqrt(3.0 / fanIn);
                case LASAGNE_NORMAL -> random.nextGaussian() * 0.01;
                case TF_VARIANCE_SCALING -> truncatedGaussian(random) * Math.sqrt(1.0 / fanIn);
                case TF_XAVIER_NORMAL -> truncatedGaussian(random) * Math.sqrt(1.3 / ((fanIn + fanOut) / 2));
            };
        }
        w.set(values);
        if (layer.bias() != null) {
            NDArray b = layer.bias().getArray();
            float[] bv = new float[Math.toIntExact(b.size())];
            boolean zero = init == WeightInit.KAIMING_NORMAL_ZERO_BIAS || init == WeightInit.LI2017
                    || init == WeightInit.CAFFE_XAVIER || init == WeightInit.LASAGNE_NORMAL
                    || init == WeightInit.TF_XAVIER_NORMAL;
            for (int i = 0; i < bv.length; i++) {
                bv[i] = zero ? 0f : init == WeightInit.TF_VARIANCE_SCALING
                        ? (float) (truncatedGaussian(random) * Math.sqrt(1.0 / bv.length))
                        : (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            b.set(bv);
        }
    }

    /** N(0, 1) drawn again until within two standard deviations, as TensorFlow's truncated_normal. */
    private static double truncatedGaussian(Random random) {
        double x;
        do {
            x = random.nextGaussian();
        } while (Math.abs(x) > 2);
        return x;
    }

    public String modelName() {
        return modelName;
    }

    public Block block() {
        return block;
    }

    /** One example's shape, (C, H, W). */
    public Shape inputShape() {
        return inputShape;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Every parameter by unique name, BatchNorm running statistics included, in block order. */
    public Map<String, Parameter> allParameters() {
        return parameters;
    }

    /** Trainable parameters (PyTorch's {@code parameters()}): BatchNorm running statistics excluded. */
    public Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> {
            if (v.requiresGradient()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The names of every BatchNorm scale (gamma) in block order: what network slimming's penalty acts on. */
    public List<String> batchNormScales() {
        Map<Parameter, String> nameOf = new IdentityHashMap<>();
        parameters.forEach((n, p) -> nameOf.put(p, n));
        List<String> out = new ArrayList<>();
        collectScales(block, nameOf, out);
        return out;
    }

    private static void collectScales(Block block, Map<Parameter, String> nameOf, List<String> out) {
        if (block instanceof ai.djl.nn.norm.BatchNorm) {
            out.add(nameOf.get(block.getParameters().get("gamma")));
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectScales(child.getValue(), nameOf, out);
        }
    }

    /** Conv and Linear layers in forward order. */
    public List<PrunableLayer> layers() {
        return layers;
    }
}
