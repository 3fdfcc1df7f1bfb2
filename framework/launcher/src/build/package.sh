#!/usr/bin/env bash
# Packages the distribution just assembled (DIST = target/handoff): writes its man pages and shell completion from
# the CLI's own model, then target/handoff-<version>.tar.gz (relocatable: bin lib plugins conf profiles libexec
# systemd man completion) and, where Debian's dpkg-deb exists, target/handoff_<version>_all.deb:
#   /usr/bin/handoff -> ../share/handoff/bin/handoff     /usr/share/handoff/{bin,lib,plugins,profiles,libexec}
#   /etc/handoff/handoff.conf (a conffile)               /lib/systemd/system/handoff-kdump.{service,path}, ...
#   /usr/share/man/man1/handoff*.1.gz                    bash and zsh completion
# The class-data sharing archive made for the build's own path is left out of both (it would not match); the
# .deb's postinst records one for /usr/share/handoff.
# Usage: package.sh DIST VERSION OUT_DIR
set -euo pipefail
dist=$1
version=$2
out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cp=$(ls "$dist"/lib/*.jar | tr '\n' ':')
rm -rf "$dist/man" "$dist/completion"
java -cp "$cp" io.handoff.launcher.ManualPages "$dist/man/man1" "$dist/completion/handoff.bash"
cat > "$dist/completion/_handoff" <<'ZSH'
#compdef handoff
# zsh: the bash completion handoff generates, through zsh's bashcompinit
autoload -U +X bashcompinit && bashcompinit
source "${${(%):-%x}:A:h}/handoff.bash" 2>/dev/null || source /usr/share/bash-completion/completions/handoff
ZSH
cp "$here/cds-archive.sh" "$dist/libexec/cds-archive.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/handoff-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

# the tarball
name=handoff-$version
mkdir -p "$work/tar/$name"
(cd "$dist" && tar cf - --exclude='lib/handoff.jsa*' --exclude=.built bin lib plugins conf profiles libexec systemd \
    man completion) | (cd "$work/tar/$name" && tar xf -)
tar czf "$out/$name.tar.gz" -C "$work/tar" --owner=0 --group=0 "$name"
echo "package: $out/$name.tar.gz"

# the .deb
if ! command -v dpkg-deb >/dev/null; then
    echo "package: WARNING: no dpkg-deb (Debian's dpkg): no .deb written" >&2
    exit 0
fi
debversion=${version/-SNAPSHOT/~snapshot}-1
root=$work/deb
share=$root/usr/share/handoff
mkdir -p "$share" "$root/usr/bin" "$root/etc/handoff" "$root/lib/systemd/system" "$root/usr/share/man/man1" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" "$root/DEBIAN" \
    "$root/usr/share/doc/handoff"
cp -r "$work/tar/$name"/{bin,lib,plugins,profiles,libexec} "$share/"
ln -s ../share/handoff/bin/handoff "$root/usr/bin/handoff"
cp "$dist/conf/handoff.conf.example" "$root/etc/handoff/handoff.conf"
cp "$dist"/systemd/* "$root/lib/systemd/system/"
for page in "$dist"/man/man1/*.1; do gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"; done
cp "$dist/completion/handoff.bash" "$root/usr/share/bash-completion/completions/handoff"
printf '#compdef handoff\nautoload -U +X bashcompinit && bashcompinit\nsource /usr/share/bash-completion/completions/handoff\n' \
    > "$root/usr/share/zsh/vendor-completions/_handoff"
printf 'handoff %s\nSee /usr/share/handoff and man handoff.\n' "$version" > "$root/usr/share/doc/handoff/README"
cat > "$root/DEBIAN/control" <<CONTROL
Package: handoff
Version: $debversion
Architecture: all
Maintainer: handoff project <handoff@localhost>
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless
Recommends: kexec-tools
Section: admin
Priority: optional
Installed-Size: $(du -sk "$root" | cut -f1)
Description: load a second Linux kernel with kexec, for a fast reboot or kdump
 handoff plans and loads kexec and kdump handoffs (x86_64, s390x, ia64, EFI-assisted
 kdump), runs them on a simulated reference machine, and tells the BMC its last
 words at a crash. The handoff-kdump service loads the capture kernel at boot from
 /etc/handoff/handoff.conf.
CONTROL
echo /etc/handoff/handoff.conf > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    # class-data sharing for this installation's JVM and path; handoff works without it, only slower to start
    /usr/share/handoff/libexec/cds-archive.sh /usr/share/handoff >/dev/null 2>&1 || true
    if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
rm -f /usr/share/handoff/lib/handoff.jsa /usr/share/handoff/lib/handoff.jsa.key
PRERM
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
deb=$out/handoff_${debversion}_all.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "package: $deb"
