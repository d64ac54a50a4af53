package prunebench.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import prunebench.model.LeNet5;
import prunebench.model.Network;

/** Run by {@link TorchLogLevelTest} in its own JVM: starts the engine, then computes what a run computes first. */
final class TorchWarningProbe {
    private TorchWarningProbe() {}

    public static void main(String[] args) {
        Engine.getInstance();
        if (args.length > 0 && args[0].equals("apply")) {
            TorchLogLevel.apply();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Network.create(new LeNet5(), new Shape(1, 28, 28), 10, manager, 0);
        }
    }
}
