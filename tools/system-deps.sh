#!/usr/bin/env bash
# Install the system programs the course uses, when missing: `graphviz` (the dot program, for graph
# drawings) and `chromium` (only for the test suite's browser test). Usage: system-deps.sh graphviz [chromium]
# As root we use apt-get; otherwise we print the one-line command to run, and carry on.
set -u
missing=()
for pkg in "$@"; do
  case $pkg in
    graphviz) command -v dot >/dev/null 2>&1 || missing+=(graphviz);;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium);;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
  exit $?
fi
for pkg in "${missing[@]}"; do
  case $pkg in
    graphviz) echo "graphviz's 'dot' is missing: graphs will show as text. Install it with one of:" \
                   "'sudo apt-get install graphviz', 'brew install graphviz', 'conda install -c conda-forge graphviz'";;
    chromium) echo "Chromium is missing: the browser test will be skipped. Install it with" \
                   "'sudo apt-get install chromium' (or your system's package manager)";;
  esac
done
exit 0
