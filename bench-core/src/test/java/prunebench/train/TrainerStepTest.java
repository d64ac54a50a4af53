package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.LeNet5;
import prunebench.model.Network;

/**
 * The bare step that {@code scripts/bench} times as {@code train_step} is the training loop's own step: the same
 * batches through {@link TrainingStep#run} give the loop's weights to the last bit, and the phase clock sees work
 * in forward and backward.
 */
class TrainerStepTest {
    private static ImageData data() {
        Random r = new Random(3);
        byte[] px = new byte[48 * 28 * 28];
        r.nextBytes(px);
        int[] labels = new int[48];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(10);
        }
        ImageData.Split train = new ImageData.Split(px, labels);
        return new ImageData("synthetic", 1, 28, 28, 10, train, train.head(8, 28 * 28), false);
    }

    @Test
    void theBareStepIsTheLoopsStep() {
        ImageData data = data();
        BatchLoader train = new BatchLoader(data, data.train(), false, Device.cpu());
        BatchLoader test = new BatchLoader(data, data.test(), false, Device.cpu());
        TrainSchedule schedule = new TrainSchedule(1, 16, new OptimizerSpec("sgd", 0.05, 0.9, false, 0, 0.9, 0.999,
                1e-8), new LrScheduleSpec("constant", 0, List.of(), 0.1));
        Shape shape = new Shape(1, 28, 28);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network looped = Network.create(new LeNet5(), shape, 10, manager, 7);
            Trainer loop = new Trainer(looped, manager, train, test, 7);
            try (Optimizer optimizer = loop.newOptimizer(schedule)) {
                loop.train("t", schedule, optimizer, null, 0);
            }

            Network stepped = Network.create(new LeNet5(), shape, 10, manager, 7);
            Trainer bare = new Trainer(stepped, manager, train, test, 7);
            int[] order = train.order(7, 0, true);
            Random rng = train.augmentation(7, 0);
            PhaseClock clock = new PhaseClock();
            try (Optimizer optimizer = bare.newOptimizer(schedule)) {
                TrainingStep step = bare.newStep(optimizer);
                for (int b = 0; b < train.batchesPerEpoch(16); b++) {
                    try (NDManager scope = manager.newSubManager()) {
                        BatchLoader.Batch batch = train.batch(scope, order, b, 16, rng);
                        step.run(scope, batch.images(), batch.labels(), 0.05, clock);
                    }
                }
            }
            Map<String, ai.djl.nn.Parameter> a = looped.trainableParameters();
            Map<String, ai.djl.nn.Parameter> b = stepped.trainableParameters();
            assertEquals(a.keySet(), b.keySet());
            List<String> names = new ArrayList<>(a.keySet());
            for (String n : names) {
                assertArrayEquals(a.get(n).getArray().toFloatArray(), b.get(n).getArray().toFloatArray(), 0f, n);
            }
            assertTrue(clock.wallNanos[0] > 0 && clock.wallNanos[2] > 0, "forward and backward were timed");
        }
    }
}
