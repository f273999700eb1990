package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// textWidth is the line width the confusion matrix tries to stay within
	// by shortening its column labels.
	textWidth = 100
	// minColumnLabel is the fewest runes a shortened column label keeps
	// ("T-shirt…", "Ankle b…"), however wide the matrix gets.
	minColumnLabel = 8
	// maxRowLabel caps class names in the first column of the confusion
	// matrix, maxTableLabel in the per-class table, which has fewer columns.
	maxRowLabel   = 24
	maxTableLabel = 40
)

// Text renders r for a terminal: rows, loss and the split's metrics, then for
// classification a per-class table (precision, recall, f1, support and the
// macro average) and the confusion matrix, true classes down, predicted
// across; for multi-label classification the same table per target (support:
// rows with the label on). displayNames, when not nil, maps a class to the name shown (the
// spec's class_names for integer labels); classes it does not name show as
// themselves. Column labels of a wide confusion matrix are shortened with
// "…" to keep it within about 100 columns.
func Text(w io.Writer, r Report, displayNames map[string]string) error {
	bw := bufio.NewWriter(w)
	type line struct{ key, val string }
	lines := []line{{"rows", strconv.Itoa(r.Rows)}, {"loss", fmt.Sprintf("%.6g", r.Loss)}}
	for _, f := range []struct {
		key    string
		v      *float64
		format string
	}{
		{"accuracy", r.Accuracy, "%.4f"}, {"hamming_accuracy", r.HammingAccuracy, "%.4f"},
		{"precision", r.Precision, "%.4f"}, {"recall", r.Recall, "%.4f"}, {"f1", r.F1, "%.4f"},
		{"roc_auc", r.RocAUC, "%.4f"}, {"average_precision", r.AveragePrecision, "%.4f"},
		{"mse", r.MSE, "%.6g"}, {"rmse", r.RMSE, "%.6g"}, {"mae", r.MAE, "%.6g"}, {"r2", r.R2, "%.4f"},
	} {
		switch {
		case f.v == nil:
		case math.IsNaN(*f.v):
			lines = append(lines, line{f.key, "n/a"}) // undefined: r2 of one row
		default:
			lines = append(lines, line{f.key, fmt.Sprintf(f.format, *f.v)})
		}
	}
	keyW := 0
	for _, l := range lines {
		keyW = max(keyW, len(l.key))
	}
	for _, l := range lines {
		fmt.Fprintf(bw, "%-*s  %s\n", keyW, l.key, l.val)
	}

	if r.PerClass != nil {
		writeStats(bw, "class", r.classOrder(), r.PerClass, r, displayNames)
	}
	if r.PerTarget != nil {
		writeStats(bw, "target", r.targetOrder(), r.PerTarget, r, nil)
	}
	if len(r.Confusion) > 0 {
		writeConfusion(bw, r, displayNames)
	}
	return bw.Flush()
}

// writeStats writes the per-class (or per-target) table in class order,
// ending with the macro average over the classes and the total support.
func writeStats(w io.Writer, title string, classes []string, stats map[string]ClassStats, r Report, displayNames map[string]string) {
	labels := make([]string, len(classes))
	labelW := len("macro avg")
	for i, c := range classes {
		labels[i] = truncate(display(c, displayNames), maxTableLabel)
		labelW = max(labelW, runeLen(labels[i]))
	}
	total := 0
	for _, c := range classes {
		total += stats[c].Support
	}
	supW := max(len("support"), len(strconv.Itoa(total)))
	const numW = len("precision")
	fmt.Fprintf(w, "\n%s  %*s  %*s  %*s  %*s\n", pad(title, labelW), numW, "precision", numW, "recall", numW, "f1", supW, "support")
	for i, c := range classes {
		s := stats[c]
		fmt.Fprintf(w, "%s  %*.4f  %*.4f  %*.4f  %*d\n", pad(labels[i], labelW), numW, s.Precision, numW, s.Recall, numW, s.F1, supW, s.Support)
	}
	if r.Precision != nil && r.Recall != nil && r.F1 != nil {
		fmt.Fprintf(w, "%s  %*.4f  %*.4f  %*.4f  %*d\n", pad("macro avg", labelW), numW, *r.Precision, numW, *r.Recall, numW, *r.F1, supW, total)
	}
}

// writeConfusion writes the confusion matrix with class names as row and
// column labels. Row labels keep up to maxRowLabel runes. Column labels are
// shortened to the longest length that keeps the matrix within textWidth,
// but never below minColumnLabel runes; when that is still too wide, or the
// shortened labels would no longer tell the classes apart, the columns are
// numbered instead and each row label starts with its number.
func writeConfusion(w io.Writer, r Report, displayNames map[string]string) {
	k := len(r.Confusion)
	names := make([]string, k)
	order := r.Classes
	if len(order) != k {
		order = nil
		if o := r.classOrder(); len(o) == k {
			order = o
		}
	}
	for i := range names {
		if order != nil {
			names[i] = display(order[i], displayNames)
		} else {
			names[i] = strconv.Itoa(i)
		}
	}
	countW, longest := 1, 0
	rows := make([]string, k)
	for i, n := range names {
		rows[i] = truncate(n, maxRowLabel)
		longest = max(longest, runeLen(n))
		for _, v := range r.Confusion[i] {
			countW = max(countW, len(strconv.Itoa(v)))
		}
	}
	// layout shortens the column labels to limit runes and reports the
	// matrix width and whether the labels are still distinct.
	layout := func(limit int) (cols []string, total int, distinct bool) {
		cols = make([]string, k)
		total = maxRunes(rows)
		seen := make(map[string]bool, k)
		distinct = true
		for j, n := range names {
			cols[j] = truncate(n, limit)
			total += 2 + max(countW, runeLen(cols[j]))
			distinct = distinct && !seen[cols[j]]
			seen[cols[j]] = true
		}
		return cols, total, distinct
	}
	floor := max(minColumnLabel, countW)
	limit := max(longest, floor)
	cols, total, distinct := layout(limit)
	for total > textWidth && limit > floor {
		limit--
		cols, total, distinct = layout(limit)
	}
	title := "confusion (rows: true class, columns: predicted)"
	if total > textWidth || !distinct {
		title = "confusion (rows: true class, columns: predicted, numbered as the rows)"
		numW := len(strconv.Itoa(k - 1))
		for i := range rows {
			cols[i] = strconv.Itoa(i)
			rows[i] = fmt.Sprintf("%*d  %s", numW, i, rows[i])
		}
	}
	rowW := maxRunes(rows)
	widths := make([]int, k)
	for j, c := range cols {
		widths[j] = max(countW, runeLen(c))
	}

	fmt.Fprintf(w, "\n%s\n%s", title, strings.Repeat(" ", rowW))
	for j, c := range cols {
		fmt.Fprintf(w, "  %s", padLeft(c, widths[j]))
	}
	fmt.Fprintln(w)
	for i, label := range rows {
		fmt.Fprint(w, pad(label, rowW))
		for j, v := range r.Confusion[i] {
			width := countW
			if j < k {
				width = widths[j]
			}
			fmt.Fprintf(w, "  %*d", width, v)
		}
		fmt.Fprintln(w)
	}
}

func maxRunes(ss []string) int {
	n := 0
	for _, s := range ss {
		n = max(n, runeLen(s))
	}
	return n
}

func display(class string, names map[string]string) string {
	if n, ok := names[class]; ok && n != "" {
		return n
	}
	return class
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// truncate shortens s to at most n runes, marking a cut with "…".
func truncate(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string([]rune(s)[:n-1]) + "…"
}

// pad and padLeft pad s with spaces to n runes (fmt's widths count bytes).
func pad(s string, n int) string     { return s + strings.Repeat(" ", max(0, n-runeLen(s))) }
func padLeft(s string, n int) string { return strings.Repeat(" ", max(0, n-runeLen(s))) + s }
