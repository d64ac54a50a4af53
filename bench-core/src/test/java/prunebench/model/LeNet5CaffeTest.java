package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Caffe's LeNet-5: its size, and its 20-input-channel conv2 checked against a convolution written out in Java
 * (libtorch 2.7.1's own float32 convolution is wrong for such channel counts on AVX-512 EPYC machines).
 */
class LeNet5CaffeTest {
    private static final int N = 2;
    private static final int C = 20;
    private static final int H = 12;
    private static final int F = 50;
    private static final int K = 5;
    private static final int OH = H - K + 1;

    @Test
    void hasCaffesParameterCountAndZeroBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network net = Network.create(new LeNet5Caffe(), new Shape(1, 28, 28), 10, manager, 0);
            long params = net.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(520 + 25_050 + 400_500 + 5_010, params);
            assertEquals(4, net.layers().size());
            assertEquals(new Shape(50, 20, 5, 5), net.layers().get(1).weight().getArray().getShape());
            for (PrunableLayer l : net.layers()) {
                assertEquals(0f, l.bias().getArray().abs().sum().getFloat(), "Caffe's constant bias filler");
                double var = l.weight().getArray().pow(2).mean().getFloat();
                assertEquals(1.0 / l.fanIn(), var, 0.25 / l.fanIn(), "xavier FAN_IN: variance 1/fan_in");
            }
        }
    }

    @Test
    void paddedConvolutionEqualsADirectComputationForwardAndWeightGradient() {
        Random r = new Random(7);
        float[] x = new float[N * C * H * H];
        float[] w = new float[F * C * K * K];
        float[] b = new float[F];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.1f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            BlockPaddedConv2d conv = BlockPaddedConv2d.of(new Shape(K, K), F);
            conv.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(N, C, H, H));
            Parameter weight = conv.getParameters().get("weight");
            weight.getArray().set(w);
            conv.getParameters().get("bias").getArray().set(b);
            NDArray in = manager.create(x, new Shape(N, C, H, H));
            float[] out;
            float[] grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = conv.forward(new ParameterStore(manager, false), new NDList(in), true).singletonOrThrow();
                out = y.toFloatArray();
                gc.backward(y.sum());
                grad = weight.getArray().getGradient().toFloatArray();
            }
            assertEquals(N * F * OH * OH, out.length);
            for (int n = 0; n < N; n++) {
                for (int f = 0; f < F; f++) {
                    for (int i = 0; i < OH; i++) {
                        for (int j = 0; j < OH; j++) {
                            double s = b[f];
                            for (int c = 0; c < C; c++) {
                                for (int u = 0; u < K; u++) {
                                    for (int v = 0; v < K; v++) {
                                        s += x[((n * C + c) * H + i + u) * H + j + v] * w[((f * C + c) * K + u) * K + v];
                                    }
                                }
                            }
                            assertEquals(s, out[((n * F + f) * OH + i) * OH + j], 1e-4, "output " + n + "," + f);
                        }
                    }
                }
            }
            // d(sum y)/dw[f,c,u,v] = sum over n, i, j of x[n, c, i+u, j+v], the same for every f
            for (int c = 0; c < C; c++) {
                for (int u = 0; u < K; u++) {
                    for (int v = 0; v < K; v++) {
                        double s = 0;
                        for (int n = 0; n < N; n++) {
                            for (int i = 0; i < OH; i++) {
                                for (int j = 0; j < OH; j++) {
                                    s += x[((n * C + c) * H + i + u) * H + j + v];
                                }
                            }
                        }
                        for (int f = 0; f < F; f += 7) {
                            assertEquals(s, grad[((f * C + c) * K + u) * K + v], 1e-3, "gradient " + f + "," + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void padsOnlyAboveOneBlockAndNotAtMultiples() {
        assertEquals(1, BlockPaddedConv2d.paddedChannels(1));
        assertEquals(16, BlockPaddedConv2d.paddedChannels(16));
        assertEquals(32, BlockPaddedConv2d.paddedChannels(20));
        assertEquals(32, BlockPaddedConv2d.paddedChannels(32));
        assertEquals(48, BlockPaddedConv2d.paddedChannels(33));
    }
}
