package prunebench.model;

/**
 * LeNet-300-100 as the lottery ticket code initialises it (Frankle &amp; Carbin 2019, google-research/
 * lottery-ticket-hypothesis: mnist_fc/constants.py's {@code tf.contrib.layers.xavier_initializer(uniform=False)},
 * foundations/model_fc.py's dense layers with zero biases): the layers of {@link LeNet300100}, weights from
 * {@link WeightInit#TF_XAVIER_NORMAL} (Glorot normal, truncated), biases 0.
 */
public final class LeNet300100Lottery extends Mlp {
    public LeNet300100Lottery() {
        super("lenet300-100-lottery",
                "LeNet-300-100 with TF 1.x's xavier_initializer(uniform=False), biases 0 (the lottery ticket code; "
                        + "266,610 parameters on 28x28)",
                WeightInit.TF_XAVIER_NORMAL, 300, 100);
    }
}
