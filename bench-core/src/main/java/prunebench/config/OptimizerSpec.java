package prunebench.config;

/** sgd (momentum, nesterov, weight_decay) or adam (beta1, beta2, eps, weight_decay); PyTorch semantics. */
public record OptimizerSpec(
        String name, double lr, double momentum, boolean nesterov, double weightDecay,
        double beta1, double beta2, double eps) {}
