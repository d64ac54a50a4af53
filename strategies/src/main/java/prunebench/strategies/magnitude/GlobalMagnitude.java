package prunebench.strategies.magnitude;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;

/** Keeps the weights of largest |w| across the whole network (Han et al. 2015; ShrinkBench's GlobalMagWeight). */
public class GlobalMagnitude implements PruningStrategy {
    @Override
    public String name() {
        return "global_magnitude";
    }

    @Override
    public String description() {
        return "|w|, one ranking across all layers";
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        Map<String, NDArray> scores = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            NDArray s = t.array().abs();
            s.attach(context.manager());
            scores.put(t.name(), s);
        }
        return scores;
    }
}
