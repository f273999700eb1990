// Package metrics scores predictions and writes what a run reports about
// them: the per-epoch cost log (cost.csv), the per-split metrics
// (metrics.json, eval --json) and the human-readable report of a split.
//
// Classification metrics follow scikit-learn with zero_division=0: a class
// that is never predicted has precision 0, a class with no true rows has
// recall 0, and precision, recall and F1 are macro averages over every class
// of the model, present in the data or not. Regression metrics are the plain
// means over all outputs (no 1/2 factor, unlike the mse loss), and r2 is the
// mean over target columns of scikit-learn's r2_score. Two-class reports add
// roc_auc and average_precision of the positive (second) class, with tied
// scores grouped as scikit-learn groups them; multi-label reports (several
// 0/1 targets) give subset accuracy, Hamming accuracy and per-target scores.
//
// The package imports none of nntrain's other packages.
package metrics
