package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StudentTTest {

    @Test
    void quantilesMatchTabulatedValues() {
        // Tables print three decimals; the reference digits here are from R's qt().
        assertEquals(12.706204736, StudentT.quantile(0.975, 1), 1e-6);
        assertEquals(4.302652730, StudentT.quantile(0.975, 2), 1e-6);
        assertEquals(2.776445105, StudentT.quantile(0.975, 4), 1e-6);
        assertEquals(2.042272456, StudentT.quantile(0.975, 30), 1e-6);
        assertEquals(1.959963985, StudentT.quantile(0.975, 1e7), 1e-5); // approaches the normal quantile
        assertEquals(-4.302652730, StudentT.quantile(0.025, 2), 1e-6);
        assertEquals(0.0, StudentT.quantile(0.5, 3), 0.0);
    }

    @Test
    void quantilesMatchClosedFormsForOneAndTwoDegreesOfFreedom() {
        for (double p : new double[] {0.6, 0.9, 0.99, 0.999}) {
            assertEquals(Math.tan(Math.PI * (p - 0.5)), StudentT.quantile(p, 1), 1e-9 * StudentT.quantile(p, 1));
            double t2 = (2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p)));
            assertEquals(t2, StudentT.quantile(p, 2), 1e-9 * t2);
        }
    }

    @Test
    void cdfMatchesClosedFormsAndTables() {
        for (double t : new double[] {-5, -1.3, 0, 0.4, 2, 30}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-12);
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-12);
        }
        assertEquals(0.975, StudentT.cdf(2.228138852, 10), 1e-9);
        assertEquals(0.05, StudentT.twoSidedP(2.228138852, 10), 1e-9);
        assertEquals(0.01, StudentT.twoSidedP(2.763262455, 28), 1e-9);
        assertEquals(1.0, StudentT.twoSidedP(0, 5), 0.0);
        assertEquals(0.0, StudentT.twoSidedP(Double.POSITIVE_INFINITY, 5), 0.0);
    }

    @Test
    void tinyPValuesKeepRelativePrecision() {
        // df = 1: p = 1 - 2 atan(t)/pi = 2 atan(1/t)/pi, which a 1 - cdf computation would round to 0.
        double t = 1e9;
        assertEquals(2 * Math.atan(1 / t) / Math.PI, StudentT.twoSidedP(t, 1), 1e-6 * 2 * Math.atan(1 / t) / Math.PI);
    }

    /**
     * Values of the hand-written incomplete-beta implementation this class replaced (Numerical Recipes' continued
     * fraction, removed when the report moved to commons-math3), {p or t, df, value}: the library gives the same
     * numbers to 1e-9.
     */
    private static final double[][] FORMER_QUANTILES = {
            {0.6, 1.0, 0.32491969623289660},
            {0.9, 1.0, 3.0776835371751760},
            {0.95, 1.0, 6.3137515146752320},
            {0.975, 1.0, 12.706204736174640},
            {0.995, 1.0, 63.656741162873004},
            {0.6, 2.0, 0.28867513459481130},
            {0.9, 2.0, 1.8856180831641610},
            {0.95, 2.0, 2.9199855803536820},
            {0.975, 2.0, 4.3026527297494110},
            {0.995, 2.0, 9.9248432009185300},
            {0.6, 3.0, 0.27667066233268400},
            {0.9, 3.0, 1.6377443536961778},
            {0.95, 3.0, 2.3533634348017360},
            {0.975, 3.0, 3.1824463052836336},
            {0.995, 3.0, 5.8409093097332060},
            {0.6, 4.0, 0.27072229470760334},
            {0.9, 4.0, 1.5332062740589550},
            {0.95, 4.0, 2.1318467863266620},
            {0.975, 4.0, 2.7764451051976950},
            {0.995, 4.0, 4.6040948713500710},
            {0.6, 5.0, 0.26718086570414100},
            {0.9, 5.0, 1.4758840488245255},
            {0.95, 5.0, 2.0150483733330590},
            {0.975, 5.0, 2.5705818356362897},
            {0.995, 5.0, 4.0321429835552180},
            {0.6, 9.0, 0.26095533647390570},
            {0.9, 9.0, 1.3830287383966038},
            {0.95, 9.0, 1.8331129326562063},
            {0.975, 9.0, 2.2621571627982460},
            {0.995, 9.0, 3.2498355415922333},
            {0.6, 29.0, 0.25568363457126253},
            {0.9, 29.0, 1.3114336473016124},
            {0.95, 29.0, 1.6991270265335174},
            {0.975, 29.0, 2.0452296421327105},
            {0.995, 29.0, 2.7563859036705480},
            {0.6, 99.0, 0.25402901215182540},
            {0.9, 99.0, 1.2901614420345027},
            {0.95, 99.0, 1.6603911560170560},
            {0.975, 99.0, 1.9842169515864612},
            {0.995, 99.0, 2.6264054572808390}
    };
    private static final double[][] FORMER_TWO_SIDED_P = {
            {0.1, 1.0, 0.93654896513889290},
            {0.5, 1.0, 0.70483276469913350},
            {1.3, 1.0, 0.41742880032030544},
            {2.2, 1.0, 0.27159949756018400},
            {4.0, 1.0, 0.15595826075473865},
            {12.0, 1.0, 0.052929352119179770},
            {0.1, 2.0, 0.92946543841414100},
            {0.5, 2.0, 0.66666666666666610},
            {1.3, 2.0, 0.32324703181604080},
            {2.2, 2.0, 0.15880897580794034},
            {4.0, 2.0, 0.057190958417936750},
            {12.0, 2.0, 0.0068729336771584700},
            {0.1, 3.0, 0.92665234880080670},
            {0.5, 3.0, 0.65144796484815090},
            {1.3, 3.0, 0.28446750872789640},
            {2.2, 3.0, 0.11517195197647088},
            {4.0, 3.0, 0.028008456010146152},
            {12.0, 3.0, 0.0012450158007893362},
            {0.1, 4.0, 0.92515584093945380},
            {0.5, 4.0, 0.64332996318186250},
            {1.3, 4.0, 0.26345159647122230},
            {2.2, 4.0, 0.092652670179634860},
            {4.0, 4.0, 0.016130089900092570},
            {12.0, 4.0, 0.00027642854850297335},
            {0.1, 5.0, 0.92423014115466150},
            {0.5, 5.0, 0.63829887164092880},
            {1.3, 5.0, 0.25030063417067780},
            {2.2, 5.0, 0.079093897903182300},
            {4.0, 5.0, 0.010323415480831440},
            {12.0, 5.0, 7.0894925171615290e-05},
            {0.1, 9.0, 0.92253644795668090},
            {0.5, 9.0, 0.62907129982602720},
            {1.3, 9.0, 0.22590637267305058},
            {2.2, 9.0, 0.055340572798611600},
            {4.0, 9.0, 0.0031104283103858517},
            {12.0, 9.0, 7.6998862229856470e-07},
            {0.1, 29.0, 0.92103244448736970},
            {0.5, 29.0, 0.62084808419378300},
            {1.3, 29.0, 0.20383918366203180},
            {2.2, 29.0, 0.035926759150682460},
            {4.0, 29.0, 0.00040006394565249110},
            {12.0, 29.0, 9.0607083331371650e-13},
            {0.1, 99.0, 0.92054655073756710},
            {0.5, 99.0, 0.61818464402441350},
            {1.3, 99.0, 0.19661956964343474},
            {2.2, 99.0, 0.030132821689335426},
            {4.0, 99.0, 0.00012225152757111178},
            {12.0, 99.0, 5.1306296878974100e-21}
    };

    @Test
    void sameNumbersAsTheFormerHandWrittenImplementation() {
        for (double[] row : FORMER_QUANTILES) {
            assertEquals(row[2], StudentT.quantile(row[0], row[1]), 1e-9, "quantile(" + row[0] + ", " + row[1] + ")");
        }
        for (double[] row : FORMER_TWO_SIDED_P) {
            assertEquals(row[2], StudentT.twoSidedP(row[0], row[1]), 1e-9, "twoSidedP(" + row[0] + ", " + row[1] + ")");
        }
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.cdf(1, -1));
    }
}
