package prunebench.bench;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.TrainSchedule;
import prunebench.data.ImageData;

/** What the measurements train and score on: random images of a model's input shape, and plain SGD. */
final class Workloads {
    private Workloads() {
    }

    /** Random pixels and labels of a model's input shape (throughput does not depend on pixel values). */
    static ImageData synthetic(int channels, int size, int train, int test, boolean augment) {
        Random r = new Random(0);
        int sample = channels * size * size;
        ImageData.Split[] splits = new ImageData.Split[2];
        int[] counts = {train, test};
        for (int s = 0; s < 2; s++) {
            byte[] px = new byte[counts[s] * sample];
            r.nextBytes(px);
            int[] labels = new int[counts[s]];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(10);
            }
            splits[s] = new ImageData.Split(px, labels);
        }
        return new ImageData("synthetic", channels, size, size, 10, splits[0], splits[1], augment);
    }

    static Shape inputShape(String model) {
        return model.startsWith("lenet") ? new Shape(1, 28, 28) : new Shape(3, 32, 32);
    }

    /** SGD at lr 0.01 with momentum 0.9 and no decay, at a constant rate, for {@code epochs} epochs. */
    static TrainSchedule sgd(int epochs, int batch) {
        return new TrainSchedule(epochs, batch, new OptimizerSpec("sgd", 0.01, 0.9, false, 0, 0.9, 0.999, 1e-8),
                new LrScheduleSpec("constant", 0, List.of(), 0.1));
    }
}
