#!/usr/bin/env bash
# Runs exported models in onnxruntime and compares them with nntrain predict.
#
#   scripts/onnx-check.sh            check (what .ci/run runs)
#   scripts/onnx-check.sh --update   also rewrite internal/export/testdata/runtime/*.ort.json
#
# For each case it trains a small model with the built nntrain, predicts the
# raw CSV rows, exports ONNX in float32 and float64 (and safetensors), runs
# onnxruntime (npm's onnxruntime-node, bench/onnx) on the same raw rows and
# fails unless every value is within 1e-5 (float32) or 1e-12 (float64) of
# predict's, relative to max(1, |x|), and every label is predict's. Every
# ONNX file must pass onnx.checker.check_model(full_check=True) (Debian's
# python3-onnx). The hand-built categorical graphs of internal/export's tests
# are run again, and go test compares the fresh outputs with its reference.
# Installs what is missing: bench/onnx/node_modules (npm ci), python3-onnx.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
update=0
[ "${1:-}" = --update ] && update=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/nntrain" ./cmd/nntrain
nn="$tmp/nntrain"

if [ ! -e bench/onnx/node_modules/onnxruntime-node/package.json ]; then
	# --ignore-scripts: the install script only fetches GPU libraries; the
	# CPU runtime ships in the package.
	(cd bench/onnx && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
py=/usr/bin/python3
if ! "$py" -c 'import onnx' 2>/dev/null; then
	apt-get install -y -q python3-onnx >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q python3-onnx >/dev/null; }
fi
node bench/onnx/make_data.mjs "$tmp/data"
cat >"$tmp/data/multilabel.yaml" <<'EOF'
name: multilabel
seed: 3
data: {train: multilabel.csv, target: [a, b], normalize: standard}
model:
  init: xavier
  layers:
    - {units: 5, activation: leaky_relu}
    - {units: 2, activation: sigmoid}
loss: bce
train: {optimizer: adam, learning_rate: 0.05, epochs: 40, batch_size: 16}
EOF
cat >"$tmp/data/penguins.yaml" <<'EOF'
name: penguins
seed: 7
data:
  train: penguins-train.csv
  target: species
  categorical: [year]
  validation_split: 0.2
  normalize: standard
model:
  init: he
  layers:
    - {units: 8, activation: relu}
    - {units: 3, activation: softmax}
loss: cross_entropy
train: {optimizer: adam, learning_rate: 0.02, epochs: 60, batch_size: 16}
EOF

passed=0
failed=0
result() { # status, what
	if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $2" >&2; fi
}

# one NAME SPEC DATA [train flags...]: train on the spec, then compare
# onnxruntime with predict on DATA in both precisions.
one() {
	local name=$1 spec=$2 data=$3
	shift 3
	local out="$tmp/$name"
	if ! "$nn" train --config "$spec" --out "$out" --quiet "$@" 2>"$tmp/err"; then
		cat "$tmp/err" >&2
		result 1 "$name: train"
		return
	fi
	"$nn" predict --model "$out/model.json" --data "$data" --out "$out/pred.csv" 2>"$tmp/err" || { cat "$tmp/err" >&2; result 1 "$name: predict"; return; }
	local prec tol
	for prec in float32 float64; do
		tol=1e-5
		# A float32 model's predict runs in float32, so its float64 graph
		# agrees to float32's rounding only.
		[ $prec = float64 ] && ! grep -q '"precision": "float32"' "$out/model.json" && tol=1e-12
		"$nn" export --model "$out/model.json" --format onnx --precision $prec --out "$out/$prec.onnx" 2>/dev/null || { result 1 "$name: export $prec"; continue; }
		"$nn" export --model "$out/model.json" --format safetensors --precision $prec --out "$out/$prec.safetensors" 2>/dev/null || result 1 "$name: export safetensors $prec"
		node bench/onnx/check.mjs --onnx "$out/$prec.onnx" --model "$out/model.json" --data "$data" --predict "$out/pred.csv" --tol $tol
		result $? "$name $prec: onnxruntime against predict"
	done
}

set +e
fx=testdata/fixtures
one wave configs/wave.yaml data/wave.csv --set train.epochs=15
one two_targets $fx/mse_two_targets_sgd_batch10/spec.yaml $fx/mse_two_targets_sgd_batch10/data.csv
one leaky_default $fx/mse_leaky_default_sgd_full/spec.yaml $fx/mse_leaky_default_sgd_full/data.csv
one minmax $fx/mse_minmax_sgd_batch10/spec.yaml $fx/mse_minmax_sgd_batch10/data.csv
one sigmoid_regression $fx/mse_sigmoid_momentum05_batch10/spec.yaml $fx/mse_sigmoid_momentum05_batch10/data.csv
one tanh_regression $fx/mse_tanh_sgd_full/spec.yaml $fx/mse_tanh_sgd_full/data.csv
one iris configs/iris.yaml data/iris.csv --set train.epochs=40
one iris_dropout configs/iris.yaml data/iris.csv --set train.epochs=40 --set model.layers.0.dropout=0.3
one leaky02_classes $fx/ce_leaky02_adam_batch10/spec.yaml $fx/ce_leaky02_adam_batch10/data.csv
one deep4 $fx/ce_deep4_adam_batch16/spec.yaml $fx/ce_deep4_adam_batch16/data.csv
one int_labels $fx/ce_int_labels_sgd_batch12/spec.yaml $fx/ce_int_labels_sgd_batch12/data.csv
one bce_one_unit $fx/bce_no_yes_first_momentum_batch10/spec.yaml $fx/bce_no_yes_first_momentum_batch10/data.csv
one bce_relu $fx/bce_relu_sgd_batch7/spec.yaml $fx/bce_relu_sgd_batch7/data.csv
one multilabel "$tmp/data/multilabel.yaml" "$tmp/data/multilabel.csv"
one penguins "$tmp/data/penguins.yaml" "$tmp/data/penguins-rows.csv"
one penguins_bundled configs/penguins.yaml data/penguins.csv --set train.epochs=30
# Models trained in float32 (train.precision), numbers and categories.
one iris_float32 configs/iris.yaml data/iris.csv --set train.epochs=40 --set train.precision=float32
one penguins_float32 configs/penguins.yaml data/penguins.csv --set train.epochs=30 --set train.precision=float32

# The hand-built categorical graphs of internal/export's tests.
rt=internal/export/testdata/runtime
ort="$tmp/ort"
[ $update = 1 ] && ort=$rt
mkdir -p "$ort"
for f in $rt/*.onnx; do
	b=$(basename "$f" .onnx)
	node bench/onnx/check.mjs --onnx "$f" --data $rt/penguins.csv --missing '["", "NA"]' --dump "$ort/$b.ort.json" >/dev/null
	result $? "$f: onnxruntime run"
done
NNTRAIN_ORT_DIR="$(cd "$ort" && pwd)" go test -count=1 -run TestRuntimeCategorical ./internal/export/ >"$tmp/gotest" 2>&1
st=$?
[ $st = 0 ] || cat "$tmp/gotest" >&2
result $st "internal/export TestRuntimeCategorical on onnxruntime's fresh outputs"

# The ONNX checker, strict: shape and type inference over the whole graph.
mapfile -t files < <(find "$tmp" $rt -name '*.onnx' | sort)
"$py" - "${files[@]}" <<'EOF'
import sys, onnx
bad = 0
for f in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:
        bad += 1
        print(f"FAILED: onnx.checker on {f}: {e}", file=sys.stderr)
print(f"onnx.checker (onnx {onnx.__version__}, full_check): {len(sys.argv) - 1 - bad} of {len(sys.argv) - 1} files accepted")
sys.exit(1 if bad else 0)
EOF
result $? "onnx.checker"

echo "onnx-check: $passed passed, $failed failed"
[ $failed = 0 ]
