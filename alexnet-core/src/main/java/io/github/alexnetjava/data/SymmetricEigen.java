package io.github.alexnetjava.data;

/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (for the 3x3 RGB covariance).
 * Eigenvalues are sorted in decreasing order; each eigenvector has unit length and its largest-magnitude
 * component positive, so the result is unique for distinct eigenvalues.
 */
public final class SymmetricEigen {
    private final double[] values;
    private final double[][] vectors; // vectors[i] is the eigenvector of values[i]

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    public double[] values() {
        return values.clone();
    }

    /** {@code vectors()[i]} is the unit eigenvector for {@code values()[i]}. */
    public double[][] vectors() {
        double[][] v = new double[vectors.length][];
        for (int i = 0; i < v.length; i++) {
            v[i] = vectors[i].clone();
        }
        return v;
    }

    public static SymmetricEigen of(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][n];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("matrix must be square");
            }
            for (int j = 0; j < n; j++) {
                double tol = 1e-9 * (Math.abs(matrix[i][j]) + Math.abs(matrix[j][i]) + 1e-300);
                if (Math.abs(matrix[i][j] - matrix[j][i]) > tol) {
                    throw new IllegalArgumentException("matrix must be symmetric: [" + i + "][" + j + "]="
                            + matrix[i][j] + " vs [" + j + "][" + i + "]=" + matrix[j][i]);
                }
                a[i][j] = matrix[i][j];
            }
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off == 0 || off < 1e-30 * norm2(a)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) { // A = A J
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) { // A = J^T A
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) { // V = V J
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final double[][] fa = a;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(fa[y][y], fa[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int i = 0; i < n; i++) {
            int col = order[i];
            values[i] = a[col][col];
            int big = 0;
            for (int k = 0; k < n; k++) {
                vectors[i][k] = v[k][col];
                if (Math.abs(v[k][col]) > Math.abs(v[big][col])) {
                    big = k;
                }
            }
            if (vectors[i][big] < 0) {
                for (int k = 0; k < n; k++) {
                    vectors[i][k] = -vectors[i][k];
                }
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    private static double norm2(double[][] a) {
        double s = 0;
        for (double[] r : a) {
            for (double x : r) {
                s += x * x;
            }
        }
        return s;
    }
}
