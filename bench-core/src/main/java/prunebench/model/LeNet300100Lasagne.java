package prunebench.model;

/**
 * LeNet-300-100 as the Theano code of Molchanov et al. 2017 (sparse variational dropout) built it with Lasagne: the
 * layers of {@link LeNet300100}, weights N(0, 0.01^2) ({@link WeightInit#LASAGNE_NORMAL}) and zero biases, instead
 * of PyTorch's default U(+-1/sqrt(fan_in)) (std 0.021 for the first layer) and random biases. The initial weights
 * matter to that method: log alpha starts at log sigma^2 - log theta^2, so 0.01-sized weights start it near -1.
 */
public final class LeNet300100Lasagne extends Mlp {
    public LeNet300100Lasagne() {
        super("lenet300-100-lasagne",
                "LeNet-300-100 with Lasagne's N(0, 0.01^2) initialisation and zero biases "
                        + "(266,610 parameters on 28x28)",
                WeightInit.LASAGNE_NORMAL, 300, 100);
    }
}
