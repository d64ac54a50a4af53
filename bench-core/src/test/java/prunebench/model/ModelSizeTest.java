package prunebench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Parameter and multiply-add counts against numbers derived by hand (derivations in the comments). */
class ModelSizeTest {
    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final Shape CIFAR = new Shape(3, 32, 32);

    private static Complexity measure(ModelFactory factory, Shape input) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Complexity.of(Network.create(factory, input, 10, manager, 7));
        }
    }

    @Test
    void lenet5() {
        // conv1 1->6 5x5 pad 2:  150 w +  6 b =    156; output 28x28 -> 150*784 = 117,600 MACs
        // conv2 6->16 5x5:      2400 w + 16 b =  2,416; output 10x10 -> 2400*100 = 240,000
        // fc 400->120:         48000 w + 120  = 48,120;                           48,000
        // fc 120->84:          10080 w + 84   = 10,164;                           10,080
        // fc 84->10:             840 w + 10   =    850;                              840
        Complexity c = measure(new LeNet5(), MNIST);
        assertEquals(156 + 2_416 + 48_120 + 10_164 + 850, c.params());
        assertEquals(61_706, c.params());
        assertEquals(117_600 + 240_000 + 48_000 + 10_080 + 840, c.flops());
        assertEquals(416_520, c.flops());
        assertEquals(c.params(), c.paramsNonzero());
        assertEquals(c.flops(), c.flopsNonzero());
    }

    @Test
    void lenet300100() {
        // 784*300+300 = 235,500; 300*100+100 = 30,100; 100*10+10 = 1,010. MACs: 235,200 + 30,000 + 1,000.
        Complexity c = measure(new LeNet300100(), MNIST);
        assertEquals(266_610, c.params());
        assertEquals(266_200, c.flops());
    }

    @Test
    void setMlp() {
        // 784*1000+1000 = 785,000; 2 x (1000*1000+1000) = 2,002,000; 1000*10+10 = 10,010.
        // MACs: 784,000 + 2,000,000 + 10,000.
        Complexity c = measure(new SetMlp(), MNIST);
        assertEquals(2_797_010, c.params());
        assertEquals(2_794_000, c.flops());
    }

    /*
     * CIFAR ResNet, n blocks per stage, 10 classes, 3x3 convs without bias, option-A shortcuts (no parameters).
     * Conv weights: stem 3*16*9 = 432;
     *   stage 1: 2n convs 16->16 = 2,304 each;
     *   stage 2: one 16->32 = 4,608, then 2n-1 of 32->32 = 9,216;
     *   stage 3: one 32->64 = 18,432, then 2n-1 of 64->64 = 36,864;
     *   total 96,768n - 22,608.
     * BN gamma+beta: 2*(16 + 2n*(16+32+64)) = 32 + 448n.  fc: 64*10+10 = 650.
     * Parameters: 97,216n - 21,926.
     * MACs: every stage-internal conv costs 2,359,296 (16*16*9*1024 = 32*32*9*256 = 64*64*9*64) and each
     * strided first conv half that (1,179,648); stem 432*1024 = 442,368; fc 640.
     *   = 442,368 + (2n + 2*(2n-1)) * 2,359,296 + 2 * 1,179,648 + 640 = 442,368 + (6n-1) * 2,359,296 + 640.
     */
    private static long resnetParams(int n) {
        return 432 + 2L * n * 2_304 + 4_608 + (2L * n - 1) * 9_216 + 18_432 + (2L * n - 1) * 36_864
                + 32 + 448L * n + 650;
    }

    private static long resnetMacs(int n) {
        return 442_368 + (6L * n - 1) * 2_359_296 + 640;
    }

    @Test
    void resnet20() {
        Complexity c = measure(new CifarResNet.ResNet20(), CIFAR);
        assertEquals(269_722, resnetParams(3));
        assertEquals(269_722, c.params());
        assertEquals(40_551_040, resnetMacs(3));
        assertEquals(40_551_040, c.flops());
        assertWithin(0.03, 41e6, c.flops()); // He et al. / common tables: 41M
    }

    @Test
    void resnet32() {
        Complexity c = measure(new CifarResNet.ResNet32(), CIFAR);
        assertEquals(464_154, resnetParams(5));
        assertEquals(464_154, c.params());
        assertEquals(68_862_592, resnetMacs(5));
        assertEquals(68_862_592, c.flops());
        assertWithin(0.03, 69e6, c.flops());
    }

    @Test
    void resnet56() {
        Complexity c = measure(new CifarResNet.ResNet56(), CIFAR);
        assertEquals(853_018, resnetParams(9));
        assertEquals(853_018, c.params());
        assertEquals(125_485_696, resnetMacs(9));
        assertEquals(125_485_696, c.flops());
        assertWithin(0.03, 125e6, c.flops());
    }

    @Test
    void resnet110() {
        Complexity c = measure(new CifarResNet.ResNet110(), CIFAR);
        assertEquals(1_727_962, resnetParams(18));
        assertEquals(1_727_962, c.params());
        assertEquals(252_887_680, resnetMacs(18));
        assertEquals(252_887_680, c.flops());
        assertWithin(0.03, 253e6, c.flops());
    }

    /*
     * VGG-16 (CIFAR, BN, conv bias, one Linear(512, 10)), weights+bias per conv and MACs = weights * H*W:
     *   32x32: 3->64      1,728+64   =     1,792;   1,728*1024 =  1,769,472
     *          64->64    36,864+64   =    36,928;  36,864*1024 = 37,748,736
     *   16x16: 64->128   73,728+128  =    73,856;  73,728*256  = 18,874,368
     *          128->128 147,456+128  =   147,584; 147,456*256  = 37,748,736
     *   8x8:   128->256 294,912+256  =   295,168; 294,912*64   = 18,874,368
     *          256->256 x2 589,824+256 = 590,080 each; 37,748,736 each
     *   4x4:   256->512 1,179,648+512 = 1,180,160; *16          = 18,874,368
     *          512->512 x2 2,359,296+512 = 2,359,808 each; *16 = 37,748,736 each
     *   2x2:   512->512 x3 2,359,808 each; *4 = 9,437,184 each
     *   convs 14,714,688; BN 2*(2*64 + 2*128 + 3*256 + 6*512) = 2*4,224 = 8,448; fc 5,130  -> 14,728,266
     *   MACs 313,196,544 + fc 5,120 = 313,201,664
     */
    @Test
    void vgg16() {
        Complexity c = measure(new CifarVgg.Vgg16(), CIFAR);
        long convs = 1_792 + 36_928 + 73_856 + 147_584 + 295_168 + 2 * 590_080 + 1_180_160 + 5 * 2_359_808L;
        assertEquals(14_714_688, convs);
        assertEquals(convs + 8_448 + 5_130, c.params());
        assertEquals(14_728_266, c.params());
        long macs = 1_769_472 + 37_748_736 + 18_874_368 + 37_748_736 + 18_874_368 + 2 * 37_748_736
                + 18_874_368 + 2 * 37_748_736 + 3 * 9_437_184L + 5_120;
        assertEquals(313_201_664, macs);
        assertEquals(macs, c.flops());
        assertWithin(0.03, 313e6, c.flops()); // usually quoted as 0.31 GMACs
    }

    @Test
    void vgg11AndVgg19FromTheSameTable() {
        // VGG-11: 64,M,128,M,256,256,M,512,512,M,512,512,M
        //   convs 1,792 + 73,856 + 295,168 + 590,080 + 1,180,160 + 3*2,359,808 = 9,220,480
        //   BN 2*(64+128+2*256+4*512) = 5,504; fc 5,130 -> 9,231,114
        //   MACs 1,769,472 + 73,728*256 + 294,912*64 + 589,824*64 + 1,179,648*16 + 2,359,296*16 + 2*2,359,296*4 + 5,120
        Complexity vgg11 = measure(new CifarVgg.Vgg11(), CIFAR);
        assertEquals(9_231_114, vgg11.params());
        assertEquals(1_769_472L + 18_874_368 + 18_874_368 + 37_748_736 + 18_874_368 + 37_748_736 + 2 * 9_437_184
                + 5_120, vgg11.flops());
        // VGG-19 = VGG-16 + one 256->256 (590,080; 37,748,736 MACs) + one 512->512 at 4x4 and one at 2x2
        //   (2*2,359,808; 37,748,736 + 9,437,184 MACs); BN + 2*(256+512+512) = 2,560.
        Complexity vgg19 = measure(new CifarVgg.Vgg19(), CIFAR);
        assertEquals(14_728_266 + 590_080 + 2 * 2_359_808 + 2_560, vgg19.params());
        assertEquals(20_040_522, vgg19.params());
        assertEquals(313_201_664L + 37_748_736 + 37_748_736 + 9_437_184, vgg19.flops());
    }

    private static void assertWithin(double relative, double published, long actual) {
        assertTrue(Math.abs(actual - published) <= relative * published,
                actual + " is not within " + relative * 100 + "% of " + published);
    }
}
