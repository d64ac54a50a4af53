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
 * <p>The nested classes are the registered depths (11, 16, 19).
 */
public class CifarVgg implements ModelFactory {
    /** Marks a 2x2 max pool in a configuration. */
    private static final int POOL = 0;

    private final int depth;
    private final List<Integer> config;

    public CifarVgg(int depth) {
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
        return "vgg" + depth;
    }

    @Override
    public String description() {
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
    public Architecture build(Shape inputShape, int numClasses) {
        NamedSequentialBlock net = new NamedSequentialBlock();
        // Layers are named as in the VGG paper: conv<block>_<index within block>.
        int block = 1;
        int index = 1;
        for (int width : config) {
            if (width == POOL) {
                net.add("pool" + block, Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                block++;
                index = 1;
                continue;
            }
            String suffix = block + "_" + index++;
            net.add("conv" + suffix, Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(width)
                            .build())
                    .add("bn" + suffix, BatchNorm.builder().build())
                    .add("relu" + suffix, Activation.reluBlock());
        }
        Linear classifier = Linear.builder().setUnits(numClasses).build();
        net.add("flatten", Blocks.batchFlattenBlock()).add("fc", classifier);
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

    public static final class Vgg19 extends CifarVgg {
        public Vgg19() {
            super(19);
        }
    }
}
