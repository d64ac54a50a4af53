package prunebench.strategies.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import prunebench.model.ChannelGroup;
import prunebench.train.GraphScalars;
import prunebench.train.TrainableParameter;

/**
 * One PCAS attention module's parameters: W1 (h, C), b1 (h), W2 (C, h), b2 (C), trainable arrays of the scoring's
 * manager; its forward pass ({@link #attention}) and how a layer's output is attended ({@link #attend}).
 */
record AttentionModule(Parameter w1p, Parameter b1p, Parameter w2p, Parameter b2p) {
    static AttentionModule of(NDManager manager, String name, float[] w1, float[] b1, float[] w2, float[] b2,
            int channels, int hidden) {
        return new AttentionModule(param(manager, name + "/w1", w1, new Shape(hidden, channels)),
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

    /** PyTorch's {@code nn.Linear} initialisation of both layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static AttentionModule linearInit(ChannelGroup group, int hidden, NDManager manager, Random random) {
        int c = group.channels();
        return of(manager, group.name(), uniform(random, hidden * c, c), uniform(random, hidden, c),
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

    /**
     * This module's attention on a layer's output {@code y} (N, C, ...): (N, C), every array on {@code scope}.
     * Inside a gradient graph: its one constant (C, softmax form) is one of the scope's.
     */
    NDArray attention(NDManager scope, NDArray y, boolean softmax) {
        NDArray z = y;
        if (y.getShape().dimension() > 2) { // DJL's PyTorch mean takes one axis: the positions flattened into one
            z = y.reshape(new Shape(y.getShape().get(0), y.getShape().get(1), -1)).mean(new int[] {2});
        }
        NDArray u = Activation.relu(Linear.linear(z, w1(), b1()).singletonOrThrow());
        NDArray v = Linear.linear(u, w2(), b2()).singletonOrThrow();
        return softmax ? GraphScalars.times(scope, v.softmax(1), y.getShape().get(1)) : Activation.sigmoid(v);
    }

    /** {@code y} times its attention {@code a} (N, C), broadcast over the spatial positions. */
    static NDArray attend(NDArray y, NDArray a) {
        long[] dims = new long[y.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = y.getShape().get(0);
        dims[1] = y.getShape().get(1);
        return y.mul(a.reshape(new Shape(dims)));
    }
}
