package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import prunebench.model.CifarVgg;
import prunebench.model.Network;
import prunebench.prune.Distribution;
import prunebench.prune.MaskSet;
import prunebench.prune.StrategyOptions;
import prunebench.prune.structured.ChannelPruner;
import prunebench.prune.structured.StructuredStrategy;
import prunebench.testing.TestChannelScores;

class InferenceSpeedTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, InferenceSpeed.median(new double[] {5, 1, 2}));
        assertEquals(2.5, InferenceSpeed.median(new double[] {9, 1, 2, 3}));
    }

    @Test
    void fastBatchesAreRepeatedToMakeUpASample() {
        assertEquals(1, InferenceSpeed.repetitions(0.5));
        assertEquals(1, InferenceSpeed.repetitions(0.02));
        assertEquals(20, InferenceSpeed.repetitions(0.001));
        assertEquals(1000, InferenceSpeed.repetitions(0));
    }

    @Test
    void aNetworkWithAQuarterOfTheChannelsIsMeasuredSeveralTimesFasterAndAMaskedOneIsNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Network dense = Network.create(new CifarVgg.Vgg11(), new Shape(3, 32, 32), 10, manager, 0);
            Network masked = Network.create(new CifarVgg.Vgg11(), new Shape(3, 32, 32), 10, manager, 0);
            ChannelPruner pruner = new ChannelPruner(masked);
            MaskSet masks = MaskSet.dense(pruner.targets(), manager);
            pruner.prune(new TestChannelScores(), new StrategyOptions("t", StructuredStrategy.STRUCTURED_DEFAULTS,
                    Map.of("target", "speedup")), masks, 16, Distribution.UNIFORM, 1, false, null, 0, 0);
            Network small = pruner.rebuild(masks, manager);
            NDArray images = manager.randomNormal(new Shape(4, 3, 32, 32));
            // A quarter of the channels: 1/16 of the multiply-adds; measured, well over 2x even on a busy machine.
            double rebuilt = InferenceSpeed.speedup(dense, small, images);
            assertTrue(rebuilt > 2, "rebuilt speedup " + rebuilt);
            // The masked network does the dense work: zeros cost the same.
            double zeros = InferenceSpeed.speedup(dense, masked, images);
            assertTrue(zeros > 0.6 && zeros < 1.6, "masked speedup " + zeros);
        }
    }
}
