package prunebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR ResNet of He et al. (2016), section 4.2, with depth 6n+2: conv3x3(16)-BN-ReLU, three stages of n
 * {@link BasicBlock}s with 16, 32 and 64 channels (stride 2 at the first block of stages 2 and 3), global average
 * pooling and a Linear classifier. Shortcuts are option A (parameter-free), as in akamaster's
 * pytorch_resnet_cifar10, which is also why weights are Kaiming-normal. On 3x32x32 inputs with 10 classes:
 * ResNet-20 has 269,722 parameters and 40,551,040 multiply-adds, ResNet-56 853,018 and 125,485,696.
 * (Counts of 272,474 and 855,770 seen elsewhere are option B: 1x1-conv-BN projections add 2,752 parameters.)
 *
 * <p>The nested classes are the registered depths; other depths can be built with {@link #CifarResNet(int)}.
 */
public class CifarResNet implements ModelFactory {
    private static final int STAGES = 3;
    private static final int BASE_WIDTH = 16;

    private final int depth;

    public CifarResNet(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2 with n >= 1, got " + depth);
        }
        this.depth = depth;
    }

    /** Basic blocks per stage. */
    public int blocksPerStage() {
        return (depth - 2) / 6;
    }

    @Override
    public String name() {
        return "resnet" + depth;
    }

    @Override
    public String description() {
        return "ResNet-" + depth + " for CIFAR (He et al. 2016, option-A shortcuts)";
    }

    @Override
    public Shape designedInput() {
        return new Shape(3, 32, 32);
    }

    /** Stem, then per stage n blocks of two 3x3 convolutions (the first of stages 2 and 3 with stride 2), then fc. */
    @Override
    public java.util.OptionalLong multiplyAdds(Shape input, int numClasses) {
        long h = input.get(1);
        long w = input.get(2);
        long macs = 9L * BASE_WIDTH * input.get(0) * h * w;
        long in = BASE_WIDTH;
        for (int stage = 0; stage < STAGES; stage++) {
            long width = (long) BASE_WIDTH << stage;
            if (stage > 0) {
                h = (h + 1) / 2; // 3x3, padding 1, stride 2
                w = (w + 1) / 2;
            }
            for (int b = 0; b < blocksPerStage(); b++) {
                macs += 9 * width * (b == 0 ? in : width) * h * w + 9 * width * width * h * w;
            }
            in = width;
        }
        return java.util.OptionalLong.of(macs + in * numClasses);
    }

    @Override
    public WeightInit weightInit() {
        return WeightInit.KAIMING_NORMAL;
    }

    /**
     * As akamaster's {@code resnet.py}: {@code conv1}, {@code bn1}, {@code layer<stage>.<block>.conv1|bn1|conv2|bn2},
     * {@code linear} (option-A shortcuts have no parameters).
     */
    @Override
    public String torchModule(LayerPath layer) {
        List<String> parts = new ArrayList<>();
        for (String name : layer.names()) {
            parts.add(switch (name) {
                case "conv" -> "conv1";
                case "bn" -> "bn1";
                case "fc" -> "linear";
                default -> name.startsWith("stage") ? "layer" + name.substring(5)
                        : name.startsWith("block") ? name.substring(5) : name;
            });
        }
        return String.join(".", parts);
    }

    @Override
    public Architecture build(Shape inputShape, int numClasses) {
        Linear classifier = Layers.linear().setUnits(numClasses).build();
        NamedSequentialBlock net = new NamedSequentialBlock()
                .add("conv", BasicBlock.conv3x3(BASE_WIDTH, 1))
                .add("bn", BatchNorm.builder().build())
                .add("relu", Activation.reluBlock());
        int inPlanes = BASE_WIDTH;
        for (int s = 0; s < STAGES; s++) {
            int planes = BASE_WIDTH << s;
            NamedSequentialBlock stage = new NamedSequentialBlock();
            for (int b = 0; b < blocksPerStage(); b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                stage.add("block" + b, new BasicBlock(inPlanes, planes, stride));
                inPlanes = planes;
            }
            net.add("stage" + (s + 1), stage);
        }
        net.add("pool", Pool.globalAvgPool2dBlock()).add("fc", classifier);
        return new Architecture(net, classifier);
    }

    public static final class ResNet20 extends CifarResNet {
        public ResNet20() {
            super(20);
        }
    }

    public static final class ResNet32 extends CifarResNet {
        public ResNet32() {
            super(32);
        }
    }

    public static final class ResNet56 extends CifarResNet {
        public ResNet56() {
            super(56);
        }
    }

    public static final class ResNet110 extends CifarResNet {
        public ResNet110() {
            super(110);
        }
    }
}
