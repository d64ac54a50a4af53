# Finds the libtorch that gpu-run and build-djl-jni use; sourced by both (bash).
#
#   find_libtorch   sets LT_LIB (folder holding libtorch.so), LT_ROOT (the torch package or libtorch folder),
#                   LT_VERSION (e.g. 2.7.1+cu128), LT_BASE (2.7.1), LT_CUDA (12.8, empty for a CPU build),
#                   LT_FROM (where it was found); exits 2 with the reason when it finds none.
#
# Looked up in this order: $LIBTORCH (a libtorch folder, its lib/, or a torch package's torch/lib), then the
# `torch` package of python3 ($PYTHON overrides). The version comes from, in order: libtorch's build-version, the
# torch package's version.py, the name of a DJL cache folder (2.7.1-20250812-cpu-linux-x86_64), $PYTORCH_VERSION.

# The libtorch version DJL 0.36's prebuilt JNI bridge (pytorch-jni 2.7.1-0.36.0) was compiled against.
DJL_JNI_TORCH=2.7.1
DJL_VERSION=0.36.0

lt_die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

find_libtorch() {
  LT_LIB="" LT_ROOT="" LT_VERSION="" LT_CUDA="" LT_FROM=""
  if [ -n "${LIBTORCH:-}" ]; then
    [ -e "$LIBTORCH" ] || lt_die "LIBTORCH=$LIBTORCH does not exist"
    if [ -f "$LIBTORCH/lib/libtorch.so" ]; then
      LT_ROOT="$LIBTORCH" LT_LIB="$LIBTORCH/lib"
    elif [ -f "$LIBTORCH/libtorch.so" ]; then
      LT_LIB="$LIBTORCH" LT_ROOT="$(dirname "$LIBTORCH")"
    else
      lt_die "LIBTORCH=$LIBTORCH holds no libtorch.so (nor lib/libtorch.so)"
    fi
    LT_FROM="LIBTORCH"
  else
    local py="${PYTHON:-python3}" out
    command -v "$py" >/dev/null \
      || lt_die "no libtorch found: set LIBTORCH=/path/to/libtorch (or torch/lib), or install torch for python3"
    out="$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__)); print(torch.__version__); print(torch.version.cuda or "")' 2>/dev/null)" \
      || lt_die "no libtorch found: $py cannot import torch; set LIBTORCH=/path/to/libtorch (or torch/lib)"
    LT_ROOT="$(sed -n 1p <<<"$out")" LT_LIB="$(sed -n 1p <<<"$out")/lib"
    LT_VERSION="$(sed -n 2p <<<"$out")" LT_CUDA="$(sed -n 3p <<<"$out")"
    LT_FROM="$py's torch"
    [ -f "$LT_LIB/libtorch.so" ] || lt_die "$LT_FROM at $LT_ROOT has no lib/libtorch.so"
  fi
  LT_LIB="$(cd "$LT_LIB" && pwd -P)"
  [ -n "$LT_VERSION" ] || lt_version_from_files
  [ -n "$LT_VERSION" ] || lt_die "cannot tell the version of the libtorch in $LT_LIB (no build-version, no " \
    "version.py); set PYTORCH_VERSION=x.y.z to the version it is"
  LT_BASE="${LT_VERSION%%+*}"
  if [ -z "$LT_CUDA" ] && [ -f "$LT_LIB/libtorch_cuda.so" ]; then
    case "$LT_VERSION" in
      *+cu[0-9]*) local tag="${LT_VERSION##*+cu}"; LT_CUDA="${tag%?}.${tag: -1}" ;;
      *) LT_CUDA="unknown" ;;
    esac
  fi
}

lt_version_from_files() {
  local f name
  for f in "$LT_ROOT/build-version" "$LT_LIB/../build-version"; do
    if [ -f "$f" ]; then
      LT_VERSION="$(tr -d '[:space:]' <"$f")"
      return
    fi
  done
  for f in "$LT_ROOT/version.py" "$LT_LIB/../version.py"; do
    if [ -f "$f" ]; then
      LT_VERSION="$(sed -n "s/^__version__ *= *['\"]\\([^'\"]*\\)['\"].*/\\1/p" "$f" | head -1)"
      LT_CUDA="$(sed -n "s/^cuda[^=]*= *['\"]\\([^'\"]*\\)['\"].*/\\1/p" "$f" | head -1)"
      [ -n "$LT_VERSION" ] && return
    fi
  done
  name="$(basename "$LT_LIB")"
  if [[ "$name" =~ ^([0-9]+\.[0-9]+\.[0-9]+)-[0-9]+-(cpu|cu([0-9]+))(-precxx11)?-linux-x86_64$ ]]; then
    LT_VERSION="${BASH_REMATCH[1]}+${BASH_REMATCH[2]}"
    return
  fi
  LT_VERSION="${PYTORCH_VERSION:-}"
}

# The JNI flavor folder a self-built bridge goes to (build-djl-jni) and gpu-run looks in.
lt_built_flavor() {
  if [ -z "$LT_CUDA" ]; then echo cpu; else echo "cu${LT_CUDA//./}"; fi
}
