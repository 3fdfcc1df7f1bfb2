#!/usr/bin/env bash
# Every performance comparison of this directory, one after the other, on an otherwise idle machine; the output
# is what README.md's "Performance" section shows. About 3 minutes; needs root (handoff load through the shim).
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
echo "## loader vs kexec-tools"; "$bench/loader-vs-kexec.sh"
echo; echo "## start-up"; "$bench/startup.sh"
echo; echo "## /proc/iomem scaling"; "$bench/iomem-scaling.sh"
