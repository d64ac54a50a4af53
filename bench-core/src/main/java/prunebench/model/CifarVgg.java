package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * VGG with BatchNorm in the common CIFAR form (kuangliu/pytorch-cifar and the many pruning papers that use it):
 * the VGG configuration's conv3x3 (padding 1, with bias as torchvision's vgg*_bn) - BN - ReLU layers and 2x2 max
 * pools, then flatten and a single Linear(512, numClasses). The ImageNet head (two 4096-unit layers, dropout) is
 * left out: after five pools a 32x32 input is 512x1x1. Other input sizes give 512*(H/32)*(W/32) classifier inputs.
 * Weights use PyTorch's default initialisation, as that code does. On 3x32x32 inputs with 10 classes VGG-16 has
 * 14,728,266 parameters and 313,201,664 multiply-adds.
 *
 * <p>The nested classes are the registered depths (11, 16, 19) and two published VGG-16 variants that differ from
 * this one in ways that move accuracies by tenths of a point and change what structured pruning removes:
 * <ul>
 *   <li>{@code vgg16-lottery}: the VGG-16-BN of Synaptic-Flow's {@code Models/lottery_vgg.py} (from OpenLTH's
 *       {@code cifar_vgg}, Tanaka et al. 2020): the same layers, but the last 2x2 pool averages
 *       ({@code nn.AvgPool2d(2)} after the convolutions) instead of taking the maximum, and weights are
 *       {@code kaiming_normal_} (fan in) with zero biases;</li>
 *   <li>{@code vgg16-li}: the VGG-16 of Li et al. 2017 as rethinking-network-pruning's
 *       {@code cifar/l1-norm-pruning/models/vgg.py} has it: convolutions without bias, the last pool averaging,
 *       and a classifier Linear(512, 512) - BatchNorm1d - ReLU - Linear(512, classes) (the paper's Table 2:
 *       "linear 512"); convolution weights N(0, 2 / (k*k*out_channels)), Linear weights N(0, 0.01^2), zero
 *       biases, the convolutions' BatchNorm gammas 0.5. 14,987,722 parameters, 313,463,808 multiply-adds on
 *       CIFAR-10 (the paper: 1.5e7 and 3.13e8).</li>
 * </ul>
 */
public class CifarVgg implements ModelFactory {
    /** Marks a 2x2 max pool in a configuration. */
    private static final int POOL = 0;

    /**
     * How a VGG differs between codebases.
     *
     * @param suffix     appended to {@code vgg<depth>} in the model name
     * @param convBias   convolutions have a bias
     * @param avgPoolLast the last 2x2 pool averages
     * @param hiddenFc   a Linear(512, 512) - BatchNorm1d - ReLU before the classifier
     * @param init       how weights are drawn
     * @param convGamma  initial gamma of the convolutions' BatchNorm (PyTorch: 1)
     */
    record Variant(String suffix, boolean convBias, boolean avgPoolLast, boolean hiddenFc, WeightInit init,
            float convGamma) {
        static final Variant COMMON = new Variant("", true, false, false, WeightInit.PYTORCH_DEFAULT, 1f);
        static final Variant LOTTERY = new Variant("-lottery", true, true, false, WeightInit.KAIMING_NORMAL_ZERO_BIAS,
                1f);
        static final Variant LI = new Variant("-li", false, true, true, WeightInit.LI2017, 0.5f);
    }

    private final int depth;
    private final List<Integer> config;
    private final Variant variant;

    public CifarVgg(int depth) {
        this(depth, Variant.COMMON);
    }

    CifarVgg(int depth, Variant variant) {
        this.variant = variant;
        this.depth = depth;
        this.config = switch (depth) {
            case 11 -> List.of(64, POOL, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL);
            case 13 -> List.of(64, 64, POOL, 128, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL);
            case 16 -> List.of(64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL, 512, 512, 512, POOL,
                    512, 512, 512, POOL);
            case 19 -> List.of(64, 64, POOL, 128, 128, POOL, 256, 256, 256, 256, POOL, 512, 512, 512, 512, POOL,
                    512, 512, 512, 512, POOL);
            default -> throw new IllegalArgumentException("VGG depth must be 11, 13, 16 or 19, got " + depth);
        };
    }

    @Override
    public String name() {
        return "vgg" + depth + variant.suffix();
    }

    @Override
    public String description() {
        if (variant == Variant.LOTTERY) {
            return "VGG-" + depth + "-BN of Synaptic-Flow/OpenLTH (average pool last, Kaiming normal init)";
        }
        if (variant == Variant.LI) {
            return "VGG-" + depth + " of Li et al. 2017 (no conv bias, 512-unit hidden Linear with BatchNorm)";
        }
        return "VGG-" + depth + " with BatchNorm for CIFAR (single Linear classifier)";
    }

    /**
     * As kuangliu's {@code vgg.py} (and torchvision's {@code vgg*_bn} features): {@code features.<i>} where i counts
     * every Conv, BatchNorm, ReLU and MaxPool from 0, and {@code classifier}.
     */
    @Override
    public String torchModule(LayerPath layer) {
        return layer.name().equals("fc") ? "classifier" : "features." + (layer.positions().get(0) - 1);
    }

    @Override
    public WeightInit weightInit() {
        return variant.init();
    }

    @Override
    public void finishInit(Network network) {
        if (variant.convGamma() == 1f) {
            return;
        }
        network.allParameters().forEach((name, p) -> {
            if (name.matches("\\d*bn\\d+_\\d+_gamma")) {
                p.getArray().set(filled(p.getArray().size(), variant.convGamma()));
            }
        });
    }

    private static float[] filled(long n, float v) {
        float[] out = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Override
    public Shape designedInput() {
        return new Shape(3, 32, 32);
    }

    /** Every 2x2 pooling halves the image (rounding down), and the last one must leave at least 1x1. */
    @Override
    public int minInputSide() {
        return 1 << config.stream().filter(w -> w == POOL).count();
    }

    @Override
    public java.util.OptionalLong multiplyAdds(Shape input, int numClasses) {
        long in = input.get(0);
        long h = input.get(1);
        long w = input.get(2);
        long macs = 0;
        for (int width : config) {
            if (width == POOL) {
                h /= 2;
                w /= 2;
            } else {
                macs += 9 * width * in * h * w;
                in = width;
            }
        }
        long features = in * h * w;
        if (variant.hiddenFc()) {
            macs += features * 512;
            features = 512;
        }
        return java.util.OptionalLong.of(macs + features * numClasses);
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        NamedSequentialBlock net = new NamedSequentialBlock();
        // Layers are named as in the VGG paper: conv<block>_<index within block>.
        int block = 1;
        int index = 1;
        int pools = (int) config.stream().filter(w -> w == POOL).count();
        for (int width : config) {
            if (width == POOL) {
                boolean last = block == pools;
                net.add("pool" + block, last && variant.avgPoolLast()
                        ? Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2))
                        : Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                block++;
                index = 1;
                continue;
            }
            String suffix = block + "_" + index++;
            net.add("conv" + suffix, Layers.conv2d()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(width)
                            .optBias(variant.convBias())
                            .build())
                    .add("bn" + suffix, BatchNorm.builder().build())
                    .add("relu" + suffix, Activation.reluBlock());
        }
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        net.add("flatten", Blocks.batchFlattenBlock());
        if (variant.hiddenFc()) {
            net.add("fc1", Layers.linear().setUnits(512).build())
                    .add("bn_fc1", BatchNorm.builder().build())
                    .add("relu_fc1", Activation.reluBlock());
        }
        net.add("fc", classifier);
        return new Architecture(net, classifier);
    }

    public static final class Vgg11 extends CifarVgg {
        public Vgg11() {
            super(11);
        }
    }

    public static final class Vgg16 extends CifarVgg {
        public Vgg16() {
            super(16);
        }
    }

    /** Synaptic-Flow's (OpenLTH's) VGG-16-BN, as used by Tanaka et al. 2020. */
    public static final class Vgg16Lottery extends CifarVgg {
        public Vgg16Lottery() {
            super(16, Variant.LOTTERY);
        }
    }

    /** Li et al. 2017's VGG-16 (rethinking-network-pruning's l1-norm-pruning code). */
    public static final class Vgg16Li extends CifarVgg {
        public Vgg16Li() {
            super(16, Variant.LI);
        }
    }

    public static final class Vgg19 extends CifarVgg {
        public Vgg19() {
            super(19);
        }
    }
}
