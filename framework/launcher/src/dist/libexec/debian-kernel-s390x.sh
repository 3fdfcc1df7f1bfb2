#!/usr/bin/env bash
# Print the path of a Debian s390x kernel image (the s390 "image" format with its parameter area at 0x10400),
# downloading linux-image-s390x once into ~/.cache/handoff/debian-kernel-s390x: debian-kernel.sh s390x s390x,
# kept under this name for the scripts that call it.
exec bash "$(dirname "$0")/debian-kernel.sh" s390x s390x
