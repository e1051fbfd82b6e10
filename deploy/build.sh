#!/usr/bin/env bash
# Builds target/lambda/bootstrap.zip for the `provided.al2023` Lambda runtime (x86_64) with plain
# cargo: `bash deploy/build.sh`. Then `sam deploy --guided --template-file deploy/template.yaml`.
#
# The host's glibc target is used (no cross toolchain or zig); the script checks that the binary
# needs no glibc symbol newer than Amazon Linux 2023's 2.34, so it runs there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -m)" = x86_64 ] || { echo "build on x86_64, or change Architectures in template.yaml" >&2; exit 1; }

cargo build --release --bin lambda
mkdir -p target/lambda
cp target/release/lambda target/lambda/bootstrap
strip target/lambda/bootstrap

newest=$(objdump -T target/lambda/bootstrap | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
if [ "$(printf '%s\nGLIBC_2.34\n' "$newest" | sort -V | tail -1)" != GLIBC_2.34 ]; then
    echo "bootstrap needs $newest, newer than Amazon Linux 2023's GLIBC_2.34" >&2
    exit 1
fi

python3 - <<'PY'
import zipfile
info = zipfile.ZipInfo("bootstrap")
info.external_attr = 0o100755 << 16  # the runtime executes it
info.compress_type = zipfile.ZIP_DEFLATED
with zipfile.ZipFile("target/lambda/bootstrap.zip", "w") as z, open("target/lambda/bootstrap", "rb") as f:
    z.writestr(info, f.read())
PY
echo "target/lambda/bootstrap.zip: $(stat -c %s target/lambda/bootstrap.zip) bytes (bootstrap $(stat -c %s target/lambda/bootstrap) bytes, needs $newest)"
