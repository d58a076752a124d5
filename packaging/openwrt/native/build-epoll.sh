#!/bin/bash
# Builds netty's native epoll transport (libnetty_transport_native_epoll_<arch>.so) from the C
# sources netty publishes in its -sources.jar artifacts, with a given C compiler. netty's own .so
# files are linked against glibc; OpenWrt is musl, so a router needs this build (made with the
# SDK's target compiler, or musl-gcc for x86_64).
#
# usage: build-epoll.sh --cc CC --arch ARCH --sources DIR --out DIR [--jdk DIR]
#   --cc CC         C compiler (default: $CC, else cc), e.g. musl-gcc or x86_64-openwrt-linux-musl-gcc
#   --arch ARCH     target arch, as OpenWrt (x86_64, aarch64_cortex-a53, aarch64_generic,
#                   riscv64_riscv64) or netty (x86_64, aarch_64, riscv64) spells it
#   --sources DIR   holds netty-transport-native-epoll-V-sources.jar,
#                   netty-transport-native-unix-common-V-sources.jar and
#                   netty-jni-util-V-sources.jar (all three from Maven Central)
#   --out DIR       where the .so goes
#   --jdk DIR       a JDK whose include/ has jni.h (default: $JAVA_HOME, else the javac on PATH)
#   --kernel-headers DIR
#                   Linux UAPI headers (linux/, asm/, asm-generic/) for a compiler without them;
#                   default /usr/include for Debian's musl-gcc, whose include path leaves them out
# Extra compiler and linker flags come from $CFLAGS and $LDFLAGS (the SDK passes its own).
# Prints the path of the library it wrote.
set -euo pipefail

cc=${CC:-cc}
arch=
sources=
out=
jdk=${JAVA_HOME:-}
kernel_headers=

die() { echo "build-epoll.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
		--cc) cc=$2; shift 2 ;;
		--arch) arch=$2; shift 2 ;;
		--sources) sources=$2; shift 2 ;;
		--out) out=$2; shift 2 ;;
		--jdk) jdk=$2; shift 2 ;;
		--kernel-headers) kernel_headers=$2; shift 2 ;;
		-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown argument '$1' (try --help)" ;;
	esac
done
[ -n "$arch" ] || die "--arch is required"
[ -n "$sources" ] || die "--sources is required"
[ -n "$out" ] || die "--out is required"

# netty names the library after PlatformDependent.normalizedArch(); the Java side looks for exactly
# that name, so the file name is part of the ABI.
case "$arch" in
	x86_64) netty_arch=x86_64 cpu=x86_64 ;;
	aarch64*|aarch_64) netty_arch=aarch_64 cpu=aarch64 ;;
	riscv64*) netty_arch=riscv64 cpu=riscv64 ;;
	*) die "arch '$arch' has no netty epoll build (supported: x86_64, aarch64_*, riscv64_*)" ;;
esac

if [ -z "$jdk" ]; then
	javac=$(command -v javac) || die "no JDK found: pass --jdk DIR or set JAVA_HOME"
	jdk=$(dirname "$(dirname "$(readlink -f "$javac")")")
fi
[ -f "$jdk/include/jni.h" ] || die "$jdk/include/jni.h is missing: --jdk must name a JDK with headers"
[ -f "$jdk/include/linux/jni_md.h" ] || die "$jdk/include/linux/jni_md.h is missing"

find_jar() {
	local found
	found=$(find "$sources" -maxdepth 1 -name "$1-*-sources.jar" | sort | tail -n 1)
	[ -n "$found" ] || die "no $1-*-sources.jar in $sources"
	echo "$found"
}
epoll_jar=$(find_jar netty-transport-native-epoll)
unix_jar=$(find_jar netty-transport-native-unix-common)
jni_util_jar=$(find_jar netty-jni-util)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir -p "$src"
for jar in "$epoll_jar" "$unix_jar" "$jni_util_jar"; do
	# Only the C sources; the jars also hold the Java sources and Maven metadata.
	jar=$(readlink -f "$jar")
	(cd "$src" && "$jdk/bin/jar" xf "$jar")
done
c_files=$(cd "$src" && ls netty_epoll_*.c netty_unix*.c netty_jni_util.c)

# Debian's musl-gcc drops /usr/include (glibc's headers) from the search path, and the kernel's
# UAPI headers with it. Give it just those, through a directory of links.
includes=()
if [ -z "$kernel_headers" ] && [ "$(basename "$cc")" = musl-gcc ]; then
	kernel_headers=/usr/include
fi
if [ -n "$kernel_headers" ]; then
	kinc=$work/kernel-include
	mkdir -p "$kinc"
	ln -s "$kernel_headers/linux" "$kinc/linux"
	ln -s "$kernel_headers/asm-generic" "$kinc/asm-generic"
	asm=$kernel_headers/asm
	[ -d "$asm" ] || asm=$(find "$kernel_headers" -maxdepth 2 -type d -path "*/$cpu-linux-*/asm" | sort | head -n 1)
	[ -d "$asm" ] || die "no asm/ headers for $arch under $kernel_headers"
	ln -s "$asm" "$kinc/asm"
	includes=(-isystem "$kinc")
fi

# netty_epoll_linuxsocket.c uses the BSD type u_int16_t without including <sys/types.h>: glibc's
# <stdlib.h> happens to declare it, musl's does not. Declare it up front when the compiler needs it
# (the same type as musl's and glibc's, and C11 allows a repeated identical typedef).
# shellcheck disable=SC2086 # CFLAGS is a word list
if ! printf '#define _GNU_SOURCE\n#include <stdlib.h>\nu_int16_t probe;\n' \
		| "$cc" "${includes[@]}" ${CFLAGS:-} -fsyntax-only -x c - 2>/dev/null; then
	printf 'typedef unsigned short u_int16_t;\n' > "$work/u_int16_t.h"
	includes+=(-include "$work/u_int16_t.h")
fi

mkdir -p "$out"
lib="$(cd "$out" && pwd)/libnetty_transport_native_epoll_$netty_arch.so"

# The flags of netty's own build (its pom's jni.compiler.args), minus -Werror (a packager's
# compiler is not netty's) and _FORTIFY_SOURCE (musl has no fortify; the SDK adds its own).
# -ffile-prefix-map keeps the temporary directory's name out of the binary: reproducible output.
# shellcheck disable=SC2086 # CFLAGS, LDFLAGS and the file list are word lists
(cd "$src" && "$cc" -shared -fPIC -O2 -pipe -fno-omit-frame-pointer -fvisibility=hidden \
	-ffunction-sections -fdata-sections -Wno-attributes \
	-ffile-prefix-map="$src"=. \
	-I. -I"$jdk/include" -I"$jdk/include/linux" "${includes[@]}" \
	${CFLAGS:-} \
	-o "$lib" $c_files \
	-Wl,-z,relro -Wl,-z,now -Wl,--as-needed -Wl,--gc-sections -Wl,--build-id=sha1 -s \
	${LDFLAGS:-} -ldl)
echo "$lib"
