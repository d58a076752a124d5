#!/bin/bash
# Builds edgelb's OpenWrt packages from the Maven output, without the OpenWrt SDK:
#   edgelb_<version>_all.ipk            the agent jar, /usr/sbin/edgelb, init script, config, ...
#   edgelb-runtime_<version>_<arch>.ipk a jlink'd Java runtime and netty's epoll library
#   luci-app-edgelb_<version>_all.ipk   the LuCI app, when luci-app/ exists
# in the format opkg (OpenWrt 24.10 and older) reads: a gzip'd tar of debian-binary,
# data.tar.gz and control.tar.gz. The same inputs give byte-identical packages.
#
# usage: packaging/openwrt/build.sh [OPTIONS]      (after `mvn package` at the top)
#   --jdk DIR        JDK whose modules make the runtime. For a router: a musl JDK of the router's
#                    arch (e.g. Adoptium's alpine-linux build). Default: $JAVA_HOME, else the JDK
#                    of the jlink on PATH (a glibc runtime: for tests, not for OpenWrt).
#   --jlink FILE     jlink to run, when the JDK's own cannot run here (another arch or libc):
#                    that of a JDK of the very same version (jlink checks) for this machine.
#                    Default: DIR/bin/jlink.
#   --arch ARCH      OpenWrt package arch of the runtime: x86_64 (default), aarch64_cortex-a53,
#                    aarch64_generic, ... (`opkg print-architecture` on the router)
#   --cc CC          C compiler for netty's epoll library, e.g. musl-gcc or
#                    aarch64-openwrt-linux-musl-gcc. Default: cc when ARCH is this machine's.
#   --no-native      no epoll library: the agent then uses Java NIO
#   --strip FILE     strip for the runtime's native code. Default: strip when ARCH is this
#                    machine's, else none ('none' turns it off)
#   --packages LIST  a comma-separated subset of edgelb,runtime,luci (default: all three)
#   --jar FILE       the agent jar (default: agent/target/edgelb-agent.jar)
#   --fw4-dir DIR    fw4 files and their INSTALL manifest (default: packaging/openwrt/files/fw4)
#   --luci-dir DIR   the LuCI app: htdocs/ and root/ (default: luci-app)
#   --release N      package release (default: 1); the version is the jar's
#   --out DIR        where the packages go (default: packaging/openwrt/dist)
#   --stage DIR      also copy each package's file tree to DIR/NAME (what the SDK Makefiles install)
#   --netty-sources DIR
#                    netty's -sources.jar files (epoll, unix-common, jni-util) are in DIR, instead
#                    of the local Maven repository
# Environment: SOURCE_DATE_EPOCH (default: the time of the last git commit), MAVEN_REPO
# (default: ~/.m2/repository; netty's C sources are looked up there, and fetched with mvn when
# missing), CFLAGS, LDFLAGS, READELF, EDGELB_MAINTAINER.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

jdk=${JAVA_HOME:-}
jlink=
arch=x86_64
cc=
native=1
strip_tool=
packages=edgelb,runtime,luci
jar=$top/agent/target/edgelb-agent.jar
fw4_dir=$here/files/fw4
luci_dir=$top/luci-app
release=1
out=$here/dist
stage=
netty_sources_dir=
maven_repo=${MAVEN_REPO:-$HOME/.m2/repository}
maintainer=${EDGELB_MAINTAINER:-edgelb team <team@example.invalid>}

# The modules the agent needs (jdeps on the jar, checked by the packaging tests): java.base,
# jdk.unsupported (sun.misc.Signal for SIGHUP, netty's Unsafe access) and java.management
# (tinylog's runtime probe). jdk.crypto.ec, where the JDK still has it apart (up to 21), brings
# the EC and X25519 key exchanges that HTTPS and TLS-HELLO health checks need.
modules=java.base,java.management,jdk.unsupported

die() { echo "build.sh: $*" >&2; exit 1; }
note() { echo "build.sh: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
		--jdk) jdk=$2; shift 2 ;;
		--jlink) jlink=$2; shift 2 ;;
		--arch) arch=$2; shift 2 ;;
		--cc) cc=$2; shift 2 ;;
		--no-native) native=; shift ;;
		--strip) strip_tool=$2; shift 2 ;;
		--packages) packages=$2; shift 2 ;;
		--jar) jar=$2; shift 2 ;;
		--fw4-dir) fw4_dir=$2; shift 2 ;;
		--luci-dir) luci_dir=$2; shift 2 ;;
		--release) release=$2; shift 2 ;;
		--out) out=$2; shift 2 ;;
		--stage) stage=$2; shift 2 ;;
		--netty-sources) netty_sources_dir=$2; shift 2 ;;
		-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown argument '$1' (try --help)" ;;
	esac
done

want() { case ",$packages," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
for package in ${packages//,/ }; do
	case "$package" in edgelb | runtime | luci) ;; *) die "--packages: '$package' is not edgelb, runtime or luci" ;; esac
done

[ -f "$jar" ] || die "$jar is missing: run 'mvn -DskipTests package' at the top first"
case "$release" in '' | *[!0-9]*) die "--release must be a number" ;; esac
case "$arch" in '' | *[!a-z0-9_+.-]*) die "arch '$arch' is not an OpenWrt package arch" ;; esac
tar --version 2>/dev/null | grep -q 'GNU tar' || die "GNU tar is required (--sort, --mtime)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$jdk" ]; then
	found=$(command -v jlink) || die "no JDK: pass --jdk DIR or set JAVA_HOME"
	jdk=$(dirname "$(dirname "$(readlink -f "$found")")")
fi
[ -x "$jdk/bin/java" ] || [ -d "$jdk/jmods" ] || die "$jdk does not look like a JDK"
jlink=${jlink:-$jdk/bin/jlink}
jlink=$(command -v "$jlink") || die "no jlink at ${jlink}"
# The jar tool of whichever JDK runs here: reads the agent jar and netty's source jars.
jar_tool=$(dirname "$jlink")/jar

# The jar's own metadata names the version and the netty build its classes belong to.
(cd "$work" && "$jar_tool" xf "$jar" META-INF/MANIFEST.MF \
	META-INF/maven/io.netty/netty-transport-classes-epoll/pom.properties)
version=$(sed -n 's/^Implementation-Version: *\([^[:space:]]*\).*/\1/p' "$work/META-INF/MANIFEST.MF")
netty_version=$(sed -n 's/^version=//p' "$work/META-INF/maven/io.netty/netty-transport-classes-epoll/pom.properties")
[ -n "$version" ] || die "$jar has no Implementation-Version in its manifest"
case "$version" in *[!A-Za-z0-9.+~]*) die "version '$version' is not valid for opkg" ;; esac
pkg_version=$version-$release

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null) \
		|| die "not a git checkout: set SOURCE_DATE_EPOCH"
fi
epoch=$SOURCE_DATE_EPOCH
case "$epoch" in '' | *[!0-9]*) die "SOURCE_DATE_EPOCH '$epoch' is not a number of seconds" ;; esac

host_cpu=$(uname -m)
case "$arch" in
	x86_64) cpu=x86_64 ;;
	aarch64*) cpu=aarch64 ;;
	riscv64*) cpu=riscv64 ;;
	*) cpu=${arch%%_*} ;;
esac
if [ "$cpu" = "$host_cpu" ]; then
	cc=${cc:-${CC:-cc}}
	strip_tool=${strip_tool:-strip}
fi
[ "$strip_tool" = none ] && strip_tool=
readelf=${READELF:-readelf}

mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -n "$stage" ]; then
	mkdir -p "$stage"
	stage=$(cd "$stage" && pwd)
fi

# --- ipk assembly: what scripts/ipkg-build does, with fixed owners and times -------------

# A tar of DIR's contents, reproducible: sorted, numeric root owner, one mtime.
tar_dir() {
	tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime="@$epoch" \
		-C "$1" -cf - .
}

# Modes as the package should have them: directories 0755, files 0755 when executable, else
# 0644. Files that need another mode get it afterwards.
normalize_modes() {
	find "$1" -type d -exec chmod 0755 {} +
	find "$1" -type f -perm /111 -exec chmod 0755 {} +
	find "$1" -type f ! -perm /111 -exec chmod 0644 {} +
}

# control_field NAME VALUE: a control line, or nothing for an empty value (an empty Depends:
# line crashes opkg).
control_field() {
	[ -z "$2" ] || printf '%s: %s\n' "$1" "$2"
}

# OpenWrt's generated maintainer scripts (include/package-pack.mk): default_postinst and
# default_prerm of /lib/functions.sh enable, start and stop the package's init scripts and run
# its uci-defaults on a running router, and source postinst-pkg / prerm-pkg.
write_default_scripts() {
	cat > "$1/postinst" <<-'EOF'
		#!/bin/sh
		[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0
		[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
		. ${IPKG_INSTROOT}/lib/functions.sh
		default_postinst $0 $@
	EOF
	cat > "$1/prerm" <<-'EOF'
		#!/bin/sh
		[ -s ${IPKG_INSTROOT}/lib/functions.sh ] || exit 0
		. ${IPKG_INSTROOT}/lib/functions.sh
		default_prerm $0 $@
	EOF
}

# build_ipk NAME ARCH DEPENDS SECTION SOURCE_NAME DESCRIPTION
# Packs $work/NAME/data and $work/NAME/control (scripts, conffiles) into $out.
build_ipk() {
	local name=$1 pkg_arch=$2 depends=$3 section=$4 source_name=$5 description=$6
	local dir=$work/$name
	local data=$dir/data control=$dir/control ipk=$dir/ipk
	mkdir -p "$ipk"
	chmod 0755 "$data"

	if [ -n "$stage" ]; then
		rm -rf "${stage:?}/$name"
		cp -a "$data" "$stage/$name"
	fi

	tar_dir "$data" > "$ipk/data.tar"
	local installed_size
	installed_size=$(stat -c %s "$ipk/data.tar")
	gzip -9n < "$ipk/data.tar" > "$ipk/data.tar.gz"
	rm "$ipk/data.tar"

	{
		control_field Package "$name"
		control_field Version "$pkg_version"
		control_field Depends "$depends"
		control_field Source "edgelb/packaging/openwrt"
		control_field SourceName "$source_name"
		control_field Section "$section"
		control_field SourceDateEpoch "$epoch"
		control_field Maintainer "$maintainer"
		control_field Architecture "$pkg_arch"
		control_field Installed-Size "$installed_size"
		printf 'Description: %s\n' "$(printf '%s\n' "$description" | sed '2,$s/^/ /')"
	} > "$control/control"
	chmod 0755 "$control"
	find "$control" -type f -exec chmod 0644 {} +
	for script in preinst postinst prerm postrm postinst-pkg prerm-pkg; do
		[ ! -f "$control/$script" ] || chmod 0755 "$control/$script"
	done
	tar_dir "$control" | gzip -9n > "$ipk/control.tar.gz"

	printf '2.0\n' > "$ipk/debian-binary"
	chmod 0644 "$ipk/debian-binary" "$ipk/data.tar.gz" "$ipk/control.tar.gz"
	local file=$out/${name}_${pkg_version}_${pkg_arch}.ipk
	(cd "$ipk" && tar --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
		-cf - ./debian-binary ./data.tar.gz ./control.tar.gz) | gzip -9n > "$file"
	echo "$file"
}

# --- edgelb: the agent ---------------------------------------------------------------------

build_edgelb() {
	local data=$work/edgelb/data control=$work/edgelb/control
	mkdir -p "$data" "$control"
	install -d -m 0755 "$data/usr/share/edgelb" "$data/usr/sbin" "$data/etc/init.d" \
		"$data/etc/config" "$data/etc/uci-defaults" "$data/lib/upgrade/keep.d"
	install -m 0644 "$jar" "$data/usr/share/edgelb/edgelb-agent.jar"
	install -m 0755 "$here/files/edgelb.launcher" "$data/usr/sbin/edgelb"
	install -m 0755 "$here/files/edgelb.init" "$data/etc/init.d/edgelb"
	install -m 0600 "$here/files/edgelb.config" "$data/etc/config/edgelb"
	install -m 0755 "$here/files/edgelb.defaults" "$data/etc/uci-defaults/80-edgelb"
	# Kept by sysupgrade, like a conffile that the package does not ship (package-pack.mk):
	# the agent's key pair, made on the router.
	printf '/etc/edgelb/\n' > "$data/lib/upgrade/keep.d/edgelb"
	chmod 0644 "$data/lib/upgrade/keep.d/edgelb"
	install_fw4 "$data"

	printf '/etc/config/edgelb\n' > "$control/conffiles"
	write_default_scripts "$control"
	# The same scripts as the SDK Makefile's (a test compares them), so written out verbatim.
	cat > "$control/postinst-pkg" <<'EOF'
#!/bin/sh
# The class data sharing archives belong to the jar they were made from.
rm -rf "${IPKG_INSTROOT}/usr/lib/edgelb/cds"
# An upgrade: run the new jar (default_postinst's start would leave the old one running).
if [ -z "${IPKG_INSTROOT}" ] && /etc/init.d/edgelb running; then
	/etc/init.d/edgelb restart
fi
exit 0
EOF
	cat > "$control/prerm-pkg" <<'EOF'
#!/bin/sh
rm -rf "${IPKG_INSTROOT}/usr/lib/edgelb/cds"
exit 0
EOF
	build_ipk edgelb all edgelb-runtime net edgelb "$(
		printf '%s\n' "Load-balancing agent for OpenWrt edge routers" \
			"A TCP relay and kernel DNAT load balancer with active health checks, configured" \
			"in /etc/config/edgelb (UCI, LuCI) or pushed from an OpenStack Octavia hub." \
			"Runs on the Java runtime of the edgelb-runtime package.")"
}

# The DNAT path's fw4 files, as listed in fw4/INSTALL: "SOURCE DEST MODE" per line, SOURCE
# relative to the fw4 directory, DEST absolute, MODE octal; '#' starts a comment.
install_fw4() {
	local data=$1 manifest=$fw4_dir/INSTALL
	[ -d "$fw4_dir" ] || return 0
	[ -f "$manifest" ] || die "$fw4_dir has no INSTALL manifest"
	local line=0 text source dest mode extra
	while IFS= read -r text || [ -n "$text" ]; do
		line=$((line + 1))
		read -r source dest mode extra <<< "${text%%#*}" || true
		[ -n "$source" ] || continue
		if [ -z "$mode" ] || [ -n "$extra" ]; then
			die "$manifest:$line: expected SOURCE DEST MODE"
		fi
		case "$source" in /* | *..*) die "$manifest:$line: SOURCE must be inside $fw4_dir" ;; esac
		[ -f "$fw4_dir/$source" ] || die "$manifest:$line: $source does not exist"
		case "$dest" in /*) ;; *) die "$manifest:$line: DEST must be an absolute path" ;; esac
		case "$dest" in *..* | */) die "$manifest:$line: DEST must name a file" ;; esac
		case "$mode" in [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;; *) die "$manifest:$line: MODE must be octal" ;; esac
		install -d -m 0755 "$data$(dirname "$dest")"
		install -m "$mode" "$fw4_dir/$source" "$data$dest"
	done < "$manifest"
}

# --- edgelb-runtime: the Java runtime ------------------------------------------------------

# The OpenWrt package that provides a shared library the runtime needs.
package_of_library() {
	case "$1" in
		libc.so | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | ld-*) echo libc ;;
		libstdc++.so.*) echo libstdcpp ;;
		libgcc_s.so.*) echo libgcc ;;
		libz.so.*) echo zlib ;;
		*) return 1 ;;
	esac
}

# Depends: from the NEEDED entries of the runtime's ELF files, minus what it carries itself.
runtime_depends() {
	local root=$1 library package depends=libc
	local own
	own=$(find "$root" -name '*.so*' -printf '%f\n' | sort -u)
	local file
	for library in $(find "$root" -type f | sort | while read -r file; do
		[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		"$readelf" -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
	done | sort -u); do
		if printf '%s\n' "$own" | grep -qxF "$library"; then
			continue
		fi
		package=$(package_of_library "$library") || die "the runtime needs $library: which OpenWrt package has it?"
		case ", $depends," in *", $package,"*) ;; *) depends="$depends, $package" ;; esac
	done
	echo "$depends"
}

netty_sources() {
	if [ -n "$netty_sources_dir" ]; then
		# The C code must match the Java classes it registers natives for.
		[ -f "$netty_sources_dir/netty-transport-native-epoll-$netty_version-sources.jar" ] \
			|| die "the jar holds netty $netty_version: $netty_sources_dir has no netty-transport-native-epoll-$netty_version-sources.jar"
		echo "$netty_sources_dir"
		return
	fi
	local dir=$work/netty-sources jni_util_version parent
	mkdir -p "$dir"
	parent=$maven_repo/io/netty/netty-parent/$netty_version/netty-parent-$netty_version.pom
	[ -f "$parent" ] || fetch io.netty:netty-parent:"$netty_version":pom
	# netty's native build takes netty_jni_util.c from this artifact, at the version its parent pins.
	jni_util_version=$(sed -n '/<artifactId>netty-jni-util<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;}' "$parent" | head -n 1)
	[ -n "$jni_util_version" ] || die "$parent does not pin netty-jni-util"
	source_jar io.netty netty-transport-native-epoll "$netty_version" "$dir"
	source_jar io.netty netty-transport-native-unix-common "$netty_version" "$dir"
	source_jar io.netty netty-jni-util "$jni_util_version" "$dir"
	echo "$dir"
}

fetch() {
	note "fetching $1 with mvn"
	mvn -q -B dependency:get -Dmaven.repo.local="$maven_repo" -Dartifact="$1" -Dtransitive=false >&2 \
		|| die "cannot fetch $1 (offline? run once with network access)"
}

source_jar() {
	local group=$1 artifact=$2 v=$3 dir=$4
	local file=$maven_repo/${group//.//}/$artifact/$v/$artifact-$v-sources.jar
	[ -f "$file" ] || fetch "$group:$artifact:$v:jar:sources"
	cp "$file" "$dir/"
}

build_runtime() {
	local data=$work/edgelb-runtime/data control=$work/edgelb-runtime/control
	local jre=$data/usr/lib/edgelb/jre
	mkdir -p "$data/usr/lib/edgelb" "$control"

	local module_path=() link_modules=$modules
	if [ -d "$jdk/jmods" ]; then
		module_path=(--module-path "$jdk/jmods")
		[ -f "$jdk/jmods/jdk.crypto.ec.jmod" ] && link_modules=$link_modules,jdk.crypto.ec
	elif [ "$jlink" = "$jdk/bin/jlink" ]; then
		# JDK 24+ builds without jmods link from their own run-time image (JEP 493).
		grep -q '^MODULES=.*jdk\.crypto\.ec' "$jdk/release" && link_modules=$link_modules,jdk.crypto.ec
	else
		die "$jdk has no jmods/: another platform's JDK can only be linked from its jmods"
	fi
	# No compression in the image: the package's gzip (and the router's flash file system)
	# compress class files better than jlink's per-resource zip, so the download is smaller,
	# and classes load without inflating.
	local jlink_version compress
	jlink_version=$("$jlink" --version)
	case "$jlink_version" in
		1[0-9] | 1[0-9].* | 20 | 20.*) compress=--compress=0 ;;
		*) compress=--compress=zip-0 ;;
	esac
	"$jlink" "${module_path[@]}" --add-modules "$link_modules" --strip-debug --no-header-files \
		--no-man-pages "$compress" --output "$jre" >&2

	if [ -n "$native" ]; then
		[ -n "$cc" ] || die "ARCH $arch is not this machine's: pass --cc (the target's C compiler) or --no-native"
		local jni_jdk=$jdk
		[ -f "$jni_jdk/include/jni.h" ] || jni_jdk=$(dirname "$(dirname "$jlink")")
		"$here/native/build-epoll.sh" --cc "$cc" --arch "$arch" --sources "$(netty_sources)" \
			--out "$data/usr/lib/edgelb/native" --jdk "$jni_jdk" > /dev/null
	fi

	if [ -n "$strip_tool" ]; then
		find "$data" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
			-exec "$strip_tool" --strip-unneeded {} +
	fi
	normalize_modes "$data"

	local depends
	depends=$(runtime_depends "$data")
	if "$readelf" -d "$jre/lib/server/libjvm.so" | grep -q 'libc\.so\.6'; then
		note "warning: $jdk is linked against glibc: this runtime is for tests, not for OpenWrt (musl)"
	fi

	cat > "$control/postinst-pkg" <<'EOF'
#!/bin/sh
# The class data sharing archives belong to the runtime they were made with.
rm -rf "${IPKG_INSTROOT}/usr/lib/edgelb/cds"
if [ -z "${IPKG_INSTROOT}" ] && [ -x /etc/init.d/edgelb ] && /etc/init.d/edgelb running; then
	/etc/init.d/edgelb restart
fi
exit 0
EOF
	cat > "$control/prerm-pkg" <<'EOF'
#!/bin/sh
rm -rf "${IPKG_INSTROOT}/usr/lib/edgelb/cds"
exit 0
EOF
	write_default_scripts "$control"

	local java_version description
	java_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jre/release")
	description="Java runtime for edgelb
Java $java_version with only the modules the agent uses:
${link_modules//,/, }."
	if [ -n "$native" ]; then
		description="$description
With netty's native epoll transport, built for this libc."
	fi
	build_ipk edgelb-runtime "$arch" "$depends" lang edgelb "$description"
}

# --- luci-app-edgelb -------------------------------------------------------------------

build_luci() {
	local data=$work/luci-app-edgelb/data control=$work/luci-app-edgelb/control
	mkdir -p "$data" "$control"
	# As luci.mk does: htdocs/ under /www, root/ under /.
	if [ -d "$luci_dir/htdocs" ]; then
		mkdir -p "$data/www"
		cp -R "$luci_dir/htdocs/." "$data/www/"
	fi
	[ ! -d "$luci_dir/root" ] || cp -R "$luci_dir/root/." "$data/"
	normalize_modes "$data"
	# Executables whatever mode the checkout gave them: rpcd runs its plugins, rc.common init scripts.
	local dir
	for dir in usr/libexec/rpcd etc/init.d; do
		[ ! -d "$data/$dir" ] || find "$data/$dir" -type f -exec chmod 0755 {} +
	done
	if [ -d "$data/etc/config" ]; then
		(cd "$data" && find etc/config -type f | sort | sed 's|^|/|') > "$control/conffiles"
	fi

	write_default_scripts "$control"
	# LuCI caches its menu index and compiled modules, and rpcd reads its plugins and ACLs at
	# start: refresh both on a running router once the files are in place, and once they are gone.
	# shellcheck disable=SC2016 # the variables belong to the script written here
	local refresh='[ -n "${IPKG_INSTROOT}" ] || {
	rm -f /tmp/luci-indexcache /tmp/luci-indexcache.*
	rm -rf /tmp/luci-modulecache/
	/etc/init.d/rpcd reload 2>/dev/null
}
exit 0'
	printf '#!/bin/sh\n%s\n' "$refresh" > "$control/postinst-pkg"
	printf '#!/bin/sh\n%s\n' "$refresh" > "$control/postrm"
	build_ipk luci-app-edgelb all "luci-base, edgelb" luci luci-app-edgelb "$(
		printf '%s\n' "LuCI support for edgelb" \
			"Services > Edge LB: the status of listeners, pools and members, and the configuration.")"
}

built=()
if want edgelb; then built+=("$(build_edgelb)"); fi
if want runtime; then built+=("$(build_runtime)"); fi
if want luci; then
	if [ -d "$luci_dir" ]; then
		built+=("$(build_luci)")
	else
		note "no $luci_dir: luci-app-edgelb not built"
	fi
fi
for file in "${built[@]}"; do
	printf '%s\t%s bytes\n' "$file" "$(stat -c %s "$file")"
done
