package prunebench.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import prunebench.config.LrScheduleSpec;
import prunebench.config.OptimizerSpec;
import prunebench.config.TrainSchedule;
import prunebench.data.BatchLoader;
import prunebench.data.ImageData;
import prunebench.model.LeNet300100;
import prunebench.model.Network;

/** Divergence is a loss grown orders of magnitude beyond a guess's, not only a NaN (issue 28: 9.9e32 was "ok"). */
class DivergenceTest {
    @Test
    void theLimitIsAThousandTimesTheLossOfAUniformGuess() {
        // ln 10 = 2.302585: the limit is 2302.585
        DivergenceException.check(2.3, 10, "t", 0.1);
        DivergenceException.check(2302.5, 10, "t", 0.1);
        String grown = assertThrows(DivergenceException.class, () -> DivergenceException.check(9.9e32, 10,
                "learn epoch 1 step 3", 1e6)).getMessage();
        // 9.9e32 / 2.302585 = 4.2995e32
        assertTrue(grown.startsWith("learn epoch 1 step 3: loss is 9.900e+32, 4.3e+32 times the 2.303 of a uniform "
                + "guess over 10 classes (learning rate 1000000.0)"), grown);
        assertTrue(assertThrows(DivergenceException.class, () -> DivergenceException.check(4000, 10, "t", 0.1))
                .getMessage().contains("loss is 4000, 1,737 times the 2.303"), "4000 / 2.302585 = 1737.2");
        assertTrue(grown.contains("training diverged"), grown);
        assertThrows(DivergenceException.class, () -> DivergenceException.check(2302.6, 10, "t", 0.1));
        // 100 classes: ln 100 = 4.605, limit 4605
        DivergenceException.check(4605, 100, "t", 0.1);
        assertThrows(DivergenceException.class, () -> DivergenceException.check(4606, 100, "t", 0.1));
        assertTrue(assertThrows(DivergenceException.class, () -> DivergenceException.check(Double.NaN, 10, "t",
                0.1)).getMessage().contains("loss is NaN"));
    }

    @Test
    void aRunawayLearningRateStopsTrainingWhileTheLossIsStillFinite() {
        Random r = new Random(5);
        byte[] px = new byte[256 * 28 * 28];
        r.nextBytes(px);
        int[] labels = new int[256];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(10);
        }
        ImageData.Split split = new ImageData.Split(px, labels);
        ImageData data = new ImageData("synthetic", 1, 28, 28, 10, split, split.head(32, 28 * 28), false);
        TrainSchedule schedule = new TrainSchedule(2, 32, new OptimizerSpec("sgd", 1e4, 0, false, 0, 0.9, 0.999,
                1e-8), new LrScheduleSpec("constant", 0, List.of(), 0.1));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Network net = Network.create(new LeNet300100(), new Shape(1, 28, 28), 10, manager, 3);
            Trainer trainer = new Trainer(net, manager, new BatchLoader(data, data.train(), false, Device.cpu()),
                    new BatchLoader(data, data.test(), false, Device.cpu()), 3);
            try (Optimizer optimizer = trainer.newOptimizer(schedule)) {
                String message = assertThrows(DivergenceException.class, () -> trainer.train("finetune", schedule,
                        optimizer, null, 0)).getMessage();
                assertTrue(message.contains("times the 2.303 of a uniform guess over 10 classes"), message);
            }
        }
    }
}
