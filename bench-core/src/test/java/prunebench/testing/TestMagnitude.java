package prunebench.testing;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import prunebench.prune.PruningContext;
import prunebench.prune.PruningStrategy;
import prunebench.prune.PruningTarget;

/** |w| scores, for core tests that cannot see the strategies module. */
public final class TestMagnitude implements PruningStrategy {
    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public String description() {
        return "test magnitude";
    }

    @Override
    public Map<String, NDArray> score(PruningContext context) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            NDArray s = t.array().abs();
            s.attach(context.manager());
            out.put(t.name(), s);
        }
        return out;
    }
}
