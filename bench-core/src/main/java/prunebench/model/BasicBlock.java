package prunebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The CIFAR ResNet basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3x3 convolutions without
 * bias. The shortcut is the identity, or {@link OptionAShortcut} where stride or width changes. The inner width
 * (conv1's filters) is {@code planes} unless structured pruning narrowed it: it never meets the residual addition.
 */
final class BasicBlock extends AbstractBlock {
    // Package-private for the channel analysis and the rebuild of a narrowed network.
    final int inPlanes;
    final int planes;
    final int stride;
    final Block conv1;
    final Block bn1;
    final Block conv2;
    final Block bn2;
    /** Null for the identity. */
    final Block shortcut;

    BasicBlock(int inPlanes, int planes, int stride) {
        this(inPlanes, planes, planes, stride);
    }

    BasicBlock(int inPlanes, int midPlanes, int planes, int stride) {
        this(inPlanes, midPlanes, planes, stride, optionA(inPlanes, planes, stride));
    }

    /**
     * A block of any widths, as a rebuild with narrowed residual streams needs: {@code shortcut} null is the identity
     * (then {@code inPlanes == planes} and stride 1).
     */
    BasicBlock(int inPlanes, int midPlanes, int planes, int stride, OptionAShortcut shortcut) {
        this.inPlanes = inPlanes;
        this.planes = planes;
        this.stride = stride;
        conv1 = addChildBlock("conv1", conv3x3(midPlanes, stride));
        bn1 = addChildBlock("bn1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", conv3x3(planes, 1));
        bn2 = addChildBlock("bn2", BatchNorm.builder().build());
        if (shortcut == null && (stride != 1 || inPlanes != planes)) {
            throw new IllegalArgumentException("an identity shortcut cannot map " + inPlanes + " to " + planes
                    + " channels with stride " + stride);
        }
        this.shortcut = shortcut == null ? null : addChildBlock("shortcut", shortcut);
    }

    private static OptionAShortcut optionA(int inPlanes, int planes, int stride) {
        if (stride == 1 && inPlanes == planes) {
            return null;
        }
        // Option A pads planes/4 on each side: exact for the 16->32->64 doubling it is used with.
        if (planes != inPlanes + 2 * (planes / 4)) {
            throw new IllegalArgumentException("option-A shortcut cannot map " + inPlanes + " to " + planes
                    + " channels");
        }
        return new OptionAShortcut(stride, planes / 4);
    }

    static Conv2d conv3x3(int filters, int stride) {
        return Layers.conv2d()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .optBias(false)
                .build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = conv1.forward(parameterStore, inputs, training, params);
        out = bn1.forward(parameterStore, out, training, params);
        out = new NDList(Activation.relu(out.singletonOrThrow()));
        out = conv2.forward(parameterStore, out, training, params);
        out = bn2.forward(parameterStore, out, training, params);
        NDArray identity = shortcut == null
                ? inputs.singletonOrThrow()
                : shortcut.forward(parameterStore, inputs, training, params).singletonOrThrow();
        return new NDList(Activation.relu(out.singletonOrThrow().add(identity)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : new Block[] {conv1, bn1, conv2, bn2}) {
            shapes = b.getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : new Block[] {conv1, bn1, conv2, bn2}) {
            b.initialize(manager, dataType, shapes);
            shapes = b.getOutputShapes(shapes);
        }
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
