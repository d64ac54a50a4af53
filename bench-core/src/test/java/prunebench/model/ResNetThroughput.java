package prunebench.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.util.Arrays;

/**
 * One-off measurement, not a test: forward+backward time of a ResNet-20 training batch of 128 on the CPU.
 * Run with {@code -Dai.djl.pytorch.num_threads=1} to measure one core. Arguments: [batch] [iterations].
 */
final class ResNetThroughput {
    private ResNetThroughput() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = 3;
        Loss loss = Loss.softmaxCrossEntropyLoss();
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new CifarResNet.ResNet20(), new Shape(3, 32, 32), 10, manager, 0);
            ParameterStore store = new ParameterStore(manager, false);
            double[] seconds = new double[iterations];
            for (int i = -warmup; i < iterations; i++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(batch, 3, 32, 32));
                    NDArray y = step.randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT64);
                    long start = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = net.block().forward(store, new NDList(x), true).singletonOrThrow();
                        gc.backward(loss.evaluate(new NDList(y), new NDList(logits)));
                    }
                    // Reading one gradient value waits for the backward pass to finish.
                    net.layers().get(0).weight().getArray().getGradient().getFloat(0, 0, 0, 0);
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
            Arrays.sort(seconds);
            double median = seconds[iterations / 2];
            System.out.printf("ResNet-20 batch %d fwd+bwd, threads=%s: median %.3f s (min %.3f, max %.3f) = %.1f images/s%n",
                    batch, System.getProperty("ai.djl.pytorch.num_threads", "default"), median, seconds[0],
                    seconds[iterations - 1], batch / median);
        }
    }
}
