package prunebench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.data.DataShape;
import prunebench.model.LeNet5;
import prunebench.prune.StrategyRegistry;
import prunebench.testing.Experiments;
import prunebench.testing.TestMagnitude;

/** The dry run's time estimate counts no more CPU cores than the machine has, and says when threads exceed them. */
class GridCostTest {
    @TempDir
    Path tmp;

    private GridCost cost(int workers, int threads, int cores) {
        List<RunSpec> runs = new GridPlanner(new StrategyRegistry(List.of(new TestMagnitude()))).plan(
                Experiments.tiny("lenet5", List.of(1.0, 4.0, 16.0), List.of(Experiments.strategy("magnitude")),
                        List.of(0L, 1L)));
        return GridCost.of(runs, Collections.nCopies(runs.size(), RunStatus.TO_RUN), new LeNet5(),
                new DataShape(1, 28, 28, 10, 1024, 256), workers, threads, tmp, r -> 1, cores);
    }

    @Test
    void threadsBeyondTheCoresAddNoSpeed() {
        double one = cost(1, 1, 2).seconds();
        assertEquals(one / 2, cost(1, 2, 2).seconds(), 1e-9 * one); // two threads on two cores
        assertEquals(one / 2, cost(2, 1, 2).seconds(), 1e-9 * one); // two runs of one thread
        assertEquals(one / 2, cost(1, 256, 2).seconds(), 1e-9 * one); // 256 threads: still two cores
        assertEquals(one / 2, cost(4, 1, 2).seconds(), 1e-9 * one); // four runs share two cores
        assertEquals(one / 4, cost(4, 1, 8).seconds(), 1e-9 * one); // ... and use four of eight

        String over = cost(1, 256, 2).describe();
        assertTrue(over.contains("on 2 CPU cores (1 run in parallel x 256 threads"), over);
        assertTrue(over.contains("warning: 1 run x 256 threads = 256 threads on the 2 CPU cores of this machine"),
                over);
        assertFalse(cost(2, 1, 2).describe().contains("warning"), cost(2, 1, 2).describe());
    }
}
